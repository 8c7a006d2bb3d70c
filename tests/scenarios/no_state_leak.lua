-- Every run starts from the same state: globals, upvalues of the chunk and
-- math.random are fresh, and library tables cannot be changed.
scenario{ name = "no state leaks between runs", expect = "clean" }
check(rawget(_G, "mark") == nil, "a global leaked from an earlier run")
mark = true
local ok = pcall(function() string.leak = true end)
check(not ok and string.leak == nil, "string library changed")
ok = pcall(rawset, math, "leak", true)
check(not ok and math.leak == nil, "math library changed")
local first = math.random(1000000)
local seen = shared("seen", first)
spawn(function() seen:set(seen:get() + 1) end)
