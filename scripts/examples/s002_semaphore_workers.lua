-- From seeds/002_cd1eb18bce1600fd.txt, '2. Semaphore' (worker with
-- `with semaphore:` and time.sleep(random.randint(1, 3))).
--
-- Shows: "This 'with' block will only be entered by 3 threads at a time":
-- the check says never more than k threads are inside.  The random sleep is
-- choose(3) seconds, so exhaustive exploration tries every combination of
-- work times, not just the ones a random run would hit.
--
-- Scaled down: Semaphore(3) with 10 workers -> Semaphore(2) with 3 workers
-- (params k, n).
scenario{ name = "seed002 Semaphore workers", expect = "clean" }

local k = param("k", 2)
local n = param("n", 3)
local semaphore = Semaphore(k, "semaphore")
local inside = shared("inside", 0)

local function worker(name)
  print(string.format("Thread %s: waiting to acquire semaphore.", name))
  semaphore:with(function()
    local c = inside:add(1)
    check(c <= k, "%d threads inside a Semaphore(%d)", c, k)
    print(string.format("Thread %s: semaphore acquired. Starting work...", name))
    sleep(choose(3))                 -- time.sleep(random.randint(1, 3))
    print(string.format("Thread %s: work finished. Releasing semaphore.", name))
    inside:add(-1)
  end)
end

local threads = {}
for i = 0, n - 1 do threads[#threads + 1] = spawn("Worker-" .. i, worker, "Worker-" .. i) end
for _, t in ipairs(threads) do t:join() end
