-- SCTBench CS.queue_bad (after the paper's description; our own port).
--
-- An enqueuer puts the values 1..N into a bounded queue and records each
-- in 'stored'; a dequeuer takes N values and checks each against what was
-- stored.  A flag under a lock hands the turn over: the enqueuer may go on
-- while it is down, the dequeuer while it is up.  The bug: the enqueuer
-- raises the flag before it enqueues, so the dequeuer can take from the
-- queue before the value is in it (one preemption).
scenario{ name = "CS.queue_bad", expect = { "assertion", others = true } }

local n = param("n", 3)
local m = Lock("m")
local turn = Condition(m, "turn")
local may_dequeue = shared("dequeue_flag", false)
local items = shared_table("queue")
local head, tail = shared("head", 1), shared("tail", 1)
local stored = shared_table("stored")

spawn("enqueuer", function()
  for v = 1, n do
    m:with(function()
      while may_dequeue:get() do turn:wait() end
      may_dequeue:set(true) -- (the bug: the turn goes over first ...)
      turn:notify_all()
    end)
    local t = tail:get()   -- ... then the value goes in
    items[t] = v
    stored[v] = v
    tail:set(t + 1)
  end
end)
spawn("dequeuer", function()
  for want = 1, n do
    m:with(function() while not may_dequeue:get() do turn:wait() end end)
    local h = head:get()
    local got = h < tail:get() and items[h] or "nothing"
    head:set(h + 1)
    check(got == stored[want], "dequeued %s, stored %s", got, stored[want])
    m:with(function() may_dequeue:set(false); turn:notify_all() end)
  end
end)
