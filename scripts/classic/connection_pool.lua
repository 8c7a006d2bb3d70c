-- Connection pool on a Semaphore: the correct form.
--
-- A pool of `size` connections: a BoundedSemaphore(size) counts the free
-- ones, and a Lock guards the list of idle connections.  get() acquires a
-- slot, then pops an idle connection; put() pushes it back, then releases
-- the slot.  Each client releases exactly once, in a `finally` (pcall), even
-- when its query fails.  The checks: never more than `size` connections in
-- use, never the same connection handed to two clients, and all
-- connections idle at the end.  Clean.
--
-- The buggy form (connection_pool_over_release.lua) releases twice on the
-- error path.
scenario{ name = "connection pool (semaphore)", expect = "clean" }

local size = param("size", 2)
local nclients = param("clients", 3)

local slots = BoundedSemaphore(size, "pool.slots")
local lock = Lock("pool.lock")
local idle = shared_table("pool.idle")          -- a stack of idle connections
local owner = shared_table("pool.owner")        -- connection -> client using it
idle.n = size
for i = 1, size do idle[i] = "conn" .. i end
local in_use = shared("pool.in_use", 0)

local function get(client)
  slots:acquire()
  return lock:with(function()
    local conn = idle[idle.n]
    check(conn ~= nil, "%s got a slot but no idle connection", client)
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
    owner[conn] = nil
    idle.n = idle.n + 1
    idle[idle.n] = conn
    in_use:set(in_use:get() - 1)
  end)
  slots:release()
end

for c = 1, nclients do
  spawn("client" .. c, function()
    local conn = get("client" .. c)
    local ok, err = pcall(function()
      yield()                                    -- run a query
      if c == 1 then error({ type = "RuntimeError", message = "query failed" }) end
    end)
    put(conn)                                    -- finally: release exactly once
    if not ok then print("client" .. c .. ": " .. err.message) end
  end)
end
finally(function()
  check(idle.n == size and in_use:get() == 0, "%d idle, %d in use at the end", idle.n, in_use:get())
end)
