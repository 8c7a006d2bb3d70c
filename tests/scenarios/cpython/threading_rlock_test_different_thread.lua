-- CPython Lib/test/lock_tests.py: RLockTests.test_different_thread.
scenario{ name = "threading RLockTests.test_different_thread", expect = "clean" }
local lock = RLock()
local taken, done = Event(), Event()
local t = spawn(function() lock:acquire() taken:set() done:wait() lock:release() end)
taken:wait()
local ok, e = pcall(lock.release, lock)
check(not ok and e.type == "RuntimeError", "only its owner releases an RLock")
done:set()
t:join()
