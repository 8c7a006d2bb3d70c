-- CPython Lib/test/lock_tests.py: ConditionTests.test_unacquired_notify.
scenario{ name = "threading ConditionTests.test_unacquired_notify", expect = "clean" }
local cond = Condition()
local ok, e = pcall(cond.notify, cond)
check(not ok and e.type == "RuntimeError")
