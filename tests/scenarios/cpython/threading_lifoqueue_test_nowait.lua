-- CPython Lib/test/test_queue.py: LifoQueueTest (BaseQueueTestMixin).test_nowait.
scenario{ name = "queue LifoQueueTest.test_nowait", expect = "clean" }
local q = LifoQueue(5)
for _ = 1, 5 do q:put_nowait(1) end
local ok, e = pcall(q.put_nowait, q, 1)
check(not ok and e.type == "Full")
for _ = 1, 5 do q:get_nowait() end
ok, e = pcall(q.get_nowait, q)
check(not ok and e.type == "Empty")
