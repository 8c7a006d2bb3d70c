-- CPython Lib/test/test_asyncio/test_queues.py: LifoQueueTests.test_order.
scenario{ name = "asyncio LifoQueueTests.test_order", mode = "async", expect = "clean" }
local q = LifoQueue()
for _, i in ipairs{ 1, 3, 2 } do q:put(i) end
local items = {}
for k = 1, 3 do items[k] = q:get() end
check(table.concat(items, ",") == "2,3,1", "%s", table.concat(items, ","))
