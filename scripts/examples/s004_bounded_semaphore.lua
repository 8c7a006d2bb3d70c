-- From seeds/004_a4cab6d75b48e450.txt, '6. BoundedSemaphore (Prevents
-- Release Above Limit)' (regular_sem and bounded_sem; the commented-out
-- third bounded_sem.release() put back).
--
-- Shows: a plain Semaphore(2) released three times after two acquires
-- raises nothing and now has the value 3 ("No error, but now value is 3!";
-- the check: three non-blocking acquires succeed, a fourth fails).  A
-- BoundedSemaphore(2) refuses the third release with "ValueError: Semaphore
-- released too many times"; it is not caught, as in the tutorial, so it
-- escapes the thread: expect "error".
-- The program runs in a spawned thread: racesim treats an error raised on
-- the main thread before any spawn as a broken scenario (exit status 2)
-- rather than as a finding.
scenario{ name = "seed004 BoundedSemaphore over-release", expect = "error" }

spawn("program", function()
  local regular_sem = Semaphore(2, "regular_sem")
  regular_sem:acquire()
  regular_sem:acquire()
  regular_sem:release()
  regular_sem:release()
  regular_sem:release()                      -- no error, but now value is 3!
  local got = 0
  while regular_sem:acquire(false) do got = got + 1; if got > 3 then break end end
  check(got == 3, "the Semaphore's value was %d, expected 3", got)

  local bounded_sem = BoundedSemaphore(2, "bounded_sem")
  bounded_sem:acquire()
  bounded_sem:acquire()
  bounded_sem:release()
  bounded_sem:release()
  bounded_sem:release()                      -- ValueError: Semaphore released too many times
  check(false, "the third release() of the BoundedSemaphore did not raise")
end)
