-- CPython Lib/test/lock_tests.py: RLockTests (BaseLockTests).test_acquire_destroy
-- (a lock dropped while held is no error).
scenario{ name = "threading RLockTests.test_acquire_destroy", expect = "clean" }
local lock = RLock()
lock:acquire()
lock = nil
