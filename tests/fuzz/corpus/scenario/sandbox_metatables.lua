-- routes by which a metatable in use could get __mode or __gc
local mt = {}
local t = setmetatable({}, mt)
local Base = {}
Base.__index = Base
local Derived = setmetatable({}, {__index = Base})
Derived.__index = Derived
local d = setmetatable({}, Derived)
spawn("a", function()
  pcall(function() mt.__mode = "k" end)
  pcall(rawset, mt, "__gc", print)
  pcall(load("__mode = 'v'", "=c", "t", mt))
  pcall(setmetatable, mt, nil)
  pcall(function() mt.__mode = "kv" end)
  local own = {}
  pcall(setmetatable, Derived, own)
  rawset(own, "__newindex", nil)
  pcall(function() Derived.__mode = "k" end)
  yield()
  check(getmetatable(mt) == nil, "guard seen")
end)
spawn("b", function()
  pcall(function() getmetatable("").__index = {} end)
  local e = select(2, pcall(function() Queue():get_nowait() end))
  pcall(setmetatable, e, {})
  pcall(function() getmetatable(e).__index = print end)
  t[1] = d
end)
