-- From seeds/004_a4cab6d75b48e450.txt, '5. Semaphore (Limited Resources)'
-- (access_resource with Semaphore(3), as scripts/examples/
-- s004_semaphore_access.lua writes it): never more than k workers inside,
-- and with 2 s of work each they finish in waves.  Scaled down for
-- exhaustive search: 10 threads -> param n (4).
--
-- An exact-count test of dfs (tests/cli/test_por_counts.py): the acquires
-- that find a permit to spare commute with each other and with the
-- releases (sync/count.h), so only the order of the counter's add()s and
-- of the acquires that had to wait for a release is explored.
scenario{ name = "seed004 Semaphore(3) access", expect = "clean" }

local k = param("k", 3)
local n = param("n", 4)
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
