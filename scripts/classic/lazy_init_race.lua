-- Lazy initialisation with check-then-act: two initialisations.
--
-- get_instance() creates an expensive object on first use:
--   if instance is None: instance = create()
-- Two threads call it at the same time.
--
-- The bug: the check and the act are separate steps.
--   thread1 reads instance == nil; thread2 reads instance == nil;
--   both call create() (inits becomes 2); thread2 stores its object;
--   thread1 stores its own, overwriting thread2's -- which thread2 is
--   already using: the two threads now hold different "singletons".
-- racesim reports lost_update (thread1 wrote `instance` from a read made
-- before thread2's write) and the checks fail: create() ran twice, and a
-- caller's object is not the final instance (assertion).
--
-- The fix (lazy_init_locked.lua): do the check and the create under a Lock.
scenario{ name = "lazy init (check-then-act)", expect = { "lost_update", "data_race", "assertion" } }

local instance = shared("instance", nil)
local inits = shared("inits", 0, { atomic = true })

local function create()
  local n = inits:add(1)                   -- count the initialisations
  return "object#" .. n
end

local function get_instance()
  if instance:get() == nil then            -- check ...
    instance:set(create())                 -- ... then act
  end
  return instance:get()
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
