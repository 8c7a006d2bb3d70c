-- From seeds/004_a4cab6d75b48e450.txt, '6. BoundedSemaphore (Prevents
-- Release Above Limit)' (StrictResourcePool).
--
-- Shows: a pool on a BoundedSemaphore plus a Lock around the in-use list.
-- release_resource() only releases a slot for a resource that is in use,
-- so a double release is reported ("Error: ... not in use!") instead of
-- corrupting the semaphore.  The tutorial defines the class only; here two
-- threads each acquire and release a resource, and one of them releases its
-- resource a second time by mistake.  The checks say the pool never hands
-- out more than max_resources and that the double release is caught by the
-- in-use check, so no ValueError is raised.  Clean.
scenario{ name = "seed004 StrictResourcePool", expect = "clean" }

local function StrictResourcePool(max_resources)
  local self = { semaphore = BoundedSemaphore(max_resources, "pool.semaphore"),
                 in_use = shared_table("pool.resources_in_use"),
                 count = shared("pool.in_use_count", 0),
                 lock = Lock("pool.lock") }
  function self.acquire_resource(resource_id)
    self.semaphore:acquire()
    self.lock:with(function()
      self.in_use[resource_id] = true
      self.count:set(self.count:get() + 1)
      check(self.count:get() <= max_resources, "%d resources in use", self.count:get())
      print(string.format("Acquired: %s, In use: %d", resource_id, self.count:get()))
    end)
  end
  function self.release_resource(resource_id)
    return self.lock:with(function()
      if self.in_use[resource_id] then
        self.in_use[resource_id] = nil
        self.count:set(self.count:get() - 1)
        print(string.format("Released: %s, In use: %d", resource_id, self.count:get()))
        self.semaphore:release()
        return true
      else
        print(string.format("Error: %s not in use!", resource_id))
        return false
      end
    end)
  end
  return self
end

local pool = StrictResourcePool(1)
local t1 = spawn("user1", function()
  pool.acquire_resource("r1")
  yield()
  check(pool.release_resource("r1"), "r1 was in use")
  check(not pool.release_resource("r1"), "the double release of r1 was not caught")
end)
local t2 = spawn("user2", function()
  pool.acquire_resource("r2")
  check(pool.release_resource("r2"), "r2 was in use")
end)
t1:join(); t2:join()
check(pool.count:get() == 0, "%d resources still in use", pool.count:get())
