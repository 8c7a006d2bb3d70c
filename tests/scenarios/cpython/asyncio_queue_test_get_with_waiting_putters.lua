-- CPython Lib/test/test_asyncio/test_queues.py: QueueGetTests.test_get_with_waiting_putters.
scenario{ name = "asyncio QueueGetTests.test_get_with_waiting_putters", mode = "async", expect = "clean" }
local q = Queue(1)
spawn(function() q:put("a") end)
spawn(function() q:put("b") end)
check(q:get() == "a")
check(q:get() == "b")
