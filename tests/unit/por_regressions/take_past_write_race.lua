local x = shared('x', 0)
local y = shared('y', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local sm = BoundedSemaphore(1)
local T = {}
T[1] = spawn(function()
  op(function() sm:acquire(); x:set(11); sm:release() end)
end)
T[2] = spawn(function()
  op(function() sleep(0.5) end)
end)
T[3] = spawn(function()
  op(function() local ok = sm:acquire(true, 0.5); log(ok); if ok then; sm:release() end end)
  op(function() local v = x:get(); log(v) end)
  op(function() sm:with(function() yield() end); local v = x:add(1); log(v) end)
end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' y=' .. tostring(y:get()) .. ' t=' .. now())
  local n = 0; while n < 8 and sm:acquire(false) do n = n + 1 end; print('sm=' .. n)
end)
