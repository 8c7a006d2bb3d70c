-- Queue, LifoQueue, PriorityQueue: order, maxsize, blocking and
-- non-blocking put/get with Full/Empty, timeouts, nil items, task_done/join.
scenario{ name = "Queue semantics", expect = "clean" }
local q = Queue(2, "q")
check(q:empty() and not q:full() and q:qsize() == 0 and q.maxsize == 2)
q:put(1); q:put(nil)
check(q:full() and q:qsize() == 2)
local ok, e = pcall(q.put_nowait, q, 3)
check(not ok and e.type == "Full")
ok, e = pcall(q.put, q, 3, true, 0.5)
check(not ok and e.type == "Full" and now() == 0.5, "put timeout")
check(q:get() == 1)
check(q:get() == nil and q:empty(), "nil is a valid item")
ok, e = pcall(q.get_nowait, q)
check(not ok and e.type == "Empty")
ok, e = pcall(q.get, q, true, 1)
check(not ok and e.type == "Empty" and now() == 1.5, "get timeout")
q:task_done(); q:task_done()
ok, e = pcall(q.task_done, q)
check(not ok and e.type == "ValueError" and e.message == "task_done() called too many times")
local lq = LifoQueue()
lq:put(1); lq:put(2); lq:put(3)
check(lq:get() == 3 and lq:get() == 2 and lq:get() == 1)
local pq = PriorityQueue()
pq:put({ 2, "b" }); pq:put({ 1, "z" }); pq:put({ 1, "a" }); pq:put({ 3, "c" })
check(pq:get()[2] == "a" and pq:get()[2] == "z" and pq:get()[2] == "b" and pq:get()[2] == "c")
ok, e = pcall(function() pq:put(1); pq:put("x") end)
check(not ok and e.type == "TypeError", "mixed types cannot be ordered")
-- producer/consumers with join()
local work = Queue(1, "work")
local sum = shared("sum", 0, { atomic = true })
for i = 1, 2 do
  spawn{ function()
    while true do
      local item = work:get()
      sum:add(item)
      work:task_done()
    end
  end, name = "consumer" .. i, daemon = true }
end
for i = 1, 3 do work:put(i) end
work:join()
check(sum:get() == 6, "sum %d after join", sum:get())
