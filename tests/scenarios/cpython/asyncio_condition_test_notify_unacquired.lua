-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_notify_unacquired.
scenario{ name = "asyncio ConditionTests.test_notify_unacquired", mode = "async", expect = "clean" }
local cond = Condition()
local ok, e = pcall(cond.notify, cond)
check(not ok and e.type == "RuntimeError", "notify() without the lock raises RuntimeError")
