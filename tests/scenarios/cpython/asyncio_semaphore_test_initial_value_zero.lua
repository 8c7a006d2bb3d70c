-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_initial_value_zero.
scenario{ name = "asyncio SemaphoreTests.test_initial_value_zero", mode = "async", expect = "clean" }
check(Semaphore(0):locked())
