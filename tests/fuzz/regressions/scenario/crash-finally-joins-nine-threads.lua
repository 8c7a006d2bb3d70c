-- asyncio semantics: an await between the read and the write expect = ost_update" }
local value = shared("value", 0)
for i = 2, 8 do
  spawn(function()
    local tmp = value:get()
    sleep(0.01)
    value:set(tmp + 1)
  end)
end
finally(function()-- asyncio semantics: an await between the read and the write expect = ost_update" }
local value = shared("value", 0)
for i = 2, 8 do
  spawn(function()
    local tmp = value:get()
    sleep(0.01)
    value:set(tmp + 1)
  end)
end
finally(function() check(value:get() == 3, "value %d", value:get()) end)
 check(value:get() == 3, "value %d", value:get()) end)
