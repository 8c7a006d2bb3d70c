-- SCTBench CS.circular_buffer_bad (after the paper's description; our own
-- port).
--
-- A producer puts the values 1..N into a circular buffer of N slots, and a
-- consumer takes N values out and checks that they come in order; a count
-- under a lock says how many slots are full.  The bug: the producer counts
-- its slot as full before it writes the value into it, so a consumer that
-- runs in between (one preemption) reads what the slot held before.
scenario{ name = "CS.circular_buffer_bad", expect = { "assertion", others = true } }

local n = param("n", 3)
local m = Lock("m")
local changed = Condition(m, "changed")
local buffer = shared_table("buffer")
local first = shared("first", 0)  -- next slot to read
local next_in = shared("next", 0) -- next slot to write
local count = shared("count", 0)

for i = 0, n - 1 do buffer[i] = 0 end

spawn("producer", function()
  for v = 1, n do
    m:with(function() while count:get() == n do changed:wait() end end)
    local slot = next_in:get()
    next_in:set((slot + 1) % n)
    m:with(function() count:set(count:get() + 1); changed:notify_all() end) -- announced ...
    buffer[slot] = v                                  -- ... before written
  end
end)
spawn("consumer", function()
  for want = 1, n do
    m:with(function() while count:get() == 0 do changed:wait() end end)
    local slot = first:get()
    first:set((slot + 1) % n)
    local got = buffer[slot]
    check(got == want, "received %s from slot %d, expected %d", got, slot, want)
    m:with(function() count:set(count:get() - 1); changed:notify_all() end)
  end
end)
