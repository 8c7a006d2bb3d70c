-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_put_with_waiting_getters.
scenario{ name = "asyncio QueuePutTests.test_put_with_waiting_getters", mode = "async", expect = "clean" }
local q = Queue()
local got = shared("got", nil)
local t = spawn(function() got:set(q:get()) end)
yield()
q:put("a")
t:join()
check(got:get() == "a")
