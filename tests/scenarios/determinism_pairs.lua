-- pairs() over string keys must not depend on Lua's per-process string hash
-- seed: racesim iterates in sorted order.  The order is written into a shared
-- variable, so two processes replaying the same seed must agree.
scenario{ name = "pairs order is deterministic", expect = "clean" }
local order = shared("order", "")
local t = { zebra = 1, apple = 2, mango = 3, kiwi = 4, [10] = 5, [2] = 6, [true] = 7 }
spawn("walker", function()
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  order:set(table.concat(ks, ","))
  check(order:get() == "true,2,10,apple,kiwi,mango,zebra", "order %s", order:get())
  local n = 0
  local k = next(t)
  while k ~= nil do n = n + 1; k = next(t, k) end
  check(n == 7, "next() visited %d keys", n)
end)
