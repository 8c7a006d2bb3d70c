-- CPython Lib/test/lock_tests.py: BoundedSemaphoreTests (BaseSemaphoreTests).test_try_acquire.
scenario{ name = "threading BoundedSemaphoreTests.test_try_acquire", expect = "clean" }
local sem = BoundedSemaphore(2)
check(sem:acquire(false) and sem:acquire(false))
check(not sem:acquire(false))
sem:release()
check(sem:acquire(false))
