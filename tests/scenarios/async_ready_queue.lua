-- asyncio's ready queue, first in, first out (tests/cli/test_async.py counts
-- the runs: exactly 1, there is no choice to make).  Each check below is a
-- guarantee asyncio gives that a program may rely on:
--  * a task is queued when it is created, so after create_task(t()) and
--    await asyncio.sleep(0) it has run up to its first suspension;
--  * tasks start in the order they were created;
--  * yield() (sleep(0)) puts a task behind every task already ready;
--  * tasks woken together (Event.set(), Condition.notify_all()) resume in
--    the order they began to wait, which need not be the order they were
--    created in.
scenario{ name = "asyncio ready queue", mode = "async", expect = "clean" }
local log = shared("log", "")
local function say(s) log:set(log:get() .. s) end

-- created, then run at the first await of the creator
spawn("a", function() say("a") end)
check(log:get() == "", "a task does not run before its creator awaits")
yield()
check(log:get() == "a", "after sleep(0) the new task has run: %s", log:get())

-- creation order, and yield() behind every ready task
log:set("")
local ts = {}
for i = 1, 3 do
  ts[i] = spawn("t" .. i, function() say(tostring(i)) yield() say(string.char(96 + i)) end)
end
for i = 1, 3 do ts[i]:join() end
check(log:get() == "123abc", "round robin: %s", log:get())

-- woken in the order they waited: t3 first, t1 last
log:set("")
local ev = Event("ev")
for i = 1, 3 do
  spawn("w" .. i, function() sleep(1 - i / 10) ev:wait() say(tostring(i)) end)
end
sleep(1)
ev:set()
yield()
check(log:get() == "321", "Event.set() wakes in waiting order: %s", log:get())

-- Condition.notify_all(): the same, then each retakes the lock in turn
log:set("")
local cv = Condition(nil, "cv")
for i = 1, 3 do
  spawn("c" .. i, function()
    sleep(1 - i / 10)
    cv:with(function() cv:wait() say(tostring(i)) end)
  end)
end
sleep(1)
cv:with(function() cv:notify_all() end)
sleep(0.1)
check(log:get() == "321", "notify_all() wakes in waiting order: %s", log:get())
