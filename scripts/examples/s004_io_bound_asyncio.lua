-- From seeds/004_a4cab6d75b48e450.txt, '14. Threading vs Multiprocessing vs
-- Asyncio' (test_asyncio: gather of 10 io_bound_async() coroutines, each a
-- 1 s asyncio.sleep).
--
-- Shows: "Asyncio I/O: ~1s": the sleeps overlap on one event loop; the
-- check says the gather is done at exactly t = 1 (virtual time).
--
-- Scaled down: 10 coroutines -> 3 (param n).
scenario{ name = "seed004 I/O-bound asyncio", mode = "async", expect = "clean" }

local n = param("n", 3)
local function io_bound_async()
  sleep(1)
  return "Done"
end

local start = now()
local tasks = {}
for i = 1, n do tasks[i] = spawn("io" .. i, io_bound_async) end
for _, t in ipairs(tasks) do t:join() end
print(string.format("Asyncio I/O: %.2fs", now() - start))
check(now() - start == 1, "Asyncio I/O took %s s, expected 1", tostring(now() - start))
