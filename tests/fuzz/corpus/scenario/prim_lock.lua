-- Lock: Python's threading.Lock, method by method, with every error and
-- timeout path.  Checked in every interleaving (expect clean).
scenario{ name = "Lock semantics", expect = "clean" }
local l = Lock("l")
check(l:acquire() == true)
check(l:locked())
check(l:acquire(false) == false, "non-blocking acquire of a held lock")
local ok, e = pcall(l.acquire, l, false, 1)
check(not ok and e.type == "ValueError", "timeout with blocking=false")
ok, e = pcall(l.acquire, l, true, -2)
check(not ok and e.type == "ValueError", "negative timeout")
check(l:acquire(true, 0.5) == false, "acquire(true, 0.5) times out")
check(now() == 0.5)
l:release()
check(not l:locked())
ok, e = pcall(l.release, l)
check(not ok and e.type == "RuntimeError" and e.message == "release unlocked lock")
-- any thread may release a Lock: Python's Lock has no owner
l:acquire()
spawn(function() l:release() end):join()
check(not l:locked(), "released by another thread")
-- with(): returns fn's results, releases on error too
local r = l:with(function(a, b) check(l:locked()); return a + b end, 1, 2)
check(r == 3 and not l:locked())
ok, e = pcall(l.with, l, function() error({ type = "ValueError", message = "x" }) end)
check(not ok and e.type == "ValueError" and not l:locked(), "with() releases on error")
do
  local _ <close> = l:hold()
  check(l:locked())
end
check(not l:locked(), "hold() releases at the end of the scope")
-- a blocked acquire proceeds as soon as the holder releases
local order = shared("order", "")
l:acquire()
local t = spawn("waiter", function()
  l:acquire()
  order:set(order:get() .. "w")
  l:release()
end)
order:set(order:get() .. "m")
l:release()
t:join()
check(order:get() == "mw", "order %s", order:get())
