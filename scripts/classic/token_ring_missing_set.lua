-- Token ring on Events: a missing set().
--
-- Same ring as token_ring.lua, but the last node passes the token back to
-- node1 only "if somebody still needs it", and gets the test wrong by one:
-- `r < rounds - 1` where `r < rounds` was meant (after its last round node3
-- rightly keeps the token; after earlier rounds it must pass it).  With
-- rounds = 2, node3 never sets turn1 -- a missing set().
-- Nobody else sets turn1, so node1 waits for the token forever, node2 waits
-- for node1, node3 waits for node2: every node waits on an Event that no
-- live thread will set.  racesim reports "stuck" (no cycle of lock owners,
-- just a signal that never comes).  It happens in every interleaving --
-- this kind of bug is found by the first run, and the report names the
-- event and the waiters.
--
-- The fix (token_ring.lua): pass the token on unconditionally (a set() of
-- the event of a node that has finished is harmless), or get the test right.
scenario{ name = "token ring (missing set)", expect = "stuck" }

local n = param("n", 3)
local rounds = param("rounds", 2)
local turn = {}
for i = 1, n do turn[i] = Event("turn" .. i) end
local log = shared_table("log")
log.len = 0

for i = 1, n do
  spawn("node" .. i, function()
    for r = 1, rounds do
      turn[i]:wait()
      turn[i]:clear()
      log.len = log.len + 1
      log[log.len] = i
      if i < n then
        turn[i + 1]:set()
      elseif r < rounds - 1 then           -- BUG: off by one, should be r < rounds
        turn[1]:set()
      end
    end
  end)
end
turn[1]:set()
