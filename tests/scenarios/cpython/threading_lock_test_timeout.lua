-- CPython Lib/test/lock_tests.py: LockTests (BaseLockTests).test_timeout.
scenario{ name = "threading LockTests.test_timeout", expect = "clean" }
local TIMEOUT_MAX = 9223372036.854775
local lock = Lock()
local function raises(kind, ...)
  local ok, e = pcall(lock.acquire, lock, ...)
  return not ok and e.type == kind
end
check(raises("ValueError", false, 1), "no timeout for a non-blocking acquire")
check(raises("ValueError", true, -100), "a negative timeout")
check(raises("OverflowError", true, 1e100), "1e100")
check(raises("OverflowError", true, TIMEOUT_MAX + 1), "TIMEOUT_MAX + 1")
lock:acquire(true, TIMEOUT_MAX) -- TIMEOUT_MAX is ok
lock:release()
local t1 = now()
check(lock:acquire(true, 5))
check(now() - t1 < 5, "it did not wait")
local r, dt = shared("r", nil), shared("dt", -1)
spawn(function()
  local s = now()
  r:set(lock:acquire(true, 0.5))
  dt:set(now() - s)
end):join()
check(r:get() == false and dt:get() == 0.5, "timed out after %g s", dt:get())
