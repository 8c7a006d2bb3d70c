scenario{name="spin"}
local x = shared("x", 0)
for k = 1, 2 do
  spawn(function()
    while true do
      local s = 0
      for i = 1, 3000000 do s = s + i end
      x:add(1)
    end
  end)
end
