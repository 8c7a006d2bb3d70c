-- From seeds/004_a4cab6d75b48e450.txt, '5. Semaphore (Limited Resources)'
-- (access_resource with Semaphore(3)).
--
-- Shows: "Allow 3 concurrent accesses": never more than k workers inside;
-- with 2 s of work each they finish in waves, at t = 2 * ceil(n / k).
--
-- Scaled down: Semaphore(3) and 10 threads -> Semaphore(2) and 3 threads
-- (params k, n), so that exhaustive exploration finishes.
scenario{ name = "seed004 Semaphore access", expect = "clean" }

local k = param("k", 2)
local n = param("n", 3)
local semaphore = Semaphore(k, "semaphore")
local inside = shared("inside", 0)

local function access_resource(worker_id)
  print(string.format("Worker %d waiting...", worker_id))
  semaphore:with(function()
    local c = inside:add(1)
    check(c <= k, "%d workers inside a Semaphore(%d)", c, k)
    print(string.format("Worker %d accessing resource", worker_id))
    sleep(2)
    print(string.format("Worker %d released resource", worker_id))
    inside:add(-1)
  end)
end

local threads = {}
for i = 0, n - 1 do threads[#threads + 1] = spawn("worker" .. i, access_resource, i) end
for _, t in ipairs(threads) do t:join() end
check(now() == 2 * math.ceil(n / k), "done at t=%s, expected %d", tostring(now()), 2 * math.ceil(n / k))
