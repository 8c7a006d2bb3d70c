-- From seeds/004_a4cab6d75b48e450.txt, '4. RLock (Reentrant Lock)'
-- (recursive_function_safe(5) in a thread).
--
-- Shows: "Works! Same thread can acquire": with an RLock every level takes
-- the lock again and the thread prints Level 5 .. Level 0.  The check says
-- all six levels ran, and that the lock is free afterwards (each with
-- released its own level).
scenario{ name = "seed004 RLock recursion", expect = "clean" }

local rlock = RLock("rlock")
local levels = shared("levels", 0)

local function recursive_function_safe(n)
  rlock:with(function()
    print("Level " .. n)
    levels:add(1)
    if n > 0 then recursive_function_safe(n - 1) end   -- works: re-entrant
  end)
end

local thread = spawn("recursive", recursive_function_safe, 5)
thread:join()
check(levels:get() == 6, "%d levels ran, expected 6", levels:get())
local free = rlock:acquire(false)
check(free, "the RLock is still held after the recursion")
if free then rlock:release() end
