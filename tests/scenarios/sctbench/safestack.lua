-- SCTBench misc.safestack (after the description of the lock-free stack
-- test from Relacy that SCTBench includes; our own port).
--
-- An array-based Treiber stack: 'head' names the top node (0 for none) and
-- each node its next; pop reads head and the top's next and swings head
-- from the one to the other with a compare-and-swap, push links a node on
-- top and swings head to it the same way (racesim has no CAS instruction:
-- each CAS is one critical section of a lock that only CASes take, so it is
-- atomic against the others, and head and the links are atomic variables
-- read without it).  Three threads each pop a node, write their name into
-- it, check that it is still theirs, and push it back, twice.
--
-- The bug, ABA: a thread pops, reads head = A and A's next = B, and is held
-- up before its CAS; meanwhile others pop A, pop B and push A back, so head
-- is A again; the CAS succeeds and makes B the top, though B is in use.
-- The next pop hands B out a second time, and its two holders overwrite
-- each other's name.  Reachable, but rare: random shows it in about one
-- run in 6,000; pct (depths 1 to 16), bounded dfs and dfs not within
-- 100,000 runs (the README's SCTBench table), so racesim check needs a
-- budget of about 100,000 random runs for it (table.py --check gives it
-- that).
scenario{ name = "misc.safestack", expect = { "assertion", others = true } }

local nodes, threads, loops = param("nodes", 3), param("threads", 3), param("loops", 2)
local cas_lock = Lock("cas")
local head = shared("head", 1, { atomic = true })
local next_of, value = {}, shared_table("value")
for i = 1, nodes do
  next_of[i] = shared("next" .. i, i < nodes and i + 1 or 0, { atomic = true })
  value[i] = ""
end

local function cas(var, old, new)
  return cas_lock:with(function()
    if var:get() ~= old then return false end
    var:set(new)
    return true
  end)
end

local function pop()
  while true do
    local h = head:get()
    if h == 0 then return nil end
    local n = next_of[h]:get()
    if cas(head, h, n) then return h end
  end
end

local function push(i)
  while true do
    local h = head:get()
    next_of[i]:set(h)
    if cas(head, h, i) then return end
  end
end

for t = 1, threads do
  local me = "thread" .. t
  spawn(me, function()
    for _ = 1, loops do
      local i = pop()
      if i then
        value[i] = me
        check(value[i] == me, "node %d, popped by %s, now holds %s", i, me, value[i])
        push(i)
      end
    end
  end)
end
