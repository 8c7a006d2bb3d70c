-- CPython Lib/test/test_asyncio/test_queues.py: LifoQueueJoinTests.test_join_empty_queue.
scenario{ name = "asyncio LifoQueueJoinTests.test_join_empty_queue", mode = "async", expect = "clean" }
local q = LifoQueue()
q:join()
q:join()
