-- Bounded buffer on ONE Condition with notify_all(): the fix.
--
-- Same two producers, two consumers and buffer of maxsize 1 as
-- bounded_buffer_notify.lua, but every change to the buffer wakes ALL
-- waiters.  Whoever can make progress (a producer after a get, a consumer
-- after a put) is among them; the others re-check their `while` condition
-- and wait again.  No wake-up is lost, every interleaving completes, and
-- all items are consumed.  (It costs extra wake-ups; two conditions,
-- not_full and not_empty, with notify() on the right one, are as correct
-- and cheaper.)
scenario{ name = "bounded buffer, one Condition, notify_all()", expect = "clean" }

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
    cond:notify_all()
  end)
end

local function get()
  return cond:with(function()
    while size() == 0 do cond:wait() end            -- wait until not empty
    local item = buf[buf.head]
    buf.head = buf.head + 1
    cond:notify_all()
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
