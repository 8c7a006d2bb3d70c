-- prelude.lua - the methods of racesim's primitives that read best in Lua.
--
-- Loaded once per Lua state and stripped of debug information, so that a
-- visible operation made from here is reported at the scenario's line, not at
-- a line of this file.  It receives the primitives it builds on and returns
-- the methods to install.  Nothing here keeps state between runs.
local P = ...
local pcall, error, type = pcall, error, type
local xpcall = xpcall
local now, err, mark = P.now, P.err, P.mark
local arrive, pass, trip, action_of =
  P.barrier_arrive, P.barrier_pass, P.barrier_trip, P.barrier_action

local M = {}

local function release_and_return(self, ok, ...)
  self:release()
  if not ok then error((...), 0) end
  return ...
end

-- obj:with(fn, ...): hold a lock-like object while fn runs; release it even
-- if fn raises (then re-raise, reported where it was raised); return fn's
-- results.
function M.with(self, fn, ...)
  if type(fn) ~= "function" then
    error(err("TypeError", "with: argument 1 must be a function"), 2)
  end
  self:acquire()
  return release_and_return(self, xpcall(fn, mark, ...))
end

-- cond:wait_for(predicate, [timeout]): Python's Condition.wait_for, which
-- re-checks the predicate after every wake-up and shares one deadline.
function M.wait_for(self, predicate, timeout)
  if type(predicate) ~= "function" then
    error(err("TypeError", "wait_for: argument 1 must be a function"), 2)
  end
  local endtime
  local waittime = timeout
  local result = predicate()
  while not result do
    if waittime ~= nil then
      if endtime == nil then
        endtime = now() + waittime
      else
        waittime = endtime - now()
        if waittime <= 0 then break end
      end
    end
    self:wait(waittime)
    result = predicate()
  end
  return result
end

-- barrier:wait([timeout]): Python's Barrier.wait.  The last to arrive runs
-- the action, then releases the others; an action that raises breaks the
-- barrier and the error propagates to the thread that ran it.
function M.barrier_wait(self, timeout)
  local index, last = arrive(self, timeout)
  if last then
    local action = action_of(self)
    if action ~= nil then
      local ok, e = xpcall(action, mark) -- (told where it raised, not at wait())
      if not ok then
        trip(self, true)
        error(e, 0)
      end
    end
    trip(self, false)
  else
    pass(self, timeout)
  end
  return index
end

return M
