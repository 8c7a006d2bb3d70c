-- Barrier: arrival indices 0..parties-1 (every thread gets one, unlike what
-- seed 002 says), the action runs once per round, reuse over rounds, and
-- abort/reset/timeout break it with BrokenBarrierError (reported as
-- barrier_broken findings: b2 is aborted, b3 times out).
scenario{ name = "Barrier semantics", expect = "barrier_broken" }
local ok, e = pcall(Barrier, 0)
check(not ok and e.type == "ValueError" and e.message == "parties must be >= 1")
local rounds = shared("rounds", 0, { atomic = true })
local b = Barrier(3, function() rounds:add(1) end, nil, "b")
check(b.parties == 3 and b.n_waiting == 0 and not b.broken)
local seen = shared_table("seen")
for i = 1, 3 do
  spawn("w" .. i, function()
    for round = 1, 2 do
      local idx = b:wait()
      check(idx >= 0 and idx < 3, "index %s", idx)
      seen[round * 10 + idx] = true
    end
  end)
end
local b2 = Barrier(2, nil, nil, "b2")
spawn("aborted", function()
  local ok2, e2 = pcall(b2.wait, b2)
  check(not ok2 and e2.type == "BrokenBarrierError")
end)
spawn("aborter", function() sleep(1); b2:abort() end)
local b3 = Barrier(2, nil, 0.5, "b3") -- default timeout
local ok3, e3 = pcall(b3.wait, b3)
check(not ok3 and e3.type == "BrokenBarrierError" and b3.broken)
b3:reset()
check(not b3.broken, "reset() repairs a broken barrier")
finally(function()
  check(rounds:get() == 2, "action ran %d times", rounds:get())
  for round = 1, 2 do
    for idx = 0, 2 do check(seen[round * 10 + idx], "round %d index %d missing", round, idx) end
  end
end)
