-- CPython Lib/test/lock_tests.py: BoundedSemaphoreTests (BaseSemaphoreTests).test_try_acquire_contended
-- (3 threads instead of 5, on 3 - 1 = 2 permits instead of 4 - 1 = 3).
scenario{ name = "threading BoundedSemaphoreTests.test_try_acquire_contended", expect = "clean" }
local sem = BoundedSemaphore(3)
sem:acquire()
local yes, no = shared("yes", 0, { atomic = true }), shared("no", 0, { atomic = true })
local ts = {}
for k = 1, 3 do
  ts[k] = spawn(function()
    for _ = 1, 2 do if sem:acquire(false) then yes:add(1) else no:add(1) end end
  end)
end
for _, t in ipairs(ts) do t:join() end
check(yes:get() == 2 and no:get() == 4, "%d taken, %d refused", yes:get(), no:get())
