-- CPython Lib/test/lock_tests.py: BoundedSemaphoreTests (BaseSemaphoreTests).test_acquire.
scenario{ name = "threading BoundedSemaphoreTests.test_acquire", expect = "clean" }
local sem = BoundedSemaphore(1)
sem:acquire() sem:release()
sem = BoundedSemaphore(2)
sem:acquire() sem:acquire() sem:release() sem:release()
