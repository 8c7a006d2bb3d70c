scenario{ mode = 'async', order = 'any' }
local x = shared('x', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local lk = Lock()
local sm = Semaphore(1)
local T = {}
T[1] = spawn(function()
  op(function() local ok = lk:acquire(true, 1); log(ok); if ok then yield(); lk:release() end end)
  op(function() x:set(11) end)
end)
T[2] = spawn(function()
  op(function() local ok = lk:acquire(false); log(ok); if ok then yield(); x:set(21); lk:release() end end)
  op(function() x:set(22) end)
end)
T[3] = spawn(function()
  op(function() local ok = lk:acquire(false); log(ok); if ok then yield(); local v = x:get(); log(v); lk:release() end end)
  op(function() local ok = lk:acquire(true, 0.5); log(ok); if ok then yield(); x:set(31); lk:release() end end)
  op(function() sm:acquire(); x:set(32); sm:release() end)
  op(function() local v = x:get(); log(v) end)
  op(function() lk:acquire(); x:set(33); lk:release() end)
end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' t=' .. now() .. ' lk=' .. tostring(lk:locked()))
  local n = 0; while n < 5 and sm:acquire(false) do n = n + 1 end; print('sm=' .. n)
end)
