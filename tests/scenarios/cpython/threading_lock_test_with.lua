-- CPython Lib/test/lock_tests.py: LockTests (BaseLockTests).test_with
-- (`with lock:` is lock:with(fn); an error raised inside releases it).
scenario{ name = "threading LockTests.test_with", expect = "clean" }
local lock = Lock()
local function f() lock:acquire() lock:release() end
local function _with(err)
  lock:with(function() if err then error(err) end end)
end
_with()
spawn(f):join() -- the lock is free
local ok, e = pcall(_with, { type = "TypeError", message = "" })
check(not ok and e.type == "TypeError", "the error passes through")
spawn(f):join() -- and the lock is free again
