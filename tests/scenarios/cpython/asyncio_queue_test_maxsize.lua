-- CPython Lib/test/test_asyncio/test_queues.py: QueueBasicTests.test_maxsize.
-- The putter blocks after two items; each get lets it put one more.
scenario{ name = "asyncio QueueBasicTests.test_maxsize", mode = "async", expect = "clean" }
local q = Queue(2)
check(q.maxsize == 2)
local put = shared("have_been_put", "")
local t = spawn(function()
  for i = 0, 2 do
    q:put(i)
    put:set(put:get() .. i)
  end
  return true
end)
yield()
yield()
check(put:get() == "01", "the putter is blocked after two: %s", put:get())
check(q:get() == 0)
yield()
check(put:get() == "012", "and puts the last: %s", put:get())
check(q:get() == 1 and q:get() == 2)
check(not t:is_alive())
