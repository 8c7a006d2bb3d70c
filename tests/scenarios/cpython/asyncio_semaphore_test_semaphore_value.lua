-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_semaphore_value.
scenario{ name = "asyncio SemaphoreTests.test_semaphore_value", mode = "async", expect = "clean" }
local ok, e = pcall(Semaphore, -1)
check(not ok and e.type == "ValueError", "Semaphore(-1) raises ValueError")
