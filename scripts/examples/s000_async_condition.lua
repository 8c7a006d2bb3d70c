-- From seeds/000_6cbeb80c684375f0.txt, '4.1 Concept' (Condition:
-- producer / consumer("A") / consumer("B")).
--
-- Shows: consumers wait on an asyncio.Condition in a `while not data_ready`
-- loop; the producer sets the data under the condition's lock and calls
-- notify_all(), so both consumers wake and see the data.  The loop makes it
-- correct whichever task runs first (a consumer that arrives after the
-- notify sees data_ready and never waits).
scenario{ name = "seed000 async condition", mode = "async", expect = "clean" }

local condition = Condition(nil, "condition")
local data_ready = shared("data_ready", false)
local data = shared("data", nil)
local got = shared("got", 0)

local function producer()
  sleep(1)
  condition:with(function()
    data:set("Important data")
    data_ready:set(true)
    condition:notify_all()         -- wake up all waiters
  end)
end

local function consumer(name)
  condition:with(function()
    while not data_ready:get() do
      condition:wait()             -- release the lock and wait
    end
    local d = data:get()
    check(d == "Important data", "%s got data = %s", name, tostring(d))
    print(name .. ": Got data = " .. tostring(d))
    got:add(1)
  end)
end

local tasks = { spawn("A", consumer, "A"), spawn("B", consumer, "B"), spawn("producer", producer) }
for _, t in ipairs(tasks) do t:join() end
check(got:get() == 2, "%d consumers got the data, expected 2", got:get())
