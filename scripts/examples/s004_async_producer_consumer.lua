-- From seeds/004_a4cab6d75b48e450.txt, '12. Asyncio with Real Examples'
-- (the async producer-consumer: producer(queue, 5), consumer(queue), None
-- sentinel).  The aiohttp half of the section is left out (network I/O).
--
-- Shows: a producer that puts one item every 0.5 s and a consumer that takes
-- 1 s per item, joined by an unbounded asyncio.Queue.  The consumer falls
-- behind and the queue absorbs the difference; items are consumed in order
-- and the consumer stops at the sentinel.  The checks: FIFO order, and the
-- end time (the consumer is the bottleneck: 0.5 s + n x 1 s).
--
-- Scaled down: 5 items -> 3 (param items).
scenario{ name = "seed004 async producer-consumer", mode = "async", expect = "clean" }

local n = param("items", 3)
local NONE = "None"
local consumed = shared("consumed", 0)

local function producer(queue, count)
  for i = 0, count - 1 do
    sleep(0.5)
    queue:put("Item-" .. i)
    print("Produced: Item-" .. i)
  end
  queue:put(NONE)                       -- signal completion
end

local function consumer(queue)
  while true do
    local item = queue:get()
    if item == NONE then break end
    check(item == "Item-" .. consumed:get(), "consumed %s out of order", item)
    print("Consumed: " .. item)
    consumed:add(1)
    sleep(1)
  end
end

local queue = Queue(0, "queue")
local tasks = { spawn("producer", producer, queue, n), spawn("consumer", consumer, queue) }
for _, t in ipairs(tasks) do t:join() end
check(consumed:get() == n, "%d items consumed, expected %d", consumed:get(), n)
check(now() == 0.5 + n, "done at t=%s, expected %s", tostring(now()), tostring(0.5 + n))
