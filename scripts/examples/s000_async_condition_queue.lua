-- From seeds/000_6cbeb80c684375f0.txt, '4.3 Producer-Consumer Pattern'
-- (class AsyncQueue).
--
-- Shows: a bounded queue built on ONE asyncio.Condition, where put() and
-- get() each wake a single waiter with notify().  The tutorial defines the
-- class without using it; with one producer and one consumer it works.  Here
-- it is used the way a queue is used, by 2 producers and 2 consumers
-- (maxsize 1, 2 items each), and racesim finds that it can hang: producers
-- and consumers wait on the same condition, so a notify() meant for a
-- consumer can wake a producer (or the reverse), which finds its own
-- condition false and waits again -- the wake-up is lost.  asyncio's own
-- order (first in, first out: the one run there is) hangs:
--   consumer1, consumer2 wait (queue empty);
--   producer1 puts item 1, notify() wakes consumer1; producer1's second
--   put finds the queue full and waits;
--   consumer1 takes item 1, notify() wakes consumer2 (not producer1!);
--   consumer1 comes back for its second item and waits;
--   consumer2 finds the queue empty and waits again;
--   producer2 puts, notify() wakes producer1; producer2's second put waits;
--   producer1 finds the queue full and waits: all four wait -> stuck.
-- CPython agrees: this class with gather(consumer(), consumer(),
-- producer(1), producer(2)) hangs forever under asyncio.run().
-- Expect "stuck".  The fix is notify_all() (or two conditions, not_full and
-- not_empty): see scripts/classic/bounded_buffer_notify_all.lua.
--
-- Scaled down: maxsize 1 and 2 items per producer, so that dfs finishes.
scenario{ name = "seed000 async condition queue (notify)", mode = "async",
          expect = "stuck" }

local maxsize = param("maxsize", 1)
local items = param("items", 2)

local condition = Condition(nil, "condition")
local buf = shared_table("queue")       -- the deque: buf.head .. buf.tail-1
buf.head, buf.tail = 1, 1

local function size() return buf.tail - buf.head end

local function put(item)
  condition:with(function()
    while maxsize > 0 and size() >= maxsize do condition:wait() end
    buf[buf.tail] = item
    buf.tail = buf.tail + 1
    condition:notify()
  end)
end

local function get()
  return condition:with(function()
    while size() == 0 do condition:wait() end
    local item = buf[buf.head]
    buf.head = buf.head + 1
    condition:notify()
    return item
  end)
end

local tasks = {}
for c = 1, 2 do
  tasks[#tasks + 1] = spawn("consumer" .. c, function()
    for _ = 1, items do print("consumed", get()) end
  end)
end
for p = 1, 2 do
  tasks[#tasks + 1] = spawn("producer" .. p, function()
    for i = 1, items do put(p * 100 + i) end
  end)
end
for _, t in ipairs(tasks) do t:join() end
