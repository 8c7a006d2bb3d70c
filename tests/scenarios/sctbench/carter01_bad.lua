-- SCTBench CS.carter01_bad (after the paper's description; our own port).
--
-- Four threads share two locks, a count and a flag: two of them take lock
-- A then lock B; the other two take B, then, only if the flag raised by a
-- thread of the first kind is up, A.  The bug: once a thread of the first
-- kind has raised the flag and released, a second one can hold A and wait
-- for B while a thread of the second kind holds B and waits for A: a
-- deadlock reachable only in some interleavings.
scenario{ name = "CS.carter01_bad", expect = { "deadlock" } }

local a, b = Lock("A"), Lock("B")
local count = shared("count", 0)
local flag = shared("flag", false)

local function ab()
  a:acquire()
  b:acquire()
  count:set(count:get() + 1)
  flag:set(true)
  b:release()
  a:release()
end

local function ba()
  b:acquire()
  if flag:get() then
    a:acquire()
    count:set(count:get() - 1)
    a:release()
  end
  b:release()
end

spawn("t1", ab)
spawn("t2", ba)
spawn("t3", ab)
spawn("t4", ba)
