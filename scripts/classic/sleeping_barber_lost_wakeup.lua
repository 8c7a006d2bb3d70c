-- Sleeping barber, the racy form: check-then-sleep without a lock.
--
-- A barber serves customers one at a time; with nobody waiting he sleeps
-- until a customer wakes him.  Here the barber checks the waiting count and,
-- if it is zero, marks himself asleep and waits on an Event; a customer
-- bumps the waiting count and, if the barber is marked asleep, wakes him.
-- Each step is atomic on its own, but the check and the act are not one
-- step together.
--
-- The bug, a lost wake-up:
--   barber reads waiting == 0 (decides to sleep);
--   customer1 increments waiting, reads asleep == false: no need to wake;
--   barber sets asleep = true and waits on `wakeup` -- which nobody sets;
--   customer1 waits for its haircut forever -> stuck.
-- racesim reports "stuck" (the barber sleeps, the customer waits, and no
-- thread will ever set the event or release the haircut).
--
-- The fix (sleeping_barber.lua): the classic semaphore solution, where a
-- counting Semaphore remembers a wake-up that arrives before the sleep.
scenario{ name = "sleeping barber (lost wake-up)", expect = "stuck" }

local ncustomers = param("customers", 2)

local waiting = shared("waiting", 0, { atomic = true })
local asleep = shared("barber_asleep", false, { atomic = true })
local wakeup = Event("wakeup")
local haircut = Semaphore(0, "haircut")          -- one release per finished haircut
local served = shared("served", 0)

spawn{ name = "barber", daemon = true, function()
  while true do
    if waiting:get() == 0 then                     -- check ...
      asleep:set(true)                             -- ... then act: not atomic
      wakeup:wait()                                -- sleep
      wakeup:clear()
      asleep:set(false)
    end
    if waiting:get() > 0 then
      waiting:add(-1)
      served:add(1)                                -- cut hair
      haircut:release()
    end
  end
end }

for c = 1, ncustomers do
  spawn("customer" .. c, function()
    waiting:add(1)
    if asleep:get() then wakeup:set() end          -- wake the barber if asleep
    haircut:acquire()                              -- wait for the haircut
  end)
end
finally(function()
  check(served:get() == ncustomers, "%d customers served, expected %d", served:get(), ncustomers)
end)
