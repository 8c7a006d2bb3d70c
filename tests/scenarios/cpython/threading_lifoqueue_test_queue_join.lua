-- CPython Lib/test/test_queue.py: LifoQueueTest (BaseQueueTestMixin).test_queue_join
-- (10 items instead of 100, so that exploration stays small): two workers
-- sum the items under a lock and call task_done(); join() returns only when
-- all are done; twice, then -1 tells the workers to stop.
scenario{ name = "queue LifoQueueTest.test_queue_join", expect = "clean" }
local q = LifoQueue()
local cum = shared("cum", 0)
local cumlock = Lock("cumlock")
local ITEMS = 10
local function worker()
  while true do
    local x = q:get()
    if x < 0 then q:task_done() return end
    cumlock:with(function() cum:set(cum:get() + x) end)
    q:task_done()
  end
end
local function queue_join_test()
  cum:set(0)
  local ts = { spawn(worker), spawn(worker) }
  for i = 0, ITEMS - 1 do q:put(i) end
  q:join()
  check(cum:get() == ITEMS * (ITEMS - 1) // 2, "join() returned with cum %d", cum:get())
  q:put(-1) q:put(-1)
  q:join() -- twice
  for _, t in ipairs(ts) do t:join() end
end
queue_join_test()
queue_join_test()
local ok, e = pcall(q.task_done, q)
check(not ok and e.type == "ValueError")
