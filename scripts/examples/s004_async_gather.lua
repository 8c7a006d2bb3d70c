-- From seeds/004_a4cab6d75b48e450.txt, '11. Asyncio (Async/Await)'
-- (say_hello; main_concurrent with asyncio.gather; main_with_tasks with
-- create_task and three awaits).
--
-- Shows: coroutines that only sleep run concurrently: gather of 2 s, 1 s
-- and 3 s sleeps takes 3 s, not 6 s, and returns the results in argument
-- order ("Done with Alice", "Done with Bob", "Done with Charlie") although
-- Bob finishes first.  main_with_tasks does the same with create_task:
-- "Tasks created, doing other work..." is printed before any task runs to
-- its end, and awaiting task1, task2, task3 in turn still takes 3 s.
-- The checks use virtual time; the two mains run one after the other, as
-- in the tutorial.
scenario{ name = "seed004 async gather and tasks", mode = "async", expect = "clean" }

local goodbye_at = shared_table("goodbye_at")

local function say_hello(name, delay)
  print(string.format("Hello %s, waiting %d seconds", name, delay))
  sleep(delay)                        -- non-blocking sleep
  print("Goodbye " .. name)
  goodbye_at[name] = now()
  return "Done with " .. name
end

-- gather: run the coroutines as tasks, collect results in argument order
local function gather(...)
  local specs = { ... }
  local results = shared_table("gather.results")
  local tasks = {}
  for i, spec in ipairs(specs) do
    tasks[i] = spawn(spec[1], function() results[i] = say_hello(spec[1], spec[2]) end)
  end
  for _, t in ipairs(tasks) do t:join() end
  local out = {}
  for i = 1, #specs do out[i] = results[i] end
  return out
end

-- asyncio.run(main_concurrent())
local t0 = now()
local results = gather({ "Alice", 2 }, { "Bob", 1 }, { "Charlie", 3 })
print("All results: " .. table.concat(results, ", "))
check(table.concat(results, ",") == "Done with Alice,Done with Bob,Done with Charlie",
      "results in the wrong order: %s", table.concat(results, ","))
check(now() - t0 == 3, "gather took %s s, expected 3", tostring(now() - t0))
check(goodbye_at.Bob < goodbye_at.Alice and goodbye_at.Alice < goodbye_at.Charlie,
      "goodbyes not in the order Bob, Alice, Charlie")

-- asyncio.run(main_with_tasks())
local t1 = now()
local task1 = spawn("task1", say_hello, "Alice", 2)
local task2 = spawn("task2", say_hello, "Bob", 1)
local task3 = spawn("task3", say_hello, "Charlie", 3)
print("Tasks created, doing other work...")
check(now() == t1, "create_task blocked")
task1:join(); task2:join(); task3:join()
check(now() - t1 == 3, "the three tasks took %s s, expected 3", tostring(now() - t1))
