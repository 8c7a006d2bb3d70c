-- From seeds/000_6cbeb80c684375f0.txt, '5.1 Concept' (Semaphore:
-- limited_operation) and '5.2 Semaphore Methods' (acquire, release,
-- `async with`, locked()).
--
-- Shows: a Semaphore(k) lets at most k tasks into the section at once; the
-- others wait until a slot is released.  The checks say that never more
-- than k tasks are inside, that sem:locked() is true exactly when all slots
-- are taken (5.2), and, from virtual time, that the tasks run in waves:
-- everything is done at t = ceil(n / k) seconds.
--
-- Scaled down: Semaphore(3) with 10 tasks -> Semaphore(2) with 3 tasks
-- (params k, n), so that exhaustive exploration finishes.
scenario{ name = "seed000 async semaphore", mode = "async", expect = "clean" }

local k = param("k", 2)
local n = param("n", 3)
local semaphore = Semaphore(k, "semaphore")
local inside = shared("inside", 0)

local function limited_operation(i)
  semaphore:with(function()             -- async with semaphore:
    local now_inside = inside:add(1)
    check(now_inside <= k, "%d tasks inside a Semaphore(%d)", now_inside, k)
    check(semaphore:locked() == (now_inside == k),
          "locked() is %s with %d of %d slots taken", tostring(semaphore:locked()), now_inside, k)
    print(string.format("Task %d: Starting", i))
    sleep(1)
    print(string.format("Task %d: Done", i))
    inside:add(-1)
  end)
end

local tasks = {}
for i = 0, n - 1 do tasks[#tasks + 1] = spawn("task" .. i, limited_operation, i) end
for _, t in ipairs(tasks) do t:join() end
check(now() == math.ceil(n / k), "all done at t=%s, expected %d", tostring(now()), math.ceil(n / k))
