-- quickstart_lost_update.lua - the first thing to try with racesim.
--
-- Two threads add one to a shared counter with a read followed by a write:
--     local v = counter:get()   -- read
--     counter:set(v + 1)        -- write what was read, plus one
-- If the second thread reads between the first one's read and write, both
-- write 1 and one increment is lost.  racesim finds that interleaving,
-- explains it (who read what, who wrote what, at which lines) and prints the
-- command that replays it.  The fix is to hold a Lock around the read and
-- the write: see counter_locked in ../../tests/scenarios/.
scenario{ name = "quickstart: lost update", expect = "lost_update" }

local counter = shared("counter", 0)

for i = 1, 2 do
  spawn("worker" .. i, function()
    local v = counter:get()
    counter:set(v + 1)
  end)
end

finally(function()
  check(counter:get() == 2, "expected 2 increments, counter is %d", counter:get())
end)
