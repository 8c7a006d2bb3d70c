-- From seeds/002_cd1eb18bce1600fd.txt, '1. Lock vs. RLock' (the RLock
-- recursive_function(3)).
--
-- Shows: "With RLock, this works fine": each recursion level takes the RLock
-- again; it is fully released only after the outermost level.  Here two
-- threads recurse at the same time; the checks say each holds the lock for
-- its whole recursion (the other never gets in between levels), and the
-- lock is free at the end.
scenario{ name = "seed002 RLock recursion", expect = "clean" }

local rlock = RLock("rlock")
local owner = shared("owner", "")

local function recursive_function(depth, me)
  rlock:with(function()
    if owner:get() == "" then owner:set(me) end
    check(owner:get() == me, "%s at depth %d but %s is inside", me, depth, owner:get())
    print(string.format("RLock acquired at depth %d.", depth))
    if depth > 0 then
      recursive_function(depth - 1, me)
    else
      owner:set("")                  -- innermost level: leaving
    end
  end)
  print(string.format("RLock released at depth %d.", depth))
end

local t1 = spawn("t1", recursive_function, 3, "t1")
local t2 = spawn("t2", recursive_function, 3, "t2")
t1:join(); t2:join()
local free = rlock:acquire(false)
check(free, "the RLock is still held after both recursions")
if free then rlock:release() end
