-- CPython Lib/test/test_queue.py: PriorityQueueTest (BaseQueueTestMixin).test_queue_task_done.
scenario{ name = "queue PriorityQueueTest.test_queue_task_done", expect = "clean" }
local q = PriorityQueue()
local ok, e = pcall(q.task_done, q)
check(not ok and e.type == "ValueError", "the task count cannot go negative")
