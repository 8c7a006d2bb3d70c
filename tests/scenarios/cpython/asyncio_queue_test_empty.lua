-- CPython Lib/test/test_asyncio/test_queues.py: QueueBasicTests.test_empty.
scenario{ name = "asyncio QueueBasicTests.test_empty", mode = "async", expect = "clean" }
local q = Queue()
check(q:empty())
q:put(1)
check(not q:empty())
check(q:get() == 1)
check(q:empty())
