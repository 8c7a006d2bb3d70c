-- CPython Lib/test/lock_tests.py: ConditionTests.test_timeout
-- (N = 3 threads instead of 5).
scenario{ name = "threading ConditionTests.test_timeout", expect = "clean" }
local cond = Condition()
local N = 3
local good = shared("good", 0, { atomic = true })
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    cond:acquire()
    local t1 = now()
    local result = cond:wait(0.5)
    local dt = now() - t1
    cond:release()
    if dt == 0.5 and result == false then good:add(1) end
  end)
end
for _, t in ipairs(ts) do t:join() end
check(good:get() == N, "%d timed out after 0.5 s", good:get())
