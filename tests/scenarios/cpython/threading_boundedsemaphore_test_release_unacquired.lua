-- CPython Lib/test/lock_tests.py: BoundedSemaphoreTests.test_release_unacquired.
scenario{ name = "threading BoundedSemaphoreTests.test_release_unacquired", expect = "clean" }
local sem = BoundedSemaphore()
local function raises() local ok, e = pcall(sem.release, sem) return not ok and e.type == "ValueError" end
check(raises())
sem:acquire()
sem:release()
check(raises())
