-- Connection pool on a BoundedSemaphore: releasing twice on the error path.
--
-- Same pool as connection_pool.lua, but the client's error handler gives
-- the connection back (`except: pool.put(conn); raise`) and so does its
-- `finally` -- the failing client releases its slot twice.
--
-- With a pool of 1 and 3 clients, racesim finds two symptoms:
--   * the BoundedSemaphore refuses to go above its initial value: the
--     release that would do so raises ValueError ("Semaphore released too
--     many times"), which escapes a client: "error".  This happens in every
--     interleaving -- at the latest when the last connection comes back;
--   * before that, while another client holds the slot, the extra release
--     is silently accepted (the value is still <= size), and the pool admits
--     one client too many: client3 gets a slot but there is no idle
--     connection for it: "assertion".  One interleaving:
--       client1 gets the slot; client1's error path puts it back;
--       client2 gets the slot; client1's finally releases again (value 1);
--       client3 gets a slot -- none of the 1 connections is idle.
-- A plain Semaphore would never raise; only the silent over-admission would
-- remain.  Expect error and assertion.
--
-- The fix (connection_pool.lua): release in exactly one place, `finally`.
scenario{ name = "connection pool (double release)", expect = { "error", "assertion" } }

local size = param("size", 1)
local nclients = param("clients", 3)

local slots = BoundedSemaphore(size, "pool.slots")
local lock = Lock("pool.lock")
local idle = shared_table("pool.idle")
local owner = shared_table("pool.owner")
idle.n = size
for i = 1, size do idle[i] = "conn" .. i end
local in_use = shared("pool.in_use", 0)

local function get(client)
  slots:acquire()
  return lock:with(function()
    local conn = idle[idle.n]
    check(conn ~= nil, "%s got a slot but no idle connection", client)
    if conn == nil then return nil end
    idle[idle.n] = nil
    idle.n = idle.n - 1
    check(owner[conn] == nil, "%s got %s, already used by %s", client, tostring(conn), tostring(owner[conn]))
    owner[conn] = client
    in_use:set(in_use:get() + 1)
    check(in_use:get() <= size, "%d connections in use, pool of %d", in_use:get(), size)
    return conn
  end)
end

local function put(conn)
  lock:with(function()
    if conn ~= nil and owner[conn] ~= nil then   -- the list part is idempotent ...
      owner[conn] = nil
      idle.n = idle.n + 1
      idle[idle.n] = conn
      in_use:set(in_use:get() - 1)
    end
  end)
  slots:release()                                -- ... the semaphore is not
end

for c = 1, nclients do
  spawn("client" .. c, function()
    local conn = get("client" .. c)
    local ok = pcall(function()
      yield()                                    -- run a query
      if c == 1 then
        put(conn)                                -- except: release ...
        error({ type = "RuntimeError", message = "query failed" })   -- ... and re-raise
      end
    end)
    put(conn)                                    -- finally: release again
  end)
end
