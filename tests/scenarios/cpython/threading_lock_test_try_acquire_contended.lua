-- CPython Lib/test/lock_tests.py: LockTests (BaseLockTests).test_try_acquire_contended.
scenario{ name = "threading LockTests.test_try_acquire_contended", expect = "clean" }
local lock = Lock()
lock:acquire()
local result = shared("result", nil)
spawn(function() result:set(lock:acquire(false)) end):join()
check(result:get() == false, "another thread cannot take it")
lock:release()
