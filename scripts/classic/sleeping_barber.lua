-- Sleeping barber, the fixed form: Dijkstra's semaphore solution.
--
-- `customers` counts waiting customers (the barber sleeps in
-- customers:acquire()); `barber_ready` lets one customer into the chair;
-- `seats` (a Lock) guards the count of free waiting-room chairs.  A
-- customer takes a chair under the lock and releases `customers`; a
-- customer who finds no free chair leaves.  Because a Semaphore COUNTS
-- releases, a wake-up that comes before the barber goes to sleep is not
-- lost (compare sleeping_barber_lost_wakeup.lua, which loses it).  The
-- barber loops forever, as a daemon thread.
--
-- The checks: everyone is either served or turned away (served + left ==
-- customers), never more customers waiting than chairs, and each served
-- customer's haircut finishes (the `done` semaphore).  Clean.
--
-- Scaled: 3 customers, 1 chair (params), so some are turned away in some
-- interleavings and served in others.
scenario{ name = "sleeping barber (semaphores)", expect = "clean" }

local ncustomers = param("customers", 3)
local nchairs = param("chairs", 1)

local customers = Semaphore(0, "customers")
local barber_ready = Semaphore(0, "barber_ready")
local done = Semaphore(0, "haircut_done")
local seats = Lock("seats")
local free_seats = shared("free_seats", nchairs)
local served = shared("served", 0)
local left = shared("left", 0)

spawn{ name = "barber", daemon = true, function()
  while true do
    customers:acquire()                            -- sleep until a customer arrives
    seats:with(function()
      free_seats:set(free_seats:get() + 1)         -- a chair is freed
      barber_ready:release()                       -- call the customer in
    end)
    served:add(1)                                  -- cut hair
    done:release()
  end
end }

for c = 1, ncustomers do
  spawn("customer" .. c, function()
    local sat = seats:with(function()
      if free_seats:get() > 0 then
        free_seats:set(free_seats:get() - 1)
        check(free_seats:get() >= 0, "more customers than chairs")
        customers:release()                        -- wake the barber if asleep
        return true
      end
      return false
    end)
    if sat then
      barber_ready:acquire()                       -- wait for the chair
      done:acquire()                               -- get the haircut
    else
      left:add(1)                                  -- no free chair: leave
    end
  end)
end
finally(function()
  check(served:get() + left:get() == ncustomers, "%d served + %d left, expected %d customers",
        served:get(), left:get(), ncustomers)
  check(served:get() >= 1, "nobody was served")
end)
