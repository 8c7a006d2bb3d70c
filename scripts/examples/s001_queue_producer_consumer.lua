-- From seeds/001_897fcf942ac2d54e.txt, 'queue.Queue (Thread-Safe)'
-- (producer / consumer with a re-posted None sentinel).
--
-- Shows: one producer and several consumers share a bounded Queue; the
-- producer ends with one sentinel (None; the string "None" here) and each
-- consumer that sees it puts it back for the next one, so all consumers
-- stop.  The checks say every item is processed exactly once, and that the
-- bounded queue never holds more than maxsize items.
--
-- Scaled down: maxsize 10, 20 items, 3 consumers -> maxsize 2, 3 items,
-- 2 consumers (params), so that exhaustive exploration finishes.
scenario{ name = "seed001 Queue producer/consumer", expect = "clean" }

local maxsize = param("maxsize", 2)
local nitems = param("items", 3)
local nconsumers = param("consumers", 2)
local NONE = "None"
local seen = shared_table("processed")

local function producer(q, items)
  for item = 0, items - 1 do
    q:put(item)
    check(q:qsize() <= maxsize, "queue holds %d items, maxsize %d", q:qsize(), maxsize)
    sleep(0.1)
  end
  q:put(NONE)                           -- sentinel value
end

local function consumer(q, name)
  while true do
    local item = q:get()
    if item == NONE then
      q:put(NONE)                       -- re-post sentinel for other consumers
      break
    end
    check(seen[item] == nil, "item %d processed twice", item)
    seen[item] = name
    print(name .. " processed: " .. item)
    q:task_done()
  end
end

local work_queue = Queue(maxsize, "work_queue")
local prod = spawn("producer", producer, work_queue, nitems)
local consumers = {}
for i = 0, nconsumers - 1 do
  consumers[#consumers + 1] = spawn("Consumer-" .. i, consumer, work_queue, "Consumer-" .. i)
end
prod:join()
for _, c in ipairs(consumers) do c:join() end
for item = 0, nitems - 1 do check(seen[item] ~= nil, "item %d never processed", item) end
