-- CPython Lib/test/lock_tests.py: SemaphoreTests (BaseSemaphoreTests).test_acquire_contended
-- (3 threads on Semaphore(3), one permit taken, instead of 10 on
-- Semaphore(7): each thread takes two permits; the main thread gives them
-- out in two rounds and counts who got through in each).
scenario{ name = "threading SemaphoreTests.test_acquire_contended", expect = "clean" }
local sem = Semaphore(3)
sem:acquire()
local n = shared("n", 0, { atomic = true })
local ts = {}
for k = 1, 3 do ts[k] = spawn(function() sem:acquire() n:add(1) sem:acquire() n:add(1) end) end
sleep(0.01)
check(n:get() == 2, "%d through the 2 free permits", n:get())
sem:release() sem:release() sem:release()
sleep(0.01)
check(n:get() == 5, "%d through 3 more", n:get())
check(not sem:acquire(false), "still taken")
sem:release()
for _, t in ipairs(ts) do t:join() end
check(n:get() == 6)
