-- CPython Lib/test/test_queue.py: LifoQueueTest (BaseQueueTestMixin).test_negative_timeout_raises_exception.
scenario{ name = "queue LifoQueueTest.test_negative_timeout_raises_exception", expect = "clean" }
local q = LifoQueue(5)
local ok, e = pcall(q.put, q, 1, true, -1)
check(not ok and e.type == "ValueError", "put")
ok, e = pcall(q.get, q, true, -1)
check(not ok and e.type == "ValueError", "get")
