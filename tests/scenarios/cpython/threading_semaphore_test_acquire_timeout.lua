-- CPython Lib/test/lock_tests.py: SemaphoreTests (BaseSemaphoreTests).test_acquire_timeout.
scenario{ name = "threading SemaphoreTests.test_acquire_timeout", expect = "clean" }
local sem = Semaphore(2)
local ok, e = pcall(sem.acquire, sem, false, 1.0)
check(not ok and e.type == "ValueError")
check(sem:acquire(true, 0.005) and sem:acquire(true, 0.005))
check(not sem:acquire(true, 0.005))
sem:release()
check(sem:acquire(true, 0.005))
local t = now()
check(not sem:acquire(true, 0.5))
check(now() - t == 0.5)
