-- Python accepts a float maxsize and compares the size with it: Queue(1.3)
-- takes 2 items (1 < 1.3), then is full; one <= 0 or infinite never is.
-- maxsize reads back as given.  Before, racesim raised TypeError.
scenario{ name = "float Queue maxsize", expect = "clean" }
local q = Queue(1.3)
check(q.maxsize == 1.3, "maxsize %s", tostring(q.maxsize))
q:put_nowait("a")
check(not q:full(), "1 item of 1.3")
q:put_nowait("b")
check(q:full(), "2 items of 1.3")
local ok, e = pcall(q.put_nowait, q, "c")
check(not ok and e.type == "Full", "a third")
for _, m in ipairs{ -2.5, 0.0, math.huge } do
  local u = LifoQueue(m)
  for i = 1, 5 do u:put_nowait(i) end
  check(not u:full() and u:qsize() == 5, "maxsize %s is unbounded", tostring(m))
end
check(Queue(-1).maxsize == -1, "kept as given")
ok, e = pcall(Queue, "1")
check(ok, "a string is the queue's name")
