-- From seeds/004_a4cab6d75b48e450.txt, '5. Semaphore (Limited Resources)'
-- (ConnectionPool with Semaphore(max_connections)).
--
-- Shows: get_connection() takes a semaphore slot and appends to the list of
-- open connections; release_connection() removes it and gives the slot
-- back.  The checks say that never more than max_connections are open.
--
-- Note: the tutorial's self.connections list is touched by several threads
-- without a lock.  In CPython, list.append/remove are atomic under the GIL,
-- so that is safe there; here each append/remove is one atomic step
-- (an atomic counter), which models exactly that -- a plain read-then-write
-- of a shared count would lose updates.
--
-- Scaled down: pool of 3 with 5 clients -> pool of 2 with 3 clients.
scenario{ name = "seed004 ConnectionPool", expect = "clean" }

local max_connections = param("max", 2)
local nclients = param("clients", 3)

local function ConnectionPool(max)
  local self = { semaphore = Semaphore(max, "pool.semaphore"),
                 open = shared("pool.connections", 0, { atomic = true }) }
  function self.get_connection(client_id)
    self.semaphore:acquire()
    local connection = "Connection-" .. client_id
    local n = self.open:add(1)                      -- self.connections.append
    check(n <= max, "%d connections open, pool of %d", n, max)
    print(client_id .. " acquired " .. connection)
    return connection
  end
  function self.release_connection(connection, client_id)
    self.open:add(-1)                               -- self.connections.remove
    print(client_id .. " released " .. connection)
    self.semaphore:release()
  end
  return self
end

local pool = ConnectionPool(max_connections)

local function use_connection(client_id)
  local conn = pool.get_connection(client_id)
  sleep(2)                                          -- simulate work
  pool.release_connection(conn, client_id)
end

local threads = {}
for i = 0, nclients - 1 do
  threads[#threads + 1] = spawn("Client-" .. i, use_connection, "Client-" .. i)
end
for _, t in ipairs(threads) do t:join() end
check(pool.open:get() == 0, "%d connections left open", pool.open:get())
