-- CPython Lib/test/test_asyncio/test_queues.py: QueueGetTests.test_blocking_get_wait
-- (loop.call_later(0.01, q.put_nowait, 1) is a task that sleeps 0.01 s and puts).
scenario{ name = "asyncio QueueGetTests.test_blocking_get_wait", mode = "async", expect = "clean" }
local q = Queue()
local started = Event()
local finished = shared("finished", false)
local res = shared("res", nil)
local getter = spawn(function()
  started:set()
  res:set(q:get())
  finished:set(true)
end)
started:wait()
check(not finished:get())
spawn(function() sleep(0.01) q:put_nowait(1) end)
getter:join()
check(finished:get() and res:get() == 1 and now() == 0.01)
