-- From seeds/000_6cbeb80c684375f0.txt, '2.2 Lock Methods'.
--
-- Shows: the two ways to hold an asyncio.Lock -- `async with lock`
-- (lock:with / lock:hold here) and a manual acquire() with the release in a
-- `finally` (pcall here) -- and lock.locked().  The tutorial gives the calls
-- as fragments; here two tasks use them against each other, and the checks
-- say that locked() is true exactly while one of them holds the lock and
-- that the manual form releases even when the critical section raises.
scenario{ name = "seed000 async lock methods", mode = "async", expect = "clean" }

local lock = Lock("lock")
local inside = shared("inside", 0)

local function critical(who, fail)
  check(lock:locked(), "%s: locked() is false inside the critical section", who)
  inside:add(1)
  check(inside:get() == 1, "%s: %d tasks in the critical section", who, inside:get())
  yield()                          -- an await inside the critical section
  inside:add(-1)
  if fail then error({ type = "ValueError", message = "risky operation failed" }) end
end

-- Method 1: context manager (recommended)
local t1 = spawn("with", function()
  local _ <close> = lock:hold()    -- async with lock:
  critical("with", false)
end)

-- Method 2: manual acquire/release, with the release in a finally
local t2 = spawn("manual", function()
  lock:acquire()                   -- await lock.acquire()
  local ok, err = pcall(critical, "manual", true)   -- try: ...
  lock:release()                   -- finally: lock.release()
  check(not ok and err.type == "ValueError", "the error of the critical section is seen")
end)

t1:join()
t2:join()
check(not lock:locked(), "lock.locked() is False after both tasks")
print("locked:", lock:locked())
