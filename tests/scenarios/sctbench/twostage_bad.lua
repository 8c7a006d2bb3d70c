-- SCTBench CS.twostage_bad and CS.twostage_100_bad (after the paper's
-- description; our own port): -D writers=1 (twostage, 3 threads with the
-- main one) or writers=99 (twostage_100, 101 threads).
--
-- Writers update two values in two stages, each under its own lock:
-- data1 = 1, then data2 = data1 + 1.  A reader reads data1 under the first
-- lock and, if it is set, data2 under the second, and checks that data2 =
-- data1 + 1.  The bug: a reader between a writer's two stages sees data1
-- set and data2 not yet (one preemption); with many writers, a schedule
-- rarely puts the reader in such a window.
scenario{ name = "CS.twostage_bad", expect = { "assertion" } }

local writers = param("writers", 1)
local m1, m2 = Lock("m1"), Lock("m2")
local data1, data2 = shared("data1", 0), shared("data2", 0)

for i = 1, writers do
  spawn("writer" .. i, function()
    m1:with(function() data1:set(1) end)
    m2:with(function() data2:set(data1:get() + 1) end)
  end)
end
spawn("reader", function()
  local t1 = m1:with(function() return data1:get() end)
  if t1 == 0 then return end
  local t2 = m2:with(function() return data2:get() end)
  check(t2 == t1 + 1, "data1 = %d but data2 = %d", t1, t2)
end)
