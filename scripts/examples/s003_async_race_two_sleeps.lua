-- From seeds/003_3aba66dc1b770c5b.txt, 'ex_4_1' (task: tmp = value;
-- await sleep; tmp = tmp + 1; await sleep; value = tmp).
--
-- Shows: "variable value must be 10000 but it's 1 in the end".  Each task
-- reads the shared value, awaits twice, and writes back its stale copy plus
-- one.  racesim agrees with the tutorial: in asyncio's order all tasks
-- read 0 before any of them writes (the first await suspends each one right
-- after its read, and virtual time only advances when no task is ready), so
-- the final value is always 1.  Expect lost_update and assertion (the
-- finally check wants n and sees 1).
--
-- Scaled down: 10000 coroutines -> 3 tasks (param n).
scenario{ name = "seed003 async race with two awaits", mode = "async",
          expect = { "lost_update", "assertion" } }

local n = param("n", 3)
local value = shared("value", 0)

local function task()
  local tmp = value:get()
  sleep(0.01)
  tmp = tmp + 1
  sleep(0.01)
  value:set(tmp)
end

local tasks = {}
for i = 1, n do tasks[i] = spawn("task" .. i, task) end
for _, t in ipairs(tasks) do t:join() end
print(value:get())
finally(function()
  check(value:get() == n, "value must be %d but it's %d", n, value:get())
end)
