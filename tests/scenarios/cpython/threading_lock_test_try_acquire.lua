-- CPython Lib/test/lock_tests.py: LockTests (BaseLockTests).test_try_acquire.
scenario{ name = "threading LockTests.test_try_acquire", expect = "clean" }
local lock = Lock()
check(lock:acquire(false))
lock:release()
