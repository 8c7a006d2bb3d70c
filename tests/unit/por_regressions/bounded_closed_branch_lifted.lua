-- Within --preemption-bound 2, with the reduction: T[1]'s failed try inside
-- T[2]'s hold of sm, T[3]'s get_nowait before T[1]'s put, T[1]'s inc between
-- T[3]'s set and T[2]'s last add (x=32.5, q=1) is a schedule within the bound
-- that is reached only through a race in a branch below a decision already
-- over it: that branch's thread must be given a branch higher up
-- (strat_dfs.c, lift_dropped).  Counts generator, seed 24, program 426.
local x = shared('x', 0)
local y = shared('y', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local sm = Semaphore(1)
local q = Queue(0)
local T = {}
T[1] = spawn(function()
  op(function() x:set(11) end)
  op(function() local ok = sm:acquire(false); log(ok); if ok then yield(); y:set(12); sm:release() end end)
  op(function() x:inc(0.5) end)
  op(function() q:put_nowait(13) end)
end)
T[2] = spawn(function()
  op(function() local v = x:add(1); log(v) end)
  op(function() sm:acquire(); sm:release() end)
  op(function() local v = q:qsize(); log(v) end)
  op(function() ; local v = x:add(1); log(v); sm:release() end)
end)
T[3] = spawn(function()
  op(function() local v = q:get_nowait(); log(v) end)
  op(function() x:set(31) end)
end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' y=' .. tostring(y:get()) .. ' t=' .. now() .. ' q=' .. q:qsize())
  local n = 0; while n < 8 and sm:acquire(false) do n = n + 1 end; print('sm=' .. n)
end)
