-- From seeds/000_6cbeb80c684375f0.txt, '7.2 Queue Types' (Queue, LifoQueue,
-- PriorityQueue).
--
-- Shows: the three queue flavours differ only in which item get() returns:
-- FIFO the oldest, LIFO the newest, PriorityQueue the smallest, with tuples
-- compared element by element -- (0, "high priority") comes out before
-- (1, "low priority") although it was put second.  A producer task fills
-- the queues while a consumer task waits for it (an Event), so the order is
-- the same in any order of the tasks.
scenario{ name = "seed000 async queue types", mode = "async", expect = "clean" }

local queue = Queue(10, "fifo")
local lifo = LifoQueue(10, "lifo")
local prio = PriorityQueue(10, "prio")
local filled = Event("filled")

spawn("producer", function()
  for i = 1, 3 do queue:put(i); lifo:put(i) end
  prio:put({ 1, "low priority" })
  prio:put({ 0, "high priority" })
  prio:put({ 1, "also low" })          -- ties on the first element: compare the second
  filled:set()
end)

spawn("consumer", function()
  filled:wait()
  local fifo_out, lifo_out = {}, {}
  for i = 1, 3 do fifo_out[i] = queue:get(); lifo_out[i] = lifo:get() end
  check(table.concat(fifo_out, ",") == "1,2,3", "Queue gave %s", table.concat(fifo_out, ","))
  check(table.concat(lifo_out, ",") == "3,2,1", "LifoQueue gave %s", table.concat(lifo_out, ","))
  local a, b, c = prio:get(), prio:get(), prio:get()
  check(a[1] == 0 and a[2] == "high priority", "first from PriorityQueue: (%s, %s)", tostring(a[1]), tostring(a[2]))
  check(b[1] == 1 and b[2] == "also low", "second from PriorityQueue: (%s, %s)", tostring(b[1]), tostring(b[2]))
  check(c[1] == 1 and c[2] == "low priority", "third from PriorityQueue: (%s, %s)", tostring(c[1]), tostring(c[2]))
end)
