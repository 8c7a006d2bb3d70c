-- CPython Lib/test/lock_tests.py: LockTests.test_different_thread.
scenario{ name = "threading LockTests.test_different_thread", expect = "clean" }
local lock = Lock()
lock:acquire()
spawn(function() lock:release() end):join()
lock:acquire()
lock:release()
