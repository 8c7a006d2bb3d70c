-- CPython Lib/test/test_asyncio/test_queues.py: QueueJoinTests.test_join_empty_queue.
scenario{ name = "asyncio QueueJoinTests.test_join_empty_queue", mode = "async", expect = "clean" }
local q = Queue()
q:join()
q:join()
