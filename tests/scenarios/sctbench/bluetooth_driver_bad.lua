-- SCTBench CS.bluetooth_driver_bad (after the description of the KISS
-- Bluetooth driver model, Qadeer and Wu, PLDI 2004; our own port).
--
-- A driver counts the requests in flight (pendingIo, starting at 1 for the
-- driver itself).  A request (the adder) enters by checking stoppingFlag
-- and then incrementing pendingIo; it asserts the driver has not stopped
-- while it works, then leaves, decrementing.  The stopper (the main
-- thread, once it has started the adder) raises
-- stoppingFlag, drops the driver's own count, waits until the count is 0
-- (stoppingEvent) and marks the driver stopped.  The bug: the check of
-- stoppingFlag and the increment are two steps, so the stopper can raise the
-- flag, drop the count to 0 and stop in between, and the request then works
-- on a stopped driver: two preemptions, one to let the adder go first, one
-- inside its entry.
scenario{ name = "CS.bluetooth_driver_bad", expect = { "assertion", others = true } }

local pending = shared("pendingIo", 1)
local stopping = shared("stoppingFlag", false)
local stopped = shared("stopped", false)
local stopping_event = Event("stoppingEvent")
local m = Lock("m") -- (the count's interlocked updates)

local function io_decrement()
  local left = m:with(function() local n = pending:get() - 1; pending:set(n); return n end)
  if left == 0 then stopping_event:set() end
end

local function io_increment()
  if stopping:get() then return false end                  -- check ...
  m:with(function() pending:set(pending:get() + 1) end)    -- ... then act
  return true
end

spawn("adder", function()
  if io_increment() then
    check(not stopped:get(), "a request works on a stopped driver")
    io_decrement()
  end
end)
-- the main thread stops the driver
stopping:set(true)
io_decrement()
stopping_event:wait()
stopped:set(true)
