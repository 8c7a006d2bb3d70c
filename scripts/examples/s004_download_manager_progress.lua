-- From seeds/004_a4cab6d75b48e450.txt, '15. Complete Example: Download
-- Manager with Progress'.
--
-- Shows: a Semaphore limits concurrent downloads, a Lock guards the
-- progress / completed / failed bookkeeping, and the main thread polls
-- get_status() once a (virtual) second while any download thread is alive.
-- The checks say never more than max_concurrent downloads run at once,
-- every status snapshot is consistent (a completed file shows 100 %), and
-- at the end every file is completed.
--
-- Scaled down: 4 files x 10 progress steps of 0.2 s, 2 at a time ->
-- 3 files x 2 steps of 0.5 s, 2 at a time (params), so that dfs finishes.
scenario{ name = "seed004 download manager", expect = "clean" }

local nfiles = param("files", 3)
local nsteps = param("steps", 2)

local function DownloadManager(max_concurrent)
  local self = { semaphore = Semaphore(max_concurrent, "manager.semaphore"),
                 lock = Lock("manager.lock"),
                 completed = shared("manager.completed", 0),
                 failed = shared("manager.failed", 0),
                 progress = shared_table("manager.progress"),
                 active = shared("active_downloads", 0) }
  function self.download_file(file_id, url)
    self.semaphore:with(function()
      local ok, e = pcall(function()
        local a = self.active:add(1)
        check(a <= max_concurrent, "%d downloads at once, limit %d", a, max_concurrent)
        print("Starting download: " .. file_id)
        for i = 1, nsteps do
          sleep(0.5)
          self.lock:with(function() self.progress[file_id] = i * 100 // nsteps end)
        end
        self.lock:with(function()
          self.completed:set(self.completed:get() + 1)
          self.progress[file_id .. ".done"] = true
        end)
        self.active:add(-1)
        print("Completed: " .. file_id)
      end)
      if not ok then
        self.lock:with(function() self.failed:set(self.failed:get() + 1) end)
        print("Failed: " .. file_id .. " " .. tostring(e))
      end
    end)
  end
  function self.get_status()
    return self.lock:with(function()
      local progress = {}
      for i = 1, nfiles do
        local id = "File" .. i
        progress[id] = self.progress[id]
        if self.progress[id .. ".done"] then
          check(progress[id] == 100, "%s completed at %s%%", id, tostring(progress[id]))
        end
      end
      return { completed = self.completed:get(), failed = self.failed:get(), progress = progress }
    end)
  end
  return self
end

local manager = DownloadManager(2)
local threads = {}
for i = 1, nfiles do
  threads[i] = spawn("File" .. i, manager.download_file, "File" .. i, "http://example.com/file" .. i)
end

-- monitor progress
local function any_alive()
  for _, t in ipairs(threads) do if t:is_alive() then return true end end
  return false
end
while any_alive() do
  local status = manager.get_status()
  print(string.format("Status: completed %d, failed %d", status.completed, status.failed))
  sleep(1)
end
for _, t in ipairs(threads) do t:join() end

local final = manager.get_status()
print(string.format("Final status: completed %d, failed %d", final.completed, final.failed))
check(final.completed == nfiles and final.failed == 0, "final status: completed %d, failed %d",
      final.completed, final.failed)
