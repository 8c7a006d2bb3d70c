-- CPython Lib/test/test_asyncio/test_locks.py: LockTests.test_release_not_acquired.
scenario{ name = "asyncio LockTests.test_release_not_acquired", mode = "async", expect = "clean" }
local lock = Lock()
local ok, e = pcall(lock.release, lock)
check(not ok and e.type == "RuntimeError", "release() of an unlocked Lock raises RuntimeError")
