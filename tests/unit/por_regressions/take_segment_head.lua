-- A Semaphore(3): T[4] takes two permits, T[3] and T[1] one each, and the
-- acquire that had to wait for a release begins a segment of the count
-- whose free acquires and releases were once taken to commute with it
-- (they followed only what it followed): the outcome where T[4]'s y:set(41)
-- comes before T[1]'s y:get() after q:join() was missed (counts generator,
-- seed 24, program 280).  They stay ordered after it (sync/count.h).
local x = shared('x', 0)
local y = shared('y', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local sm = Semaphore(3)
local q = Queue(0)
local T = {}
T[1] = spawn(function()
  op(function() q:join(); local v = y:get(); log(v) end)
  op(function() sm:acquire(); x:set(11); sm:release() end)
  op(function() sm:acquire(); sm:release() end)
end)
T[2] = spawn(function()
  op(function() local v = q:get_nowait(); log(v) end)
end)
T[3] = spawn(function()
  op(function() sm:acquire(); local v = x:add(1); log(v); sm:release() end)
  op(function() sm:with(function() yield() end); x:set(31) end)
end)
T[4] = spawn(function()
  op(function() sm:acquire(); sm:acquire(); y:set(41); sm:release(); sm:release() end)
end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' y=' .. tostring(y:get()) .. ' t=' .. now() .. ' q=' .. q:qsize())
  local n = 0; while n < 8 and sm:acquire(false) do n = n + 1 end; print('sm=' .. n)
end)
