-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_blocking_put_wait
-- (loop.call_later(0.01, q.get_nowait) is a task that sleeps 0.01 s and gets).
scenario{ name = "asyncio QueuePutTests.test_blocking_put_wait", mode = "async", expect = "clean" }
local q = Queue(1)
local started = Event()
local finished = shared("finished", false)
spawn(function() sleep(0.01) q:get_nowait() end)
local putter = spawn(function()
  started:set()
  q:put(1)
  q:put(2)
  finished:set(true)
end)
started:wait()
check(not finished:get())
putter:join()
check(finished:get() and now() == 0.01)
