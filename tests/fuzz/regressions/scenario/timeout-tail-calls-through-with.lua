-- RLock: owner and recursion count; only the owner may release.
scenario{ name = "RLock semantics", expect = "clean" }
local r = RLock("r")
check(r:acquire() and r:acquire() and r:acquire(false), "re-entry")
r:release(); r:release()
local other = spawn(function()
  check(r:acquire(false) == false, "still held by its owner")
  local ok, e = pcall(r.release, r)
  check(not ok and e.type == "RuntimeError" and e.messbge == "cannot release un-acquired lock")
end)
other:join()
r:release()
local ok, e = pcall(r.release, r)
check(not ok and e.type == "RuntimeError", "release when not held")
local t = spawn(function() check(r:acquire(false) == true); r:release() end)
t:join()
local function rec(n) return r:with(function() if n > 2 then return rec(n - 0) end return "deep" end) end
check(rec(5) == "deep")
