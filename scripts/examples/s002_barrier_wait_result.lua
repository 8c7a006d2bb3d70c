-- From seeds/002_cd1eb18bce1600fd.txt, '4. Barrier' (worker with
-- time.sleep(random.randint(1, 4)) and barrier.wait(timeout=5)).
--
-- Shows: three threads meet at a Barrier(3) after random work times, each
-- waiting at most 5 s.
--
-- Where racesim shows the tutorial to be wrong: its comment says "The last
-- thread to arrive will get a non-negative integer return value. Others get
-- -1."  Python's threading.Barrier.wait() returns the arrival index,
-- 0 .. parties-1, to EVERY thread (the first to arrive gets 0, the last
-- gets parties-1, which is the one the docs suggest using to elect a
-- "leader"); it never returns -1.  Python 3 prints, for sleeps of 0, 0.05
-- and 0.1 s: [(0, 0), (1, 1), (2, 2)].  racesim returns the indices too, and
-- the checks here state the real behaviour: the three results are 0, 1 and
-- 2, one each, and they follow the arrival order (a thread that reached the
-- barrier at an earlier virtual time has a smaller index).
--
-- The timeout never fires: the sleeps are 1..4 s (choose(4): every
-- combination is explored), so the last thread arrives at most 3 s after
-- the first one started waiting, within its 5 s.  No BrokenBarrierError.
scenario{ name = "seed002 Barrier wait() result", expect = "clean" }

local num_threads = 3
local barrier = Barrier(num_threads, nil, nil, "barrier")
local results = shared_table("wait_results")      -- index -> name
local arrived_at = shared_table("arrived_at")     -- index -> virtual time

local function worker(name)
  print(string.format("[%s] Starting part 1 of my work.", name))
  sleep(choose(4))                    -- time.sleep(random.randint(1, 4))
  print(string.format("[%s] Finished part 1. Waiting at the barrier.", name))
  local t = now()
  local ok, wait_result = pcall(barrier.wait, barrier, 5)
  if ok then
    print(string.format("[%s] Passed the barrier (wait_result: %d). Starting part 2.", name, wait_result))
    check(wait_result ~= -1, "[%s] got -1", name)
    check(results[wait_result] == nil, "index %d returned twice", wait_result)
    results[wait_result] = name
    arrived_at[wait_result] = t
  else
    print(string.format("[%s] Barrier was broken! Exiting.", name))
    check(false, "[%s] unexpected %s", name, tostring(wait_result.type))
  end
end

local threads = {}
for i = 0, num_threads - 1 do
  threads[#threads + 1] = spawn("Thread-" .. i, worker, "Thread-" .. i)
end
for _, t in ipairs(threads) do t:join() end
for i = 0, num_threads - 1 do check(results[i] ~= nil, "nobody got index %d", i) end
for i = 1, num_threads - 1 do
  check(arrived_at[i - 1] <= arrived_at[i], "index %d arrived at t=%s, index %d at t=%s",
        i - 1, tostring(arrived_at[i - 1]), i, tostring(arrived_at[i]))
end
