-- asyncio: two fetches whose replies may arrive in either order.
--
-- A task refreshes a cached price: it sends a request, awaits the reply
-- and stores it.  Two refreshes overlap: the old one was sent first, the
-- new one 10 ms later.  Nominally the old reply comes first (100 ms against
-- 120 ms), but a network reply takes its time give or take 50 ms:
-- sleep(t, jitter) says so, and where two such waits overlap either may end
-- first.  In the run where the new reply arrives first, the old one
-- overwrites it: the cache ends stale.  asyncio's strict run order does not
-- help here: what varies is the timing of the awaits, and racesim explores
-- both orders (dfs: 2 runs).
--
-- The fix (async_overlapping_fetches_fixed.lua): store a reply only if it
-- is newer than what is cached.  The test and the store run without an
-- await between them, so no task can come between (no lock needed).
scenario{ name = "asyncio: overlapping awaits", mode = "async", expect = "assertion" }

local price = shared("price", 0)

local function refresh(version, latency)
  sleep(latency, 0.05)                -- await fetch(): latency +- 50 ms
  price:set(version)                  -- cache the reply
end

spawn("old", refresh, 1, 0.10)
sleep(0.01)
spawn("new", refresh, 2, 0.12)
finally(function()
  check(price:get() == 2, "the cache holds version %d, not the newest (2)", price:get())
end)
