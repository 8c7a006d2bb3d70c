-- CPython Lib/test/test_asyncio/test_queues.py: QueueBasicTests.test_order.
scenario{ name = "asyncio QueueBasicTests.test_order", mode = "async", expect = "clean" }
local q = Queue()
for _, i in ipairs{ 1, 3, 2 } do q:put(i) end
local items = {}
for k = 1, 3 do items[k] = q:get() end
check(table.concat(items, ",") == "1,3,2", "%s", table.concat(items, ","))
