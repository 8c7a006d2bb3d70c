-- From seeds/000_6cbeb80c684375f0.txt, '2.3 Lock with Timeout (Python 3.11+)'
-- (try_with_timeout); '9.3 Use Timeouts' (with_timeout) is the same pattern.
--
-- Shows: giving up on a lock after a deadline instead of waiting forever.
-- `async with asyncio.timeout(1.0): async with lock:` is modelled by
-- lock:acquire(true, 1.0), which returns false when the deadline passes (the
-- tutorial's asyncio.TimeoutError branch).  The tutorial only defines the
-- function; here a "holder" task keeps the lock for 2 virtual seconds while
-- two tasks try: one with a 1 s deadline (always "Couldn't get lock in
-- time" at t = 1) and one with a 5 s deadline (always "Got the lock!" at
-- t = 2).  Virtual time makes this exact: no run waits for real time.
--
-- Note: the holder signals with an Event once it holds the lock.  A bare
-- `await asyncio.sleep(0)` in main would not do: racesim lets any ready task
-- run next (asyncio happens to run them FIFO, but no program should rely on
-- that), so main could go on before the holder has started.
scenario{ name = "seed000 async lock timeout", mode = "async", expect = "clean" }

local lock = Lock("lock")
local outcome = shared_table("outcome")

local function try_with_timeout(name, timeout)
  if lock:acquire(true, timeout) then
    print(name .. ": Got the lock!")
    outcome[name] = "got"
    lock:release()
  else
    print(name .. ": Couldn't get lock in time")
    outcome[name] = "timeout"
  end
  outcome[name .. "_at"] = now()
end

local held = Event("held")
local holder = spawn("holder", function()
  lock:with(function()
    held:set()                           -- tell main the lock is taken
    sleep(2)
  end)
end)
held:wait()                              -- start the others once it is held
local impatient = spawn("impatient", try_with_timeout, "impatient", 1.0)
local patient = spawn("patient", try_with_timeout, "patient", 5.0)
holder:join(); impatient:join(); patient:join()

finally(function()
  check(outcome.impatient == "timeout" and outcome.impatient_at == 1,
        "impatient: %s at t=%s, expected timeout at t=1",
        tostring(outcome.impatient), tostring(outcome.impatient_at))
  check(outcome.patient == "got" and outcome.patient_at == 2,
        "patient: %s at t=%s, expected the lock at t=2",
        tostring(outcome.patient), tostring(outcome.patient_at))
end)
