-- CPython Lib/test/test_queue.py: PriorityQueueTest (BaseQueueTestMixin).test_basic
-- (the blocking tests: a trigger thread sleeps 0.1 s, sets its event and
-- unblocks the main thread, which must have waited for it).
scenario{ name = "queue PriorityQueueTest.test_basic", expect = "clean" }
local QUEUE_SIZE = 5
local function qfull(q) return q.maxsize > 0 and q:qsize() == q.maxsize end
local function blocking_test(block, trigger)
  local started = Event()
  local t = spawn(function() sleep(0.1) started:set() trigger() end)
  local r = block()
  check(started:is_set(), "the blocking function appeared not to block")
  t:join()
  return r
end
local function raises(kind, f, ...)
  local ok, e = pcall(f, ...)
  return not ok and e.type == kind
end
local function basic_queue_test(q)
  check(q:empty() and not q:full())
  q:put(111) q:put(333) q:put(222)
  local got = table.concat({ q:get(), q:get(), q:get() }, ",")
  check(got == "111,222,333", "order %s", got)
  for i = 0, QUEUE_SIZE - 2 do q:put(i) check(q:qsize() > 0) end
  check(not qfull(q), "not full")
  local last, full = 2 * QUEUE_SIZE, 3 * 2 * QUEUE_SIZE
  q:put(last)
  check(qfull(q) and not q:empty() and q:full(), "full")
  check(raises("Full", q.put, q, full, false), "put(block=0) on a full queue")
  check(raises("Full", q.put, q, full, true, 0.01), "put(timeout=0.01) on a full queue")
  blocking_test(function() q:put(full) end, function() q:get() end)
  blocking_test(function() q:put(full, true, 10) end, function() q:get() end)
  for _ = 1, QUEUE_SIZE do q:get() end
  check(q:qsize() == 0, "empty")
  check(raises("Empty", q.get, q, false), "get(block=0) on an empty queue")
  check(raises("Empty", q.get, q, true, 0.01), "get(timeout=0.01) on an empty queue")
  blocking_test(function() return q:get() end, function() q:put("empty") end)
  blocking_test(function() return q:get(true, 10) end, function() q:put("empty") end)
end
local q = PriorityQueue(QUEUE_SIZE)
basic_queue_test(q)
basic_queue_test(q)
