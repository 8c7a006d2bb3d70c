-- From seeds/004_a4cab6d75b48e450.txt, '13. Asyncio Synchronization
-- Primitives' (main_event: two waiters and a setter that sleeps 2 s).
--
-- Shows: both waiters block until the setter's event.set() at t = 2, then
-- both continue.
scenario{ name = "seed004 async event", mode = "async", expect = "clean" }

local event = Event("event")
local continued = shared("continued", 0)

local function waiter(name)
  print(name .. " waiting")
  event:wait()
  check(now() == 2, "%s continued at t=%s, expected t=2", name, tostring(now()))
  continued:add(1)
  print(name .. " continuing")
end

local function setter()
  sleep(2)
  print("Setting event")
  event:set()
end

local tasks = { spawn("Waiter-1", waiter, "Waiter-1"), spawn("Waiter-2", waiter, "Waiter-2"),
                spawn("setter", setter) }
for _, t in ipairs(tasks) do t:join() end
check(continued:get() == 2, "%d waiters continued, expected 2", continued:get())
