-- CPython Lib/test/test_asyncio/test_queues.py: QueueGetTests.test_why_are_getters_waiting.
scenario{ name = "asyncio QueueGetTests.test_why_are_getters_waiting", mode = "async", expect = "clean" }
local q = Queue(1)
local n = 5
local p = spawn(function() for i = 0, n - 1 do q:put(i) end end)
local c = spawn(function() for _ = 1, n do q:get() end end)
p:join()
c:join()
