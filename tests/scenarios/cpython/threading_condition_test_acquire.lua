-- CPython Lib/test/lock_tests.py: ConditionTests.test_acquire.
scenario{ name = "threading ConditionTests.test_acquire", expect = "clean" }
local cond = Condition()
cond:acquire() cond:acquire() -- an RLock by default
cond:release() cond:release()
local lock = Lock()
cond = Condition(lock)
cond:acquire()
check(not lock:acquire(false))
cond:release()
check(lock:acquire(false))
check(not cond:acquire(false))
lock:release()
cond:with(function() check(not lock:acquire(false)) end)
