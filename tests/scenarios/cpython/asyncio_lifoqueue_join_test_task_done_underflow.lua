-- CPython Lib/test/test_asyncio/test_queues.py: LifoQueueJoinTests.test_task_done_underflow.
scenario{ name = "asyncio LifoQueueJoinTests.test_task_done_underflow", mode = "async", expect = "clean" }
local q = LifoQueue()
local ok, e = pcall(q.task_done, q)
check(not ok and e.type == "ValueError", "ValueError")
