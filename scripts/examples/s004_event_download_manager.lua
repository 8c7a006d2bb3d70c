-- From seeds/004_a4cab6d75b48e450.txt, '7. Event (Thread Signaling)'
-- (DownloadManager: download() sets self.data then download_complete;
-- process_data() waits for it).
--
-- Shows: the Event orders the write of self.data (before set()) before the
-- read (after wait()), so process_data always sees "Data from <url>",
-- although the processing thread is started first.
scenario{ name = "seed004 Event download manager", expect = "clean" }

local function DownloadManager()
  local self = { download_complete = Event("download_complete"), data = shared("manager.data", nil) }
  function self.download(url)
    print("Downloading from " .. url .. "...")
    sleep(3)                                     -- simulate download
    self.data:set("Data from " .. url)
    print("Download complete!")
    self.download_complete:set()
  end
  function self.process_data()
    print("Waiting for download to complete...")
    self.download_complete:wait()                -- wait for the download
    local d = self.data:get()
    check(d == "Data from http://example.com", "Processing: %s", tostring(d))
    print("Processing: " .. tostring(d))
  end
  return self
end

local manager = DownloadManager()
local download_thread = spawn("download", manager.download, "http://example.com")
local process_thread = spawn("process", manager.process_data)
download_thread:join()
process_thread:join()
