-- CPython Lib/test/test_queue.py: QueueTest (BaseQueueTestMixin).test_queue_task_done.
scenario{ name = "queue QueueTest.test_queue_task_done", expect = "clean" }
local q = Queue()
local ok, e = pcall(q.task_done, q)
check(not ok and e.type == "ValueError", "the task count cannot go negative")
