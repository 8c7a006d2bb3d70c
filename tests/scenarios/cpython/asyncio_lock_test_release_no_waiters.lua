-- CPython Lib/test/test_asyncio/test_locks.py: LockTests.test_release_no_waiters.
scenario{ name = "asyncio LockTests.test_release_no_waiters", mode = "async", expect = "clean" }
local lock = Lock()
lock:acquire()
check(lock:locked())
lock:release()
check(not lock:locked())
