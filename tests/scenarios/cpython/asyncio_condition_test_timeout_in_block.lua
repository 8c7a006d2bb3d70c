-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_timeout_in_block.
-- asyncio.wait_for(condition.wait(), timeout=0.5) inside `async with`
-- raises TimeoutError after 0.5 s; racesim's wait(0.5) returns false then.
-- Either way the lock is held again afterwards.
scenario{ name = "asyncio ConditionTests.test_timeout_in_block", mode = "async", expect = "clean" }
local cond = Condition()
cond:with(function()
  check(cond:wait(0.5) == false, "timed out")
  check(now() == 0.5 and cond:locked(), "after 0.5 s, with the lock")
end)
