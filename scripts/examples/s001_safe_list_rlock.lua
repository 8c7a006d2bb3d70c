-- From seeds/001_897fcf942ac2d54e.txt, 'threading.RLock (Reentrant Lock)'
-- (SafeList).
--
-- Shows: extend() holds the RLock and calls append(), which takes it again;
-- an RLock counts the re-entry, so this works.  Two threads extend the same
-- list concurrently and a third takes a snapshot; the checks say that no
-- item is lost and that each extend() is atomic (a snapshot never shows
-- half of one).  The plain-Lock form is s001_safe_list_plain_lock.lua.
scenario{ name = "seed001 SafeList (RLock)", expect = "clean" }

local function SafeList(lock)
  local self = { _items = shared_table("list._items"), _lock = lock }
  self._items.n = 0
  function self.append(item)
    self._lock:with(function()
      local n = self._items.n + 1
      self._items[n] = item
      self._items.n = n
    end)
  end
  function self.extend(items)
    self._lock:with(function()
      for _, item in ipairs(items) do
        self.append(item)        -- re-enters the lock
      end
    end)
  end
  function self.snapshot()
    return self._lock:with(function()
      local out = {}
      for i = 1, self._items.n do out[i] = self._items[i] end
      return out
    end)
  end
  return self
end

local list = SafeList(RLock("list._lock"))
local t1 = spawn("extend_ab", list.extend, { "a", "b" })
local t2 = spawn("extend_xy", list.extend, { "x", "y" })
local t3 = spawn("snapshot", function()
  local s = table.concat(list.snapshot())
  check(s == "" or s == "ab" or s == "xy" or s == "abxy" or s == "xyab",
        "snapshot %q shows a half-done extend()", s)
end)
t1:join(); t2:join(); t3:join()
local s = table.concat(list.snapshot())
check(s == "abxy" or s == "xyab", "final list %q", s)
