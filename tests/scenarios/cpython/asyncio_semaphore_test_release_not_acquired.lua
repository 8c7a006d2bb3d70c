-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_release_not_acquired.
scenario{ name = "asyncio SemaphoreTests.test_release_not_acquired", mode = "async", expect = "clean" }
local sem = BoundedSemaphore()
local ok, e = pcall(sem.release, sem)
check(not ok and e.type == "ValueError", "an over-release raises ValueError")
