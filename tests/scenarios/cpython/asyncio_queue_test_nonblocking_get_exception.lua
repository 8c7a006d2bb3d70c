-- CPython Lib/test/test_asyncio/test_queues.py: QueueGetTests.test_nonblocking_get_exception.
scenario{ name = "asyncio QueueGetTests.test_nonblocking_get_exception", mode = "async", expect = "clean" }
local q = Queue()
local ok, e = pcall(q.get_nowait, q)
check(not ok and e.type == "Empty", "QueueEmpty")
