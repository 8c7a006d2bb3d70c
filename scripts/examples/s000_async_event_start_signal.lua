-- From seeds/000_6cbeb80c684375f0.txt, '3.3 Event Pattern: Start Signal'.
--
-- Shows: three workers are created and block on a start signal; main does
-- its setup (0.5 s), prints "GO!" and sets the event; only then do the
-- workers work.  The checks say that no worker starts before "GO!" and
-- that all of them finish at t = 0.6 (0.5 s setup + 0.1 s of work each,
-- in parallel).
scenario{ name = "seed000 async start signal", mode = "async", expect = "clean" }

local start_signal = Event("start_signal")
local go = shared("go", false)
local done = shared("done", 0)

local function worker(name)
  print(name .. ": Ready, waiting for start...")
  start_signal:wait()
  check(go:get(), "%s started before GO!", name)
  print(name .. ": Working!")
  sleep(0.1)
  print(name .. ": Done!")
  check(math.abs(now() - 0.6) < 1e-9, "%s done at t=%s, expected 0.6", name, tostring(now()))
  done:add(1)
end

local tasks = {}
for i = 0, 2 do tasks[#tasks + 1] = spawn("Worker-" .. i, worker, "Worker-" .. i) end

sleep(0.5)                        -- setup time
print("GO!")
go:set(true)
start_signal:set()

for _, t in ipairs(tasks) do t:join() end   -- await asyncio.gather(*tasks)
check(done:get() == 3, "%d workers done, expected 3", done:get())
