-- CPython Lib/test/lock_tests.py: EventTests.test_is_set.
scenario{ name = "threading EventTests.test_is_set", expect = "clean" }
local evt = Event()
check(not evt:is_set())
evt:set() check(evt:is_set())
evt:set() check(evt:is_set())
evt:clear() check(not evt:is_set())
evt:clear() check(not evt:is_set())
