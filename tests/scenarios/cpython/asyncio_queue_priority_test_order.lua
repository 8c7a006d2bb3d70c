-- CPython Lib/test/test_asyncio/test_queues.py: PriorityQueueTests.test_order.
scenario{ name = "asyncio PriorityQueueTests.test_order", mode = "async", expect = "clean" }
local q = PriorityQueue()
for _, i in ipairs{ 1, 3, 2 } do q:put(i) end
local items = {}
for k = 1, 3 do items[k] = q:get() end
check(table.concat(items, ",") == "1,2,3", "%s", table.concat(items, ","))
