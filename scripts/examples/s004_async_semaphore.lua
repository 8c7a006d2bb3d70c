-- From seeds/004_a4cab6d75b48e450.txt, '13. Asyncio Synchronization
-- Primitives' (main_semaphore: Semaphore(2), 5 tasks of access_resource
-- sleeping 2 s).
--
-- Shows: at most two tasks access the resource at a time; five tasks of 2 s
-- each finish in three waves, at t = 6.  (Not scaled: dfs finishes.)
scenario{ name = "seed004 async semaphore", mode = "async", expect = "clean" }

local n = param("n", 5)
local semaphore = Semaphore(2, "semaphore")
local inside = shared("inside", 0)

local function access_resource(worker_id)
  semaphore:with(function()
    local c = inside:add(1)
    check(c <= 2, "%d workers inside a Semaphore(2)", c)
    print(string.format("Worker %d accessing", worker_id))
    sleep(2)
    print(string.format("Worker %d done", worker_id))
    inside:add(-1)
  end)
end

local tasks = {}
for i = 0, n - 1 do tasks[#tasks + 1] = spawn("worker" .. i, access_resource, i) end
for _, t in ipairs(tasks) do t:join() end
check(now() == 2 * math.ceil(n / 2), "done at t=%s, expected %d", tostring(now()), 2 * math.ceil(n / 2))
