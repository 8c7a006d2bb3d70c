-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_notify_all_unacquired.
scenario{ name = "asyncio ConditionTests.test_notify_all_unacquired", mode = "async", expect = "clean" }
local cond = Condition()
local ok, e = pcall(cond.notify_all, cond)
check(not ok and e.type == "RuntimeError", "notify_all() without the lock raises RuntimeError")
