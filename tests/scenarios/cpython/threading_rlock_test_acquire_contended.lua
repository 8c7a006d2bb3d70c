-- CPython Lib/test/lock_tests.py: RLockTests (BaseLockTests).test_acquire_contended
-- (N = 3 threads instead of 5, so that dfs explores them all; _wait(), a
-- short sleep, lets time pass only once every other thread is blocked).
scenario{ name = "threading RLockTests.test_acquire_contended", expect = "clean" }
local lock = RLock()
lock:acquire()
local N = 3
local finished = shared("finished", 0, { atomic = true })
local ts = {}
for k = 1, N do ts[k] = spawn(function() lock:acquire() lock:release() finished:add(1) end) end
sleep(0.01)
check(finished:get() == 0, "%d finished while the lock was held", finished:get())
lock:release()
for _, t in ipairs(ts) do t:join() end
check(finished:get() == N)
