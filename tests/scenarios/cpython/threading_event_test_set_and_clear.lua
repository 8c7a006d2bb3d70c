-- CPython Lib/test/lock_tests.py: EventTests.test_set_and_clear
-- (N = 3 threads instead of 5): wait() returns true even when the event
-- is cleared before the woken thread runs (issue #13502).
scenario{ name = "threading EventTests.test_set_and_clear", expect = "clean" }
local evt = Event()
local N = 3
local results = shared("results", 0, { atomic = true })
local ts = {}
for k = 1, N do ts[k] = spawn(function() if evt:wait(1) then results:add(1) end end) end
sleep(0.5)
evt:set()
evt:clear()
for _, t in ipairs(ts) do t:join() end
check(results:get() == N, "%d returned true", results:get())
