-- CHESS WorkStealQueue (after the description of the work-stealing queue
-- test that ships with CHESS and that SCTBench includes; our own port).
--
-- A work-stealing deque in the style of Cilk's THE protocol: the owner
-- pushes tasks at the tail and pops them there without a lock; a thief
-- steals from the head under the queue's lock.  The owner's pop takes the
-- last task only when head <= tail - 1.  Each task must be taken exactly
-- once.  The bug: the owner reads head before it announces that it takes
-- the tail (tail = tail - 1), where the protocol needs the opposite order;
-- a thief stealing in between takes the same last task (a lost decrement
-- of the owner's view): two takes of one task.
scenario{ name = "CHESS.WorkStealQueue", expect = { "assertion" } }

local ntasks = param("tasks", 2)
local lock = Lock("queue")
-- (head and tail are the protocol's volatile words: atomic, never races)
local head = shared("head", 0, { atomic = true })
local tail = shared("tail", 0, { atomic = true })
local taken = {}
for i = 0, ntasks - 1 do taken[i] = shared("taken" .. i, 0, { atomic = true }) end

local function take(i, who)
  check(taken[i]:add(1) == 1, "task %d taken twice (the second time by %s)", i, who)
end

local function push()
  tail:set(tail:get() + 1)
end

local function pop() -- the owner's
  local h = head:get()       -- (the bug: head read first ...)
  local t = tail:get() - 1
  tail:set(t)                -- (... tail announced after)
  if h <= t then return t end
  return lock:with(function() -- at most one left: settle it with the thieves
    if head:get() <= t then return t end
    tail:set(t + 1)
    return nil
  end)
end

local function steal()
  return lock:with(function()
    local h = head:get()
    head:set(h + 1)
    if h < tail:get() then return h end
    head:set(h)
    return nil
  end)
end

local owner = spawn("owner", function()
  for _ = 1, ntasks do push() end
  for _ = 1, ntasks do
    local i = pop()
    if i then take(i, "the owner") end
  end
end)
spawn("thief", function()
  local i = steal()
  if i then take(i, "the thief") end
end)
owner:join()
