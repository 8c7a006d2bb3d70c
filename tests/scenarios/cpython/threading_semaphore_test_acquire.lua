-- CPython Lib/test/lock_tests.py: SemaphoreTests (BaseSemaphoreTests).test_acquire.
scenario{ name = "threading SemaphoreTests.test_acquire", expect = "clean" }
local sem = Semaphore(1)
sem:acquire() sem:release()
sem = Semaphore(2)
sem:acquire() sem:acquire() sem:release() sem:release()
