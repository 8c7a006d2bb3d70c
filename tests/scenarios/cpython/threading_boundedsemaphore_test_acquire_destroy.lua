-- CPython Lib/test/lock_tests.py: BoundedSemaphoreTests (BaseSemaphoreTests).test_acquire_destroy.
scenario{ name = "threading BoundedSemaphoreTests.test_acquire_destroy", expect = "clean" }
local sem = BoundedSemaphore()
sem:acquire()
sem = nil
