-- Readers-writers, the reader-preference form: writer starvation.
--
-- A readers-writer lock built on one Condition: acquire_read() waits only
-- while a writer holds the lock; acquire_write() waits until there is no
-- writer and no reader.  Readers share, writers are exclusive -- correct,
-- but unfair.
--
-- The bug: readers never wait for a WAITING writer, only for an active one.
-- Two readers whose reads overlap (reader2 starts half a second after
-- reader1, each reads for 1 s, then reads again) keep the reader count above
-- zero all the time, so the writer, which arrives at t = 0.25, never sees
-- readers == 0.  In a real system this is an unbounded wait; here the
-- writer gives up after `patience` seconds (wait_for with a timeout) and
-- the check "writer got the lock" fails: expect assertion.  It is not an
-- unlucky schedule: every interleaving starves the writer.
--
-- The fix (readers_writers_fair.lua): once a writer is waiting, new readers
-- wait behind it.
scenario{ name = "readers-writers (reader preference, writer starves)",
          expect = "assertion" }

local rounds = param("rounds", 4)        -- reads per reader
local patience = param("patience", 3)    -- seconds the writer waits

local cond = Condition(nil, "rw.cond")
local readers = shared("rw.readers", 0)
local writer = shared("rw.writer", false)
local data = shared("data", 0)

local function acquire_read()
  cond:with(function()
    while writer:get() do cond:wait() end
    readers:set(readers:get() + 1)
  end)
end
local function release_read()
  cond:with(function()
    readers:set(readers:get() - 1)
    if readers:get() == 0 then cond:notify_all() end
  end)
end
local function acquire_write(timeout)
  return cond:with(function()
    local ok = cond:wait_for(function() return not writer:get() and readers:get() == 0 end, timeout)
    if ok then writer:set(true) end
    return ok
  end)
end
local function release_write()
  cond:with(function()
    writer:set(false)
    cond:notify_all()
  end)
end

local function reader(start)
  sleep(start)
  for _ = 1, rounds do
    acquire_read()
    check(not writer:get(), "a reader is inside with the writer")
    local _ = data:get()
    sleep(1)                              -- read
    release_read()
  end
end

spawn("reader1", reader, 0)
spawn("reader2", reader, 0.5)
spawn("writer", function()
  sleep(0.25)
  local got = acquire_write(patience)
  check(got, "writer starved: no turn within %s s while readers kept overlapping (t=%s)",
        tostring(patience), tostring(now()))
  if got then
    data:set(data:get() + 1)
    sleep(0.5)
    release_write()
  end
end)
