-- Readers-writers, the fair form: waiting writers block new readers.
--
-- Same readers and writer as readers_writers_starvation.lua, but the lock
-- counts waiting writers, and acquire_read() waits while a writer is active
-- OR waiting.  When the writer arrives at t = 0.25, reader1's next read (at
-- t = 1) waits; reader2 finishes its read at t = 1.5, the reader count drops
-- to zero and the writer gets in, well within its patience.  After the
-- write the readers go on.  The checks say that the writer gets the lock,
-- that no reader overlaps it, and that every read happens.  Clean.
--
-- (With several writers, this form can starve readers instead; a strictly
-- fair lock serves waiters in arrival order.)
scenario{ name = "readers-writers (writers first, fair to the writer)", expect = "clean" }

local rounds = param("rounds", 4)
local patience = param("patience", 3)

local cond = Condition(nil, "rw.cond")
local readers = shared("rw.readers", 0)
local writer = shared("rw.writer", false)
local waiting_writers = shared("rw.waiting_writers", 0)
local data = shared("data", 0)
local reads = shared("reads", 0)

local function acquire_read()
  cond:with(function()
    while writer:get() or waiting_writers:get() > 0 do cond:wait() end
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
    waiting_writers:set(waiting_writers:get() + 1)
    local ok = cond:wait_for(function() return not writer:get() and readers:get() == 0 end, timeout)
    waiting_writers:set(waiting_writers:get() - 1)
    if ok then writer:set(true) else cond:notify_all() end
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
    reads:add(1)
    sleep(1)
    release_read()
  end
end

spawn("reader1", reader, 0)
spawn("reader2", reader, 0.5)
spawn("writer", function()
  sleep(0.25)
  local got = acquire_write(patience)
  check(got, "writer starved (t=%s)", tostring(now()))
  if got then
    check(readers:get() == 0, "the writer is inside with %d readers", readers:get())
    data:set(data:get() + 1)
    sleep(0.5)
    release_write()
  end
end)
finally(function()
  check(reads:get() == 2 * rounds, "%d reads, expected %d", reads:get(), 2 * rounds)
  check(data:get() == 1, "the write did not happen")
end)
