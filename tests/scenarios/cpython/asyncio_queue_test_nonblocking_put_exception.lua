-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_nonblocking_put_exception.
scenario{ name = "asyncio QueuePutTests.test_nonblocking_put_exception", mode = "async", expect = "clean" }
local q = Queue(1)
q:put_nowait(1)
local ok, e = pcall(q.put_nowait, q, 2)
check(not ok and e.type == "Full", "QueueFull")
