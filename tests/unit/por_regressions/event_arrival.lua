local x = shared('x', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local ev = Event()
local T = {}
T[1] = spawn(function()
  op(function() ev:set() end)
  op(function() local v = x:add(1); log(v) end)
  op(function() ev:clear() end)
  op(function() local v = x:get(); log(v) end)
end)
T[2] = spawn(function()
  op(function() ev:clear() end)
  op(function() local r = ev:wait(); log(r) end)
  op(function() local v = x:add(1); log(v) end)
end)
  op(function() local r = ev:wait(); log(r) end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' t=' .. now() .. ' ev=' .. tostring(ev:is_set()))
end)
