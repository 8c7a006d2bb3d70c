-- Lazy initialisation under a Lock: the fix.
--
-- Same get_instance() as lazy_init_race.lua, but the check and the create
-- happen while holding a Lock, so the second thread to arrive sees the
-- first one's instance and does not create another.  create() runs exactly
-- once and both threads get the same object, in every interleaving.  Clean.
--
-- (Double-checked locking -- a first check without the lock, then the lock
-- and a second check -- avoids taking the lock on every call; in racesim the
-- unlocked first read then needs shared(..., {atomic = true}) to model a
-- safely published reference, or it is a data race.)
scenario{ name = "lazy init (locked)", expect = "clean" }

local instance = shared("instance", nil)
local inits = shared("inits", 0, { atomic = true })
local lock = Lock("init_lock")

local function create()
  local n = inits:add(1)
  return "object#" .. n
end

local function get_instance()
  return lock:with(function()
    if instance:get() == nil then
      instance:set(create())
    end
    return instance:get()
  end)
end

local got = shared_table("got")
for i = 1, 2 do
  spawn("thread" .. i, function() got[i] = get_instance() end)
end
finally(function()
  check(inits:get() == 1, "create() ran %d times, expected once", inits:get())
  for i = 1, 2 do
    check(got[i] == instance:get(), "thread%d uses %s, but the instance is %s",
          i, tostring(got[i]), tostring(instance:get()))
  end
end)
