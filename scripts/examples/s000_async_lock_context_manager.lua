-- From seeds/000_6cbeb80c684375f0.txt, '9.1 Always Use Context Managers'
-- (the GOOD form: async with lock: await risky_operation()).
--
-- Shows: the fix for s000_async_lock_no_context_manager.lua.  lock:with()
-- (like `async with`) releases the lock even when the body raises, so the
-- next task gets it.  Clean.
scenario{ name = "seed000 async lock with context manager", mode = "async",
          expect = "clean" }

local lock = Lock("lock")
local got = shared("next_got_lock", false)

local function risky_operation()
  sleep(0.1)
  error({ type = "ValueError", message = "risky operation failed" })
end

spawn("good", function()
  local ok, err = pcall(lock.with, lock, risky_operation)   -- async with lock:
  check(not ok and err.type == "ValueError", "the error reaches the caller")
  check(not lock:locked(), "the lock is released after the error")
end)
spawn("next", function()
  sleep(1)
  lock:with(function() got:set(true) end)
end)
finally(function() check(got:get(), "next never got the lock") end)
