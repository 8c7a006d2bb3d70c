-- From seeds/000_6cbeb80c684375f0.txt, '7.1 Basic Queue' (producer /
-- consumer with a None sentinel).
--
-- Shows: an asyncio.Queue hands items from a producer to a consumer in FIFO
-- order; the producer ends the stream with a sentinel (None in Python;
-- Lua tables cannot hold nil, so the string "None" here).  The checks say
-- that the consumer sees 0, 1, 2, ... in order and stops at the sentinel.
--
-- Scaled down: 5 items -> 3 (param items).  Note: the consumer calls
-- task_done() for every item but not for the sentinel; that is harmless
-- here because nobody calls queue.join().
scenario{ name = "seed000 async queue", mode = "async", expect = "clean" }

local items = param("items", 3)
local NONE = "None"
local queue = Queue(0, "queue")
local consumed = shared("consumed", 0)

local function producer(q)
  for i = 0, items - 1 do
    q:put(i)
    print("Produced: " .. i)
  end
  q:put(NONE)                       -- signal end
end

local function consumer(q)
  while true do
    local item = q:get()
    if item == NONE then break end
    check(item == consumed:get(), "consumed %s, expected %d", tostring(item), consumed:get())
    print("Consumed: " .. item)
    consumed:add(1)
    q:task_done()
  end
end

local tasks = { spawn("producer", producer, queue), spawn("consumer", consumer, queue) }
for _, t in ipairs(tasks) do t:join() end
check(consumed:get() == items, "consumed %d items, expected %d", consumed:get(), items)
