-- CPython Lib/test/test_asyncio/test_queues.py: QueueJoinTests.test_task_done_underflow.
scenario{ name = "asyncio QueueJoinTests.test_task_done_underflow", mode = "async", expect = "clean" }
local q = Queue()
local ok, e = pcall(q.task_done, q)
check(not ok and e.type == "ValueError", "ValueError")
