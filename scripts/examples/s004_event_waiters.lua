-- From seeds/004_a4cab6d75b48e450.txt, '7. Event (Thread Signaling)'
-- (waiter x 3 and setter; then is_set() / clear()).
--
-- Shows: one event.set() wakes every waiting thread ("Wake up all waiting
-- threads"); after the joins is_set() is True, and clear() makes it False.
-- The checks say no waiter continues before the setter sets the event
-- (t = 3), and the is_set() values the tutorial prints.
--
-- Scaled down: 3 waiters -> 2 (param n).
scenario{ name = "seed004 Event waiters", expect = "clean" }

local n = param("n", 2)
local event = Event("event")
local released = shared("released", 0)

local function waiter(name)
  print(name .. " waiting for event")
  event:wait()                          -- block until the event is set
  check(now() == 3, "%s continued at t=%s, expected t=3", name, tostring(now()))
  released:add(1)
  print(name .. " received event, continuing")
end

local function setter()
  print("Setter sleeping for 3 seconds")
  sleep(3)
  print("Setter setting event")
  event:set()                           -- wake up all waiting threads
end

local waiters = {}
for i = 0, n - 1 do waiters[#waiters + 1] = spawn("Waiter-" .. i, waiter, "Waiter-" .. i) end
local setter_thread = spawn("setter", setter)
for _, w in ipairs(waiters) do w:join() end
setter_thread:join()
check(released:get() == n, "%d waiters released, expected %d", released:get(), n)

print("Is set: " .. tostring(event:is_set()))   -- True
check(event:is_set(), "is_set() is False after set()")
event:clear()                                   -- reset event
print("Is set: " .. tostring(event:is_set()))   -- False
check(not event:is_set(), "is_set() is True after clear()")
