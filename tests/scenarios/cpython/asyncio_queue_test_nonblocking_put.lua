-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_nonblocking_put.
scenario{ name = "asyncio QueuePutTests.test_nonblocking_put", mode = "async", expect = "clean" }
local q = Queue()
q:put_nowait(1)
check(q:get_nowait() == 1)
