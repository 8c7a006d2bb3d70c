-- From seeds/004_a4cab6d75b48e450.txt, '9. Barrier (Wait for All Threads)'
-- (worker(worker_id) with time.sleep(worker_id), Barrier(3)).
--
-- Shows: the workers reach the barrier at t = 0, 1 and 2 ("Different work
-- times"); "Block until all 3 threads reach here": the checks say that all
-- three continue at t = 2, when the slowest arrives, and only then.
scenario{ name = "seed004 Barrier workers", expect = "clean" }

local barrier = Barrier(3, nil, nil, "barrier")
local arrived = shared("arrived", 0)

local function worker(worker_id)
  print(string.format("Worker %d starting", worker_id))
  sleep(worker_id)                         -- different work times
  print(string.format("Worker %d waiting at barrier", worker_id))
  arrived:add(1)
  barrier:wait()                           -- block until all 3 threads reach here
  check(arrived:get() == 3 and now() == 2, "worker %d continued at t=%s with %d arrived",
        worker_id, tostring(now()), arrived:get())
  print(string.format("Worker %d continuing after barrier", worker_id))
end

local threads = {}
for i = 0, 2 do threads[#threads + 1] = spawn("worker" .. i, worker, i) end
for _, t in ipairs(threads) do t:join() end
