-- Token ring on Events: the correct form.
--
-- n threads sit in a ring; thread i may work only while it holds the
-- token.  Each has its own Event: it waits for it, clears it, does its work
-- (appends its number to a shared log), then sets the next thread's event,
-- passing the token on.  Main starts the ring by setting thread 1's event.
-- The checks: the log is 1,2,...,n repeated `rounds` times -- exactly one
-- thread works at a time, in ring order -- in every interleaving.  Clean.
--
-- The buggy form (token_ring_missing_set.lua) forgets one set().
scenario{ name = "token ring (Events)", expect = "clean" }

local n = param("n", 3)
local rounds = param("rounds", 2)
local turn = {}
for i = 1, n do turn[i] = Event("turn" .. i) end
local log = shared_table("log")
log.len = 0

for i = 1, n do
  spawn("node" .. i, function()
    for _ = 1, rounds do
      turn[i]:wait()                      -- wait for the token
      turn[i]:clear()
      log.len = log.len + 1               -- work while holding the token
      log[log.len] = i
      turn[i % n + 1]:set()               -- pass the token on
    end
  end)
end
turn[1]:set()                             -- inject the token
finally(function()
  check(log.len == n * rounds, "%d turns, expected %d", log.len, n * rounds)
  for k = 1, log.len do
    check(log[k] == (k - 1) % n + 1, "turn %d went to node%d", k, log[k])
  end
end)
