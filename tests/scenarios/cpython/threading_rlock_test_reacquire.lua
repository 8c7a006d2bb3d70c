-- CPython Lib/test/lock_tests.py: RLockTests.test_reacquire.
scenario{ name = "threading RLockTests.test_reacquire", expect = "clean" }
local lock = RLock()
lock:acquire() lock:acquire() lock:release()
lock:acquire() lock:release() lock:release()
