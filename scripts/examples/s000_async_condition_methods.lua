-- From seeds/000_6cbeb80c684375f0.txt, '4.2 Condition Methods' (wait,
-- wait_for(predicate), notify(), notify(n=3), notify_all()).
--
-- Shows: the tutorial lists the calls as fragments; here they are used
-- against each other.  Three tasks wait for a shared level to reach their
-- own threshold with wait_for(lambda: level >= threshold); a controller
-- raises the level step by step and notifies: notify() wakes one waiter,
-- notify(n=2) two, notify_all() the rest.  wait_for re-checks its predicate
-- after every wake-up, so a task woken too early simply waits again.  The
-- checks say that every task leaves wait_for only once its predicate holds
-- and that all three get through.
scenario{ name = "seed000 async condition methods", mode = "async", expect = "clean" }

local condition = Condition(nil, "condition")
local level = shared("level", 0)
local through = shared("through", 0)

local function waiter(name, threshold)
  condition:with(function()
    local ok = condition:wait_for(function() return level:get() >= threshold end)
    check(ok and level:get() >= threshold, "%s left wait_for at level %d, threshold %d",
          name, level:get(), threshold)
    through:add(1)
  end)
end

local tasks = { spawn("w1", waiter, "w1", 1), spawn("w2", waiter, "w2", 2),
                spawn("w3", waiter, "w3", 3) }
sleep(1)                                         -- every waiter is waiting now
condition:with(function() level:set(1); condition:notify() end)           -- notify one
sleep(1)
condition:with(function() level:set(2); condition:notify(2) end)          -- notify(n=2)
sleep(1)
condition:with(function() level:set(3); condition:notify_all() end)       -- notify all
for _, t in ipairs(tasks) do t:join() end
check(through:get() == 3, "%d of 3 waiters got through", through:get())
