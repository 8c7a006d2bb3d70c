-- CPython Lib/test/test_asyncio/test_queues.py: PriorityQueueJoinTests.test_join_empty_queue.
scenario{ name = "asyncio PriorityQueueJoinTests.test_join_empty_queue", mode = "async", expect = "clean" }
local q = PriorityQueue()
q:join()
q:join()
