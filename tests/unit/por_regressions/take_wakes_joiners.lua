-- The last task_done() (the queue's count of unfinished tasks back at 0)
-- wakes T[1]'s join(), and main's put() after it does not undo that: the sleep
-- sets must not judge that take and that give as commuting (sync/count.h).
local x = shared('x', 0)
local y = shared('y', 0)
local function log(v) print(tostring(v)) end
local function op(f)
  local ok, e = pcall(f)
  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end
end
local q = Queue(0)
local T = {}
T[1] = spawn(function()
  op(function() y:set(11); q:put(11) end)
  op(function() x:set(12) end)
  op(function() q:join(); local v = y:get(); log(v) end)
end)
T[2] = spawn(function()
  op(function() x:add(1) end)
  op(function() q:task_done() end)
end)
  op(function() y:set(1); q:put(1) end)
finally(function()
  print('x=' .. tostring(x:get()) .. ' y=' .. tostring(y:get()) .. ' t=' .. now() .. ' q=' .. q:qsize())
end)
