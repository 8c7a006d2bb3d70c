-- From seeds/000_6cbeb80c684375f0.txt, '8.2 Reader-Writer Lock'
-- (ReadWriteLock on one asyncio.Condition).
--
-- Shows: readers share the lock, a writer has it alone.  The tutorial gives
-- the class only; here two readers and one writer use it, each holding it
-- across an await, and the checks say that a writer never overlaps a reader
-- or another writer.  This lock prefers readers: a steady stream of readers
-- can starve the writer (see scripts/classic/readers_writers_starvation.lua);
-- with a finite number of readers the writer always gets in, so this is
-- clean.
scenario{ name = "seed000 async rwlock", mode = "async", expect = "clean" }

local function ReadWriteLock()
  local self = {
    readers = shared("rw.readers", 0),
    writer = shared("rw.writer", false),
    condition = Condition(nil, "rw.condition"),
  }
  function self.acquire_read()
    self.condition:with(function()
      while self.writer:get() do self.condition:wait() end
      self.readers:set(self.readers:get() + 1)
    end)
  end
  function self.release_read()
    self.condition:with(function()
      self.readers:set(self.readers:get() - 1)
      if self.readers:get() == 0 then self.condition:notify_all() end
    end)
  end
  function self.acquire_write()
    self.condition:with(function()
      while self.writer:get() or self.readers:get() > 0 do self.condition:wait() end
      self.writer:set(true)
    end)
  end
  function self.release_write()
    self.condition:with(function()
      self.writer:set(false)
      self.condition:notify_all()
    end)
  end
  return self
end

local rw = ReadWriteLock()
local reading = shared("reading", 0)
local writing = shared("writing", 0)
local value = shared("value", 0)

local function reader(name)
  rw.acquire_read()
  reading:add(1)
  check(writing:get() == 0, "%s reads while a writer writes", name)
  local v = value:get()
  sleep(0.1)
  check(value:get() == v, "%s saw the value change under a read lock", name)
  reading:add(-1)
  rw.release_read()
end

local function writer(name)
  rw.acquire_write()
  local w = writing:add(1)
  check(w == 1 and reading:get() == 0, "%s writes with %d writers and %d readers", name, w, reading:get())
  value:set(value:get() + 1)
  sleep(0.1)
  writing:add(-1)
  rw.release_write()
end

local tasks = { spawn("reader1", reader, "reader1"), spawn("writer", writer, "writer"),
                spawn("reader2", reader, "reader2") }
for _, t in ipairs(tasks) do t:join() end
check(value:get() == 1, "value = %d after one write", value:get())
