-- CPython Lib/test/test_asyncio/test_queues.py: QueuePutTests.test_blocking_put.
scenario{ name = "asyncio QueuePutTests.test_blocking_put", mode = "async", expect = "clean" }
local q = Queue()
q:put(1) -- no maxsize: does not block
check(q:get() == 1)
