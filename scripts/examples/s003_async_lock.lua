-- From seeds/003_3aba66dc1b770c5b.txt, 'ex_4_2' (async with lock around the
-- shared-state access; the lock is created in main and passed to task).
--
-- Shows: the fix of ex_4_1: the read, the awaits and the write of each task
-- happen under one asyncio.Lock, so the final value is n.  The tutorial
-- elides the body ("# access shared state") and says the delay was cut to
-- 0; here the body is ex_4_1's, with sleep(0) awaits.  Clean.
--
-- Scaled down: 10000 coroutines -> 3 tasks (param n).
scenario{ name = "seed003 async lock", mode = "async", expect = "clean" }

local n = param("n", 3)
local value = shared("value", 0)

local function task(lock)
  lock:with(function()
    local tmp = value:get()
    sleep(0)
    tmp = tmp + 1
    sleep(0)
    value:set(tmp)
  end)
end

local lock = Lock("lock")
local tasks = {}
for i = 1, n do tasks[i] = spawn("task" .. i, task, lock) end
for _, t in ipairs(tasks) do t:join() end
check(value:get() == n, "value %d, expected %d", value:get(), n)
