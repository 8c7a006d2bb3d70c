-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_acquire_fifo_order
-- (a TaskGroup of three is three tasks, joined).  Each task takes the
-- permit twice, sleeping 10 ms while it holds it; the permit goes round
-- in the order the tasks queued.
scenario{ name = "asyncio SemaphoreTests.test_acquire_fifo_order", mode = "async", expect = "clean" }
local sem = Semaphore(1)
local result = shared("result", "")
local function coro(tag)
  return function()
    for k = 1, 2 do
      sem:acquire()
      result:set(result:get() .. tag .. "_" .. k .. " ")
      sleep(0.01)
      sem:release()
    end
  end
end
local ts = { spawn(coro("c1")), spawn(coro("c2")), spawn(coro("c3")) }
for _, t in ipairs(ts) do t:join() end
check(result:get() == "c1_1 c2_1 c3_1 c1_2 c2_2 c3_2 ", "order: %s", result:get())
