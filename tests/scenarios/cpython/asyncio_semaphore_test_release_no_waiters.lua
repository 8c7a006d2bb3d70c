-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_release_no_waiters.
scenario{ name = "asyncio SemaphoreTests.test_release_no_waiters", mode = "async", expect = "clean" }
local sem = Semaphore()
sem:acquire()
check(sem:locked())
sem:release()
check(not sem:locked())
