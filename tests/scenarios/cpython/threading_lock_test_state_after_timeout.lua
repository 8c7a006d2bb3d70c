-- CPython Lib/test/lock_tests.py: LockTests.test_state_after_timeout.
scenario{ name = "threading LockTests.test_state_after_timeout", expect = "clean" }
local lock = Lock()
lock:acquire()
check(not lock:acquire(true, 0.01))
lock:release()
check(not lock:locked())
check(lock:acquire(false))
