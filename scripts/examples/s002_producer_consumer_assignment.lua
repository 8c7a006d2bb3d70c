-- From seeds/002_cd1eb18bce1600fd.txt, 'Daily Assignment' (producer-consumer
-- with queue.Queue(maxsize=5), daemon consumers, queue.join()).
--
-- Shows: the assignment's design, written out.  The producer puts items into
-- a bounded queue (blocking when it is full); daemon consumers loop forever
-- on get() / task_done(); main joins the producer, then waits on
-- queue.join() until every item has been task_done()'d, and finishes.  The
-- consumers are still blocked in get() at the end; as daemon threads
-- (spawn{..., daemon = true}) that is allowed, like in Python, where they
-- are killed at exit.  The checks say that queue.join() returns only after
-- every item is processed, and that each item is processed once.
--
-- Scaled down: maxsize 5 and 20 items -> maxsize 2 and 3 items, 2 consumers
-- (params), so that exhaustive exploration finishes.
scenario{ name = "seed002 producer-consumer assignment", expect = "clean" }

local maxsize = param("maxsize", 2)
local nitems = param("items", 3)
local nconsumers = param("consumers", 2)

local queue = Queue(maxsize, "queue")
local processed = shared("processed", 0)
local seen = shared_table("seen")

local function producer()
  for i = 1, nitems do
    local item = "item-" .. i
    queue:put(item)
    print("Produced " .. item)
  end
end

local function consumer()
  while true do
    local item = queue:get()
    check(seen[item] == nil, "%s consumed twice", item)
    seen[item] = true
    print("Consumed " .. item)
    processed:add(1)
    queue:task_done()
  end
end

local p = spawn("producer", producer)
for i = 1, nconsumers do spawn{ consumer, name = "consumer" .. i, daemon = true } end
p:join()
queue:join()
check(processed:get() == nitems, "queue.join() returned with %d of %d items processed",
      processed:get(), nitems)
print("Finished")
