-- Bounded buffer on ONE Condition with notify(): a lost wake-up.
--
-- Two producers and two consumers share a buffer of maxsize 1.  put() waits
-- while the buffer is full, get() while it is empty, both on the same
-- Condition, and each wakes ONE waiter with notify() after changing the
-- buffer.
--
-- The bug: producers and consumers wait on the same condition, so the one
-- waiter notify() wakes may be of the wrong kind.  It re-checks its own
-- condition, finds it still false and waits again: the notification is
-- consumed by a thread that cannot use it, and the thread that could is
-- never woken.  One interleaving (one item each, the default):
--   consumer1, consumer2 wait (empty);
--   producer1 puts its item, notify() wakes consumer1;
--   producer2 finds the buffer full and waits;
--   consumer1 takes the item, notify() wakes consumer2 (not producer2);
--   consumer2 finds the buffer empty and waits again -> producer2 and
--   consumer2 wait, and nobody is left to notify either: stuck.
-- racesim reports it as "stuck" (everyone left waits on the condition, no
-- cycle of lock owners).  dfs explores every interleaving (152 runs); with
-- -D items=2 there are far more, and random or pct find it at once.  With one producer and one consumer the same code is
-- correct (seed 004's ProducerConsumer): notify() can only wake the other.
--
-- The fix (bounded_buffer_notify_all.lua): notify_all(), so that the right
-- kind of waiter is always among those woken; or two conditions (not_full,
-- not_empty) on one lock, each notified only when its predicate may have
-- become true.
scenario{ name = "bounded buffer, one Condition, notify() (lost wake-up)", expect = "stuck" }

local maxsize = param("maxsize", 1)
local items = param("items", 1)          -- per producer (and per consumer)

local cond = Condition(nil, "buffer.cond")
local buf = shared_table("buffer")       -- items buf[head] .. buf[tail - 1]
buf.head, buf.tail = 1, 1
local consumed = shared("consumed", 0)

local function size() return buf.tail - buf.head end

local function put(item)
  cond:with(function()
    while size() >= maxsize do cond:wait() end      -- wait until not full
    buf[buf.tail] = item
    buf.tail = buf.tail + 1
    cond:notify()
  end)
end

local function get()
  return cond:with(function()
    while size() == 0 do cond:wait() end            -- wait until not empty
    local item = buf[buf.head]
    buf.head = buf.head + 1
    cond:notify()
    return item
  end)
end

for p = 1, 2 do
  spawn("producer" .. p, function()
    for i = 1, items do put(p * 100 + i) end
  end)
end
for c = 1, 2 do
  spawn("consumer" .. c, function()
    for _ = 1, items do get(); consumed:add(1) end
  end)
end
finally(function()
  check(consumed:get() == 2 * items, "%d items consumed, expected %d", consumed:get(), 2 * items)
end)
