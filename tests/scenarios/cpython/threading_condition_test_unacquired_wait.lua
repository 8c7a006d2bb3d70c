-- CPython Lib/test/lock_tests.py: ConditionTests.test_unacquired_wait.
scenario{ name = "threading ConditionTests.test_unacquired_wait", expect = "clean" }
local cond = Condition()
local ok, e = pcall(cond.wait, cond)
check(not ok and e.type == "RuntimeError")
