-- From seeds/000_6cbeb80c684375f0.txt, '9.2 Acquire Locks in Consistent
-- Order' (unsafe_op1 takes lock_a then lock_b, unsafe_op2 lock_b then
-- lock_a: "NOT this (can deadlock)").
--
-- Shows: racesim reports the opposite lock order as potential_deadlock (a
-- cycle a -> b -> a in the lock-order graph) in every run.
--
-- Where racesim refines the tutorial: as written (`pass` between the two
-- `async with`), these coroutines CANNOT deadlock under asyncio.  Acquiring
-- a free asyncio.Lock does not suspend, so each task takes both locks and
-- releases them without letting the other run; in asyncio's order (and in
-- any order, scenario{ order = "any" }) no run deadlocks.  Only the lock order is wrong.  Add
-- an await while holding the first lock (run with -D pause=true, i.e. an
-- `await asyncio.sleep(0)` between the two `async with`) and the deadlock
-- is real:
--   unsafe_op1 takes lock_a, awaits; unsafe_op2 takes lock_b, awaits;
--   unsafe_op1 waits for lock_b, unsafe_op2 waits for lock_a -> deadlock.
-- The fix (safe_operation: always a, then b) is s000_async_lock_order_safe.lua.
scenario{ name = "seed000 async lock order (unsafe)", mode = "async",
          expect = "potential_deadlock" }

local pause = param("pause", false)
local lock_a = Lock("lock_a")
local lock_b = Lock("lock_b")

local function unsafe_op1()
  lock_a:with(function()
    if pause then yield() end
    lock_b:with(function() end)      -- pass
  end)
end

local function unsafe_op2()
  lock_b:with(function()             -- different order!
    if pause then yield() end
    lock_a:with(function() end)
  end)
end

spawn("unsafe_op1", unsafe_op1)
spawn("unsafe_op2", unsafe_op2)
