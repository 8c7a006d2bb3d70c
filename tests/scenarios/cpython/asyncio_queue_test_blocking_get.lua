-- CPython Lib/test/test_asyncio/test_queues.py: QueueGetTests.test_blocking_get.
scenario{ name = "asyncio QueueGetTests.test_blocking_get", mode = "async", expect = "clean" }
local q = Queue()
q:put_nowait(1)
check(q:get() == 1)
