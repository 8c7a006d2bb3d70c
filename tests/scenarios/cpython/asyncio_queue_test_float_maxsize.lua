-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_float_maxsize.
scenario{ name = "asyncio QueuePutTests.test_float_maxsize", mode = "async", expect = "clean" }
local q = Queue(1.3)
q:put_nowait(1)
q:put_nowait(2)
check(q:full())
local ok, e = pcall(q.put_nowait, q, 3)
check(not ok and e.type == "Full", "QueueFull")
q = Queue(1.3)
q:put(1)
q:put(2)
check(q:full())
