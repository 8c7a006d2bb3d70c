-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_put_cancelled
-- (nothing is cancelled in it: a put by one task, a get by another).
scenario{ name = "asyncio QueuePutTests.test_put_cancelled", mode = "async", expect = "clean" }
local q = Queue()
local t = spawn(function() q:put(1) return true end)
check(q:get() == 1)
check(not t:is_alive())
