-- CPython Lib/test/lock_tests.py: BoundedSemaphoreTests (BaseSemaphoreTests).test_default_value.
scenario{ name = "threading BoundedSemaphoreTests.test_default_value", expect = "clean" }
local sem = BoundedSemaphore() -- 1
sem:acquire()
local finished = shared("finished", false)
local t = spawn(function() sem:acquire() sem:release() finished:set(true) end)
sleep(0.01)
check(not finished:get(), "blocked")
sem:release()
t:join()
check(finished:get())
