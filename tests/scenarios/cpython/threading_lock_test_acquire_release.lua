-- CPython Lib/test/lock_tests.py: LockTests (BaseLockTests).test_acquire_release.
scenario{ name = "threading LockTests.test_acquire_release", expect = "clean" }
local lock = Lock()
lock:acquire()
lock:release()
