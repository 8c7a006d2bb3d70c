local x = shared('x', 0)
local y = shared('y', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local sm = BoundedSemaphore(2)
local T = {}
T[1] = spawn(function()
  op(function() local v = x:get(); log(v) end)
  op(function() x:add(1) end)
  op(function() sm:acquire(); sm:acquire(); local v = x:add(1); log(v); sm:release(); sm:release() end)
  op(function() local v = now(); log(v) end)
end)
T[2] = spawn(function()
  op(function() sm:acquire(); local v = x:add(1); log(v); sm:release() end)
  op(function() sm:acquire(); y:set(21) end)
end)
  op(function() ; x:set(1); sm:release() end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' y=' .. tostring(y:get()) .. ' t=' .. now())
  local n = 0; while n < 8 and sm:acquire(false) do n = n + 1 end; print('sm=' .. n)
end)
