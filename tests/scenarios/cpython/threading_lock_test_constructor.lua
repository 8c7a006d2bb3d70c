-- CPython Lib/test/lock_tests.py: LockTests (BaseLockTests).test_constructor.
scenario{ name = "threading LockTests.test_constructor", expect = "clean" }
local lock = Lock()
check(lock ~= nil)
