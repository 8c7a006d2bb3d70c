-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_explicit_lock
-- (without its check of the private cond._lock): a Condition on a given
-- Lock and the Lock are locked and unlocked together, whichever is taken.
scenario{ name = "asyncio ConditionTests.test_explicit_lock", mode = "async", expect = "clean" }
local function f(lock, cond)
  lock = lock or Lock()
  cond = cond or Condition(lock)
  check(not lock:locked() and not cond:locked())
  cond:with(function() check(lock:locked() and cond:locked()) end)
  check(not lock:locked() and not cond:locked())
  lock:with(function() check(lock:locked() and cond:locked()) end)
  check(not lock:locked() and not cond:locked())
end
f()
f(Lock())
local lock = Lock()
f(lock, Condition(lock))
