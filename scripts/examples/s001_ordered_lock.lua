-- From seeds/001_897fcf942ac2d54e.txt, 'Deadlock Prevention'
-- (safe_transfer and ordered_lock).
--
-- Shows: the GOOD protocols.  safe_transfer always takes lock_a then
-- lock_b.  ordered_lock(lock1, lock2) sorts the two locks by a global key
-- (Python's id(); here the order in which the locks were created) and takes
-- them in that order, so it is safe "regardless of argument order": thread1
-- calls ordered_lock(a, b), thread2 ordered_lock(b, a), thread3
-- safe_transfer(), and no interleaving deadlocks; the lock-order graph has
-- no cycle.  Clean.
scenario{ name = "seed001 ordered locks", expect = "clean" }

local lock_a = Lock("lock_a")
local lock_b = Lock("lock_b")
local id = { [lock_a] = 1, [lock_b] = 2 }     -- id(lock): a fixed global order
local held_both = shared("held_both", 0)

local function critical()
  check(held_both:add(1) == 1, "two threads hold both locks")
  held_both:add(-1)
end

local function safe_transfer()
  lock_a:with(function() lock_b:with(critical) end)
end

local function ordered_lock(lock1, lock2)
  local first, second = lock1, lock2
  if id[second] < id[first] then first, second = second, first end   -- sorted(key=id)
  first:with(function() second:with(critical) end)
end

spawn("thread1", ordered_lock, lock_a, lock_b)
spawn("thread2", ordered_lock, lock_b, lock_a)
spawn("thread3", safe_transfer)
