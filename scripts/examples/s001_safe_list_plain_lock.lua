-- From seeds/001_897fcf942ac2d54e.txt, 'threading.RLock (Reentrant Lock)'
-- (SafeList; the comment in extend(): "a plain Lock would deadlock").
--
-- Shows: SafeList with threading.Lock instead of RLock.  extend() holds the
-- lock and calls append(), which tries to take it again; a Lock is not
-- re-entrant, so the thread waits for itself forever.  racesim reports a
-- deadlock (a wait-for cycle of length one), as the tutorial says.
scenario{ name = "seed001 SafeList (plain Lock)", expect = "deadlock" }

local items = shared_table("list._items")
items.n = 0
local lock = Lock("list._lock")

local function append(item)
  lock:with(function()
    items.n = items.n + 1
    items[items.n] = item
  end)
end

local function extend(list)
  lock:with(function()
    for _, item in ipairs(list) do append(item) end   -- self-deadlock here
  end)
end

spawn("extender", extend, { "a", "b" })
