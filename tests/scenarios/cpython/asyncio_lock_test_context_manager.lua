-- CPython Lib/test/test_asyncio/test_locks.py: LockTests.test_context_manager
-- (`async with lock:` is lock:with(fn)).
scenario{ name = "asyncio LockTests.test_context_manager", mode = "async", expect = "clean" }
local lock = Lock()
check(not lock:locked())
lock:with(function() check(lock:locked()) end)
check(not lock:locked())
