-- From seeds/000_6cbeb80c684375f0.txt, '5.3 Rate Limiting with Semaphore'
-- (RateLimiter, api_call).
--
-- Shows: a RateLimiter wraps each coroutine in `async with semaphore`, so at
-- most max_concurrent calls are in flight; asyncio.gather returns the
-- results in the order of the calls, whatever order they finish in.  The
-- checks say that the limit holds and that results[i] is "Result i".
--
-- Scaled down: max_concurrent 5 with 20 calls -> 2 with 3 calls (params),
-- so that exhaustive exploration finishes.
scenario{ name = "seed000 async rate limiter", mode = "async", expect = "clean" }

local max_concurrent = param("max_concurrent", 2)
local calls = param("calls", 3)

local function RateLimiter(limit)
  local self = { semaphore = Semaphore(limit, "limiter.semaphore") }
  function self.execute(coro, ...)
    return self.semaphore:with(coro, ...)   -- async with sem: return await coro
  end
  return self
end

local limiter = RateLimiter(max_concurrent)
local in_flight = shared("in_flight", 0)
local results = shared_table("results")

local function api_call(n)
  local c = in_flight:add(1)
  check(c <= max_concurrent, "%d calls in flight, limit %d", c, max_concurrent)
  sleep(0.1)
  in_flight:add(-1)
  return "Result " .. n
end

-- results = await asyncio.gather(*tasks): each task stores its own slot
local tasks = {}
for i = 0, calls - 1 do
  tasks[#tasks + 1] = spawn("call" .. i, function()
    results[i] = limiter.execute(api_call, i)
  end)
end
for _, t in ipairs(tasks) do t:join() end
for i = 0, calls - 1 do
  check(results[i] == "Result " .. i, "results[%d] = %s", i, tostring(results[i]))
end
