-- From seeds/003_3aba66dc1b770c5b.txt, 'ex_4_3' (Semaphore(2), 4 tasks of
-- limited_resource).
--
-- Shows: "only two acquisitions of limited resource happen at first. Then
-- it will sleep for 1s and after releasing the resources the remaining two
-- acquisitions happen."  The checks say exactly that: never more than two
-- inside; the first two enter at t = 0, the other two at t = 1; all done
-- at t = 2.  (Not scaled: 4 tasks explore quickly.)
scenario{ name = "seed003 async semaphore", mode = "async", expect = "clean" }

local inside = shared("inside", 0)
local entered = shared("entered", 0)

local function limited_resource(sem)
  sem:with(function()
    local c = inside:add(1)
    local e = entered:add(1)
    check(c <= 2, "%d tasks inside a Semaphore(2)", c)
    local expected_t = e <= 2 and 0 or 1
    check(now() == expected_t, "acquisition #%d at t=%s, expected t=%d", e, tostring(now()), expected_t)
    print("Accessing limited resource")
    sleep(1)
    print("Finished using limited resource")
    inside:add(-1)
  end)
end

local sem = Semaphore(2, "sem")
local tasks = {}
for i = 1, 4 do tasks[i] = spawn("task" .. i, limited_resource, sem) end
for _, t in ipairs(tasks) do t:join() end
check(now() == 2, "all done at t=%s, expected t=2", tostring(now()))
