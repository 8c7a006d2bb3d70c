-- From seeds/000_6cbeb80c684375f0.txt, '5.4 BoundedSemaphore'.
--
-- Shows: a BoundedSemaphore(3) acquired once and released twice; the second
-- release would push its value above the initial 3, so it raises ValueError
-- ("ValueError! Only acquired once").  The error is not caught, as in the
-- tutorial, so it escapes the task: expect "error" (with ValueError in the
-- message).  A plain Semaphore would silently grow to 4 instead (see
-- s004_bounded_semaphore.lua).
scenario{ name = "seed000 async bounded semaphore", mode = "async", expect = "error" }

local sem = BoundedSemaphore(3, "sem")

spawn("main_task", function()
  sem:acquire()        -- await sem.acquire()
  sem:release()
  sem:release()        -- ValueError! Only acquired once
  check(false, "the second release() did not raise")
end)
