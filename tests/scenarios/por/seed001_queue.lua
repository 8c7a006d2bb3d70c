-- From seeds/001_897fcf942ac2d54e.txt, 'queue.Queue (Thread-Safe)': one
-- producer puts its items and a sentinel (None; the string "None" here) into
-- a bounded Queue, and each consumer that gets the sentinel puts it back for
-- the next one.  Scaled down for exhaustive search: maxsize 10, 20 items and
-- 3 consumers -> params maxsize (2), items (4), consumers (3); pause (0.1 s)
-- is the producer's sleep between items (0: none).
--
-- An exact-count test of dfs (tests/cli/test_por_counts.py): the consumers'
-- task_done() calls commute with each other and with the producer's put()s
-- (nobody calls join()) where they find a task left to finish whatever the
-- order (sync/count.h), so mostly the order of the items' gets is explored.
scenario{ name = "seed001 Queue(2) producer/consumer", expect = "clean" }

local maxsize = param("maxsize", 2)
local nitems = param("items", 4)
local nconsumers = param("consumers", 3)
local pause = param("pause", 0.1)
local NONE = "None"

local function producer(q, items)
  for item = 0, items - 1 do
    q:put(item)
    if pause > 0 then sleep(pause) end
  end
  q:put(NONE) -- sentinel value
end

local function consumer(q, name)
  while true do
    local item = q:get()
    if item == NONE then
      q:put(NONE) -- re-post the sentinel for the other consumers
      break
    end
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
