-- From seeds/000_6cbeb80c684375f0.txt, '9.1 Always Use Context Managers'
-- (the BAD form: acquire(); await risky_operation(); release()).
--
-- Shows: the tutorial's warning, "If this raises, lock is held forever!".
-- risky_operation raises after an await; the release() after it never runs.
-- The caller handles the error (pcall here, so that the scenario shows the
-- consequence rather than the error itself), and the next task that wants
-- the lock waits forever: racesim reports "stuck" (nobody holds a reference
-- to release it; the holder has moved on).  The GOOD form is
-- s000_async_lock_context_manager.lua.
scenario{ name = "seed000 async lock without context manager", mode = "async",
          expect = "stuck" }

local lock = Lock("lock")

local function risky_operation()
  sleep(0.1)
  error({ type = "ValueError", message = "risky operation failed" })
end

local function bad()
  lock:acquire()               -- await lock.acquire()
  risky_operation()            -- raises: the release below never runs
  lock:release()
end

spawn("bad", function()
  local ok, err = pcall(bad)   -- the caller catches the error and goes on
  print("bad: caught", err.type)
end)
spawn("next", function()
  sleep(1)
  lock:with(function() print("next: got the lock") end)   -- waits forever
end)
