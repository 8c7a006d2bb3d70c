-- CPython Lib/test/lock_tests.py: RLockTests (BaseLockTests).test_try_acquire.
scenario{ name = "threading RLockTests.test_try_acquire", expect = "clean" }
local lock = RLock()
check(lock:acquire(false))
lock:release()
