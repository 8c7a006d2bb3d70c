-- From seeds/004_a4cab6d75b48e450.txt, '2. Threading with Return Values'
-- (ThreadWithReturnValue; the ThreadPoolExecutor half of the section is left
-- out, racesim does not model executors or futures).
--
-- Shows: a Thread subclass whose run() stores the target's result and whose
-- join() returns it.  The result is stored by one thread and read by
-- another; join() orders the two, so the reader always sees 25.
scenario{ name = "seed004 thread return value", expect = "clean" }

local function ThreadWithReturnValue(target, ...)
  local args = table.pack(...)
  local self = { _return = shared("thread._return", nil) }
  function self.start()
    self._thread = spawn("ThreadWithReturnValue", function()
      self._return:set(target(table.unpack(args, 1, args.n)))
    end)
  end
  function self.join(timeout)
    self._thread:join(timeout)
    return self._return:get()
  end
  return self
end

local function calculate_square(n)
  sleep(1)
  return n * n
end

local thread = ThreadWithReturnValue(calculate_square, 5)
thread.start()
local result = thread.join()
print("Result: " .. tostring(result))
check(result == 25, "Result: %s, expected 25", tostring(result))
