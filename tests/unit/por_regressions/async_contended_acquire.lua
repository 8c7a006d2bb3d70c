scenario{ mode = 'async', order = 'any' }
local x = shared('x', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local rl = RLock()
local cv = Condition()
local T = {}
T[1] = spawn(function()
  op(function() local v = x:add(1); log(v) end)
  op(function() local ok = rl:acquire(true, 0.5); log(ok); if ok then yield(); rl:release() end end)
  op(function() local ok = rl:acquire(true, 1); log(ok); if ok then yield(); local v = x:add(1); log(v); rl:release() end end)
  op(function() local ok = rl:acquire(false); log(ok); if ok then yield(); x:set(11); rl:release() end end)
end)
T[2] = spawn(function()
  op(function() rl:acquire(); local v = x:get(); log(v); rl:release() end)
  op(function() local v = x:add(1); log(v) end)
  op(function() x:set(21) end)
end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' t=' .. now() .. ' rl=' .. tostring(rl:locked()))
end)
