-- CPython Lib/test/test_queue.py: PriorityQueueTest (BaseQueueTestMixin).test_negative_timeout_raises_exception.
scenario{ name = "queue PriorityQueueTest.test_negative_timeout_raises_exception", expect = "clean" }
local q = PriorityQueue(5)
local ok, e = pcall(q.put, q, 1, true, -1)
check(not ok and e.type == "ValueError", "put")
ok, e = pcall(q.get, q, true, -1)
check(not ok and e.type == "ValueError", "get")
