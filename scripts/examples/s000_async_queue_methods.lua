-- From seeds/000_6cbeb80c684375f0.txt, '7.3 Queue Methods'.
--
-- Shows: put_nowait() on a full queue raises QueueFull (racesim: error type
-- "Full"), get_nowait() on an empty one raises QueueEmpty ("Empty"),
-- qsize()/empty()/full() report the state, and queue.join() returns once
-- every item put has been matched by a task_done().  maxsize 10 -> 2.
scenario{ name = "seed000 async queue methods", mode = "async", expect = "clean" }

local queue = Queue(2, "queue")
local processed = shared("processed", 0)

check(queue:empty() and not queue:full() and queue:qsize() == 0, "new queue not empty")
queue:put("a")                      -- await queue.put(item)
queue:put_nowait("b")
check(queue:full() and queue:qsize() == 2, "queue of 2 items not full")
local ok, err = pcall(queue.put_nowait, queue, "c")
check(not ok and err.type == "Full", "put_nowait on a full queue: %s", ok and "no error" or tostring(err.type))

local worker = spawn("worker", function()
  while true do
    local ok2, item = pcall(queue.get_nowait, queue)
    if not ok2 then
      check(item.type == "Empty", "get_nowait on an empty queue: %s", tostring(item.type))
      break
    end
    sleep(0.1)                      -- process the item
    processed:add(1)
    queue:task_done()
  end
end)

queue:join()                        -- await queue.join()
check(processed:get() == 2, "join() returned with %d of 2 items processed", processed:get())
worker:join()
local ok3, err3 = pcall(queue.task_done, queue)
check(not ok3 and err3.type == "ValueError", "extra task_done(): %s", ok3 and "no error" or tostring(err3.type))
