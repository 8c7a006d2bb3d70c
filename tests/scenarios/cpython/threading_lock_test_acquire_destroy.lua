-- CPython Lib/test/lock_tests.py: LockTests (BaseLockTests).test_acquire_destroy
-- (a lock dropped while held is no error).
scenario{ name = "threading LockTests.test_acquire_destroy", expect = "clean" }
local lock = Lock()
lock:acquire()
lock = nil
