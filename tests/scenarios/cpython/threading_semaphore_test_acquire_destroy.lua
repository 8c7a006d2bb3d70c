-- CPython Lib/test/lock_tests.py: SemaphoreTests (BaseSemaphoreTests).test_acquire_destroy.
scenario{ name = "threading SemaphoreTests.test_acquire_destroy", expect = "clean" }
local sem = Semaphore()
sem:acquire()
sem = nil
