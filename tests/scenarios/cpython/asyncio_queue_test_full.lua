-- CPython Lib/test/test_asyncio/test_queues.py: QueueBasicTests.test_full.
scenario{ name = "asyncio QueueBasicTests.test_full", mode = "async", expect = "clean" }
check(not Queue():full())
local q = Queue(1)
q:put(1)
check(q:full())
