-- CPython Lib/test/test_asyncio/test_queues.py: PriorityQueueJoinTests.test_task_done.
-- Two workers get the 100 items and call task_done() after each; join()
-- returns when all are processed; then the workers are let go.
scenario{ name = "asyncio PriorityQueueJoinTests.test_task_done", mode = "async", expect = "clean" }
local q = PriorityQueue()
for i = 0, 99 do q:put_nowait(i) end
local accumulator = shared("accumulator", 0)
local running = shared("running", true)
local ts = {}
for k = 1, 2 do
  ts[k] = spawn(function()
    while running:get() do
      local item = q:get()
      accumulator:add(item)
      q:task_done()
    end
  end)
end
q:join()
check(accumulator:get() == 4950, "sum %d", accumulator:get())
running:set(false)
for _ = 1, #ts do q:put_nowait(0) end
for _, t in ipairs(ts) do t:join() end
