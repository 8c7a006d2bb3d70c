-- CPython Lib/test/lock_tests.py: SemaphoreTests (BaseSemaphoreTests).test_with.
scenario{ name = "threading SemaphoreTests.test_with", expect = "clean" }
local sem = Semaphore(2)
local function _with(err)
  sem:with(function()
    check(sem:acquire(false))
    sem:release()
    sem:with(function()
      check(not sem:acquire(false))
      if err then error(err) end
    end)
  end)
end
_with()
check(sem:acquire(false))
sem:release()
local ok, e = pcall(_with, { type = "TypeError", message = "" })
check(not ok and e.type == "TypeError")
check(sem:acquire(false))
sem:release()
