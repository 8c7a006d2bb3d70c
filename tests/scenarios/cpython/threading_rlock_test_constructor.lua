-- CPython Lib/test/lock_tests.py: RLockTests (BaseLockTests).test_constructor.
scenario{ name = "threading RLockTests.test_constructor", expect = "clean" }
local lock = RLock()
check(lock ~= nil)
