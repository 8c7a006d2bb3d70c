-- CPython Lib/test/test_asyncio/test_queues.py: PriorityQueueJoinTests.test_task_done_underflow.
scenario{ name = "asyncio PriorityQueueJoinTests.test_task_done_underflow", mode = "async", expect = "clean" }
local q = PriorityQueue()
local ok, e = pcall(q.task_done, q)
check(not ok and e.type == "ValueError", "ValueError")
