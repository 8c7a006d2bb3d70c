-- CPython Lib/test/lock_tests.py: RLockTests (BaseLockTests).test_acquire_release.
scenario{ name = "threading RLockTests.test_acquire_release", expect = "clean" }
local lock = RLock()
lock:acquire()
lock:release()
