-- From seeds/000_6cbeb80c684375f0.txt, '9.2 Acquire Locks in Consistent
-- Order' (safe_operation: `async with lock_a:` then `async with lock_b:`).
--
-- Shows: when every task takes lock_a before lock_b, the lock-order graph
-- has no cycle and no interleaving deadlocks, even with an await while
-- holding lock_a (which makes the unsafe form deadlock, see
-- s000_async_lock_order.lua with -D pause=true).  Clean.
scenario{ name = "seed000 async lock order (safe)", mode = "async", expect = "clean" }

local lock_a = Lock("lock_a")
local lock_b = Lock("lock_b")

local function safe_operation()
  lock_a:with(function()             -- always a first
    yield()                          -- an await while holding a
    lock_b:with(function() end)      -- then b
  end)
end

spawn("op1", safe_operation)
spawn("op2", safe_operation)
