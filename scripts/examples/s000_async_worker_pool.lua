-- From seeds/000_6cbeb80c684375f0.txt, '8.1 Worker Pool Pattern'.
--
-- Shows: workers take items from a shared asyncio.Queue until each gets a
-- None sentinel; main puts the items and one sentinel per worker, awaits
-- queue.join() (every put matched by a task_done(), sentinels included),
-- then gathers the workers.  The checks say that every item was processed
-- exactly once (results holds item * 2 for each) and that join() returns
-- only after the last task_done().
--
-- Scaled down: 3 workers and 10 items -> 2 workers and 3 items (params), so
-- that exhaustive exploration finishes.  results.append() is one atomic
-- step in asyncio; here it is an atomic add on the shared count plus a
-- write of the worker's own slot.
scenario{ name = "seed000 async worker pool", mode = "async", expect = "clean" }

local nworkers = param("workers", 2)
local nitems = param("items", 3)
local NONE = "None"

local results = shared_table("results")
local count = shared("results_len", 0)
local done = shared("task_done_calls", 0)

local function process(item)
  sleep(0.1)
  return item * 2
end

local function worker(name, queue)
  while true do
    local item = queue:get()
    if item == NONE then
      done:add(1)
      queue:task_done()
      break
    end
    local result = process(item)
    results[item] = result          -- results.append(result)
    count:add(1)
    done:add(1)
    queue:task_done()
  end
end

local queue = Queue(0, "queue")
local workers = {}
for i = 0, nworkers - 1 do
  workers[#workers + 1] = spawn("Worker-" .. i, worker, "Worker-" .. i, queue)
end
for i = 0, nitems - 1 do queue:put(i) end
for _ = 1, nworkers do queue:put(NONE) end
queue:join()
check(done:get() == nitems + nworkers, "queue.join() returned after %d of %d task_done() calls",
      done:get(), nitems + nworkers)
for _, w in ipairs(workers) do w:join() end
check(count:get() == nitems, "%d results, expected %d", count:get(), nitems)
for i = 0, nitems - 1 do
  check(results[i] == i * 2, "result for %d is %s", i, tostring(results[i]))
end
