-- From seeds/004_a4cab6d75b48e450.txt, '1. Threading Basics' (worker(name,
-- delay) threads and the WorkerThread subclass).
--
-- Shows: two threads sleep for different times; join() waits for both, so
-- "All threads completed" comes after both "finished" lines.  The checks
-- use virtual time: Thread-2 (1 s) finishes before Thread-1 (2 s), and the
-- program is done at t = 2, not t = 3: the sleeps overlap.  The
-- WorkerThread class (run() overridden) behaves the same; it is modelled
-- as a table whose start() spawns its run method, and runs second, from
-- t = 2 to t = 4.
scenario{ name = "seed004 threading basics", expect = "clean" }

local finished_at = shared_table("finished_at")

local function worker(name, delay)
  print(name .. " starting")
  sleep(delay)
  print(name .. " finished")
  finished_at[name] = now()
end

local thread1 = spawn("Thread-1", worker, "Thread-1", 2)
local thread2 = spawn("Thread-2", worker, "Thread-2", 1)
thread1:join()
thread2:join()
print("All threads completed")
check(finished_at["Thread-2"] == 1 and finished_at["Thread-1"] == 2 and now() == 2,
      "finished at %s and %s, joined at %s; expected 1, 2, 2",
      tostring(finished_at["Thread-2"]), tostring(finished_at["Thread-1"]), tostring(now()))

-- class WorkerThread(threading.Thread): run() prints, sleeps, prints
local function WorkerThread(name, delay)
  local self = { name = name, delay = delay }
  function self.run() worker(self.name, self.delay) end
  function self.start() self.thread = spawn(self.name, self.run) end
  function self.join() self.thread:join() end
  return self
end

local t1 = WorkerThread("Worker-1", 2)
local t2 = WorkerThread("Worker-2", 1)
t1.start(); t2.start()
t1.join(); t2.join()
check(finished_at["Worker-2"] == 3 and finished_at["Worker-1"] == 4,
      "workers finished at %s and %s, expected 3 and 4",
      tostring(finished_at["Worker-2"]), tostring(finished_at["Worker-1"]))
