-- weak tables and finalizers, refused by every route; collectgarbage
local ok1 = pcall(setmetatable, {}, {__mode = "k"})
local ok2 = pcall(setmetatable, {}, {__gc = function() end})
local cache = {}
spawn(function()
  for i = 1, 100 do cache[i] = {i} end
  collectgarbage()
  collectgarbage("step")
  pcall(collectgarbage, "count")
  local mt = {}
  setmetatable(cache, mt)
  pcall(function() mt.__mode = "v" end)
  collectgarbage()
  check(not ok1 and not ok2 and #cache == 100, "weak: %d", #cache)
end)
