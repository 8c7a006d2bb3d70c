-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_why_are_putters_waiting.
-- The getter takes what it finds after one sleep(0); the putters left
-- waiting must be woken to put the rest (a TaskGroup of five tasks, here
-- joined; the queue then holds what the getter did not take).
scenario{ name = "asyncio QueuePutTests.test_why_are_putters_waiting", mode = "async", expect = "clean" }
local q = Queue(2)
local ts = { spawn(function()
  yield()
  for _ = 1, q:qsize() do q:get_nowait() end
end) }
for i = 0, 3 do ts[#ts + 1] = spawn(function() q:put(i) end) end
for _, t in ipairs(ts) do t:join() end
