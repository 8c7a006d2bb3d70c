-- loops inside callbacks that cannot yield, catching every error
local obj = setmetatable({}, {__tostring = function()
  local n = 0
  while n < 50 do pcall(function() n = n + 1 end) end
  return "obj"
end, __index = function(_, k) return k end})
spawn("sorter", function()
  local t = {5, 3, 1, 4, 2}
  table.sort(t, function(a, b)
    pcall(function() for i = 1, 100 do local _ = i end end)
    return a < b
  end)
  local s = ("abcabc"):gsub("b", function(c) xpcall(error, function(e) return e end, c) return "B" end)
  check(s == "aBcaBc", "gsub %s", s)
end)
spawn("printer", function()
  local s = string.format("%s %s", obj, obj.key)
  xpcall(function() error(obj) end, function(e) return tostring(e) end)
  finally(function() pcall(tostring, obj) end)
  check(s == "obj key", "format %s", s)
end)
