-- CPython Lib/test/lock_tests.py: RLockTests.test_release_unacquired.
scenario{ name = "threading RLockTests.test_release_unacquired", expect = "clean" }
local lock = RLock()
local function raises() local ok, e = pcall(lock.release, lock) return not ok and e.type == "RuntimeError" end
check(raises())
lock:acquire() lock:acquire() lock:release()
lock:acquire() lock:release() lock:release()
check(raises())
