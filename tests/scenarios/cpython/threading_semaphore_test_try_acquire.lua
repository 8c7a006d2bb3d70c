-- CPython Lib/test/lock_tests.py: SemaphoreTests (BaseSemaphoreTests).test_try_acquire.
scenario{ name = "threading SemaphoreTests.test_try_acquire", expect = "clean" }
local sem = Semaphore(2)
check(sem:acquire(false) and sem:acquire(false))
check(not sem:acquire(false))
sem:release()
check(sem:acquire(false))
