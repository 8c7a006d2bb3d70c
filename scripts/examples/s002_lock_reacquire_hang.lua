-- From seeds/002_cd1eb18bce1600fd.txt, '1. Lock vs. RLock' (the first
-- example, with the commented-out second lock.acquire() put back).
--
-- Shows: "This next line will cause the program to hang": a thread that
-- holds a threading.Lock and acquires it again waits for itself forever.
-- racesim reports a deadlock (self-deadlock on a non-reentrant Lock), and
-- "This will never be printed." is never printed.
scenario{ name = "seed002 Lock acquired twice", expect = "deadlock" }

local lock = Lock("lock")
print("Acquiring lock for the first time...")
lock:acquire()
print("Acquired.")
print("Acquiring lock for the second time...")
lock:acquire()                       -- hangs: the lock is not re-entrant
print("This will never be printed.")
check(false, "the second acquire() returned")
