-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_context_manager.
scenario{ name = "asyncio ConditionTests.test_context_manager", mode = "async", expect = "clean" }
local cond = Condition()
check(not cond:locked())
cond:with(function() check(cond:locked()) end)
check(not cond:locked())
