-- From seeds/004_a4cab6d75b48e450.txt, '14. Threading vs Multiprocessing vs
-- Asyncio' (test_threading: 10 threads each running io_bound(), a 1 s
-- sleep).  The multiprocessing half (test_multiprocessing, Pool.map) is
-- left out: racesim does not model processes.
--
-- Shows: "Threading I/O: ~1s": threads that wait on I/O overlap, so n
-- one-second waits take one second in total.  With virtual time the answer
-- is exact: the check says all threads are done at t = 1.
--
-- Scaled down: 10 threads -> 3 (param n).
scenario{ name = "seed004 I/O-bound threads", expect = "clean" }

local n = param("n", 3)
local function io_bound()
  sleep(1)
  return "Done"
end

local start = now()
local threads = {}
for i = 1, n do threads[i] = spawn("io" .. i, io_bound) end
for _, t in ipairs(threads) do t:join() end
print(string.format("Threading I/O: %.2fs", now() - start))
check(now() - start == 1, "Threading I/O took %s s, expected 1", tostring(now() - start))
