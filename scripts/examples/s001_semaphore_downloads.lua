-- From seeds/001_897fcf942ac2d54e.txt, 'threading.Semaphore'
-- (download_semaphore, download(url)).
--
-- Shows: "At most 3 downloads run simultaneously": the check says that
-- never more than k threads are inside the semaphore, and (virtual time)
-- that the downloads finish in waves of k, at t = ceil(n / k).
--
-- Scaled down: Semaphore(3) with 10 threads -> Semaphore(2) with 3 threads
-- (params k, n), so that exhaustive exploration finishes.
scenario{ name = "seed001 Semaphore downloads", expect = "clean" }

local k = param("k", 2)
local n = param("n", 3)
local download_semaphore = Semaphore(k, "download_semaphore")
local active = shared("active_downloads", 0)

local function download(url)
  download_semaphore:with(function()
    local a = active:add(1)
    check(a <= k, "%d downloads at once, limit %d", a, k)
    print("Downloading " .. url)
    sleep(1)                                  -- simulate download
    print("Finished " .. url)
    active:add(-1)
  end)
end

local threads = {}
for i = 0, n - 1 do
  threads[#threads + 1] = spawn("download" .. i, download, string.format("file_%d.dat", i))
end
for _, t in ipairs(threads) do t:join() end
check(now() == math.ceil(n / k), "all done at t=%s, expected %d", tostring(now()), math.ceil(n / k))
