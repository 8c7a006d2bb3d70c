-- From seeds/004_a4cab6d75b48e450.txt, '4. RLock (Reentrant Lock)'
-- (recursive_function with a plain Lock: "Deadlock! Can't acquire same
-- lock").
--
-- Shows: the first recursive call tries to take the Lock its own thread
-- already holds; a Lock is not re-entrant, so the thread waits for itself.
-- racesim reports a deadlock, as the tutorial says.  The RLock fix is
-- s004_rlock_recursive.lua.
scenario{ name = "seed004 recursive Lock deadlock", expect = "deadlock" }

local lock = Lock("lock")

local function recursive_function(n)
  lock:with(function()
    print("Level " .. n)
    if n > 0 then recursive_function(n - 1) end   -- Deadlock!
  end)
end

spawn("recursive", recursive_function, 5)
