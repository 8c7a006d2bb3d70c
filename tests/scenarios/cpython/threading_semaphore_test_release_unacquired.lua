-- CPython Lib/test/lock_tests.py: SemaphoreTests.test_release_unacquired.
-- An unbounded Semaphore may be released beyond its initial value.
scenario{ name = "threading SemaphoreTests.test_release_unacquired", expect = "clean" }
local sem = Semaphore(1)
sem:release()
sem:acquire()
sem:acquire()
sem:release()
