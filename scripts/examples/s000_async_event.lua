-- From seeds/000_6cbeb80c684375f0.txt, '3.1 Concept' (Event: waiter/setter).
--
-- Shows: two tasks wait on an asyncio.Event; a third sets it after one
-- second, which wakes both.  The checks say that no waiter gets past
-- event.wait() before the setter has set the event, and that both are
-- released at virtual time t = 1.
scenario{ name = "seed000 async event", mode = "async", expect = "clean" }

local event = Event("event")
local was_set = shared("was_set", false)

local function waiter(name)
  print(name .. ": Waiting for event...")
  event:wait()
  check(was_set:get(), "%s passed wait() before the event was set", name)
  check(now() == 1, "%s released at t=%s, expected t=1", name, tostring(now()))
  print(name .. ": Event received!")
end

local function setter()
  sleep(1)
  print("Setting event!")
  was_set:set(true)
  event:set()
end

-- asyncio.gather(waiter("A"), waiter("B"), setter())
local tasks = { spawn("A", waiter, "A"), spawn("B", waiter, "B"), spawn("setter", setter) }
for _, t in ipairs(tasks) do t:join() end
