-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_wait_unacquired.
scenario{ name = "asyncio ConditionTests.test_wait_unacquired", mode = "async", expect = "clean" }
local cond = Condition()
local ok, e = pcall(cond.wait, cond)
check(not ok and e.type == "RuntimeError", "wait() without the lock raises RuntimeError")
