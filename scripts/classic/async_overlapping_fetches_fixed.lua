-- The fix of async_overlapping_fetches.lua: a reply is cached only if it is
-- newer than the cached one; the test and the store have no await between
-- them, so in asyncio no task comes between.  Clean in both orders of the
-- replies (dfs: 2 runs).
scenario{ name = "asyncio: overlapping awaits (fixed)", mode = "async", expect = "clean" }

local price = shared("price", 0)

local function refresh(version, latency)
  sleep(latency, 0.05)                -- await fetch(): latency +- 50 ms
  if version > price:get() then price:set(version) end
end

spawn("old", refresh, 1, 0.10)
sleep(0.01)
spawn("new", refresh, 2, 0.12)
finally(function()
  check(price:get() == 2, "the cache holds version %d, not the newest (2)", price:get())
end)
