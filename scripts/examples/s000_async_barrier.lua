-- From seeds/000_6cbeb80c684375f0.txt, '6.1 Concept' (Barrier(3):
-- worker("A"), worker("B"), worker("C")).
--
-- Shows: nobody passes barrier.wait() until all three have arrived.  The
-- tutorial's sample output prints every "Waiting at barrier" line before
-- any "Barrier passed" line; the check says exactly that (and it holds in
-- any order of the tasks too, scenario{ order = "any" }): when a worker passes, all three have arrived.  The wait()
-- results are the arrival indices 0, 1 and 2, one each.
scenario{ name = "seed000 async barrier", mode = "async", expect = "clean" }

local barrier = Barrier(3, nil, nil, "barrier")
local arrived = shared("arrived", 0)
local seen = shared_table("indices")

local function worker(name)
  print(name .. ": Doing preparation...")
  sleep(0.1)
  print(name .. ": Waiting at barrier...")
  arrived:add(1)
  local index = barrier:wait()
  check(arrived:get() == 3, "%s passed the barrier with only %d arrived", name, arrived:get())
  check(seen[index] == nil, "index %d returned twice", index)
  seen[index] = name
  print(name .. ": Barrier passed, continuing!")
end

local tasks = { spawn("A", worker, "A"), spawn("B", worker, "B"), spawn("C", worker, "C") }
for _, t in ipairs(tasks) do t:join() end
for i = 0, 2 do check(seen[i] ~= nil, "no worker got index %d", i) end
