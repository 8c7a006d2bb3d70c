-- CPython Lib/test/lock_tests.py: LockTests.test_reacquire.
-- A Lock must be released before it is taken again, by any thread.
scenario{ name = "threading LockTests.test_reacquire", expect = "clean" }
local lock = Lock()
local phase = shared("phase", 0, { atomic = true }) -- (a list append under the GIL)
spawn(function()
  lock:acquire()
  phase:set(phase:get() + 1)
  lock:acquire()
  phase:set(phase:get() + 1)
end)
sleep(0.01)
check(phase:get() == 1, "phase %d", phase:get())
lock:release()
sleep(0.01)
check(phase:get() == 2, "phase %d", phase:get())
