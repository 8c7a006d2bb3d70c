-- SCTBench stringbuffer-jdk1.4 (after the description of the atomicity
-- violation in java.lang.StringBuffer.append(StringBuffer) of JDK 1.4, as
-- in the concurrency-bug collections the suite draws on; our own port).
--
-- append(sb) holds this buffer's lock, asks sb for its length (a
-- synchronized call: sb's lock, then released), and then copies that many
-- characters out of sb (synchronized again).  The bug: sb's lock is let go
-- between the two calls, so a thread that empties sb in between makes the
-- copy ask for characters sb no longer has (IndexOutOfBounds in Java, a
-- failed check here).  The main thread empties sb after starting the
-- appender: two preemptions, one to let the appender go first, one in its
-- window.
scenario{ name = "stringbuffer-jdk1.4", expect = { "assertion" } }

local function new_buffer(name, text)
  return { lock = Lock(name .. ".lock"), count = shared(name .. ".count", #text) }
end

local function length(sb) return sb.lock:with(function() return sb.count:get() end) end

local function get_chars(sb, n)
  sb.lock:with(function()
    check(n <= sb.count:get(), "getChars of %d characters from a buffer of %d", n,
          sb.count:get())
  end)
end

local function append(to, sb)
  to.lock:with(function()
    local n = length(sb) -- (sb's lock is released here ...)
    get_chars(sb, n)     -- (... and taken again)
    to.count:set(to.count:get() + n)
  end)
end

local buffer = new_buffer("buffer", "abc")
local other = new_buffer("other", "xyz")
spawn("appender", function() append(buffer, other) end)
other.lock:with(function() other.count:set(0) end) -- main: other.setLength(0)
