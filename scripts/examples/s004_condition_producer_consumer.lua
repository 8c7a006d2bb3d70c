-- From seeds/004_a4cab6d75b48e450.txt, '8. Condition Variable (Advanced
-- Synchronization)' (ProducerConsumer with one Condition and notify()).
--
-- Shows: a bounded deque guarded by one Condition; produce() waits while it
-- is full, consume() while it is empty, and each calls notify() after
-- changing it.  With ONE producer and ONE consumer, as in the tutorial, the
-- single notify() always wakes the right thread (the only other one), and
-- every interleaving completes: clean.  With two producers and two
-- consumers the same code loses wake-ups and hangs: see
-- scripts/classic/bounded_buffer_notify.lua.
--
-- Scaled down: 10 items and max_size 5 -> 3 items and max_size 1 (params),
-- which forces the full/empty waits; the producer's 0.5 s and the
-- consumer's 1 s sleeps are kept.
scenario{ name = "seed004 Condition producer/consumer", expect = "clean" }

local nitems = param("items", 3)
local max_size = param("max_size", 1)

local function ProducerConsumer()
  local self = { q = shared_table("pc.queue"), condition = Condition(nil, "pc.condition") }
  self.q.head, self.q.tail = 1, 1
  local function len() return self.q.tail - self.q.head end
  function self.produce(item)
    self.condition:with(function()
      while len() >= max_size do
        print("Queue full, producer waiting...")
        self.condition:wait()
      end
      self.q[self.q.tail] = item
      self.q.tail = self.q.tail + 1
      print(string.format("Produced: %s, Queue size: %d", item, len()))
      self.condition:notify()                   -- notify consumers
    end)
  end
  function self.consume()
    return self.condition:with(function()
      while len() == 0 do
        print("Queue empty, consumer waiting...")
        self.condition:wait()
      end
      local item = self.q[self.q.head]
      self.q.head = self.q.head + 1
      print(string.format("Consumed: %s, Queue size: %d", item, len()))
      self.condition:notify()                   -- notify producers
      return item
    end)
  end
  return self
end

local pc = ProducerConsumer()
local prod_thread = spawn("producer", function()
  for i = 0, nitems - 1 do
    pc.produce("Item-" .. i)
    sleep(0.5)
  end
end)
local cons_thread = spawn("consumer", function()
  for i = 0, nitems - 1 do
    local item = pc.consume()
    check(item == "Item-" .. i, "consumed %s, expected Item-%d", tostring(item), i)
    sleep(1)
  end
end)
prod_thread:join()
cons_thread:join()
