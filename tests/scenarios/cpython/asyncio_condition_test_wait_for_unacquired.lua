-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_wait_for_unacquired.
-- A predicate already true returns at once, lock or no lock; one that is
-- false must wait, and without the lock that raises RuntimeError.
scenario{ name = "asyncio ConditionTests.test_wait_for_unacquired", mode = "async", expect = "clean" }
local cond = Condition()
local res = cond:wait_for(function() return "123" end)
check(res == "123", "the predicate's value: %s", tostring(res))
local ok, e = pcall(cond.wait_for, cond, function() return false end)
check(not ok and e.type == "RuntimeError", "RuntimeError")
