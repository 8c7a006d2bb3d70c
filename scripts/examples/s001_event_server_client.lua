-- From seeds/001_897fcf942ac2d54e.txt, 'threading.Event' (server / client).
--
-- Shows: the client blocks on ready_event.wait() until the server, after a
-- one-second startup, sets it.  The check says the client never proceeds
-- before "Server ready." -- whichever thread starts first.
scenario{ name = "seed001 Event server/client", expect = "clean" }

local ready_event = Event("ready_event")
local ready = shared("server_ready", false)

spawn("server", function()
  print("Server starting...")
  sleep(1)                                   -- simulate startup
  print("Server ready.")
  ready:set(true)
  ready_event:set()                          -- signal that the server is ready
end)

spawn("client", function()
  print("Client waiting for server...")
  ready_event:wait()                         -- blocks until the event is set
  check(ready:get(), "client proceeded before the server was ready")
  check(now() == 1, "client proceeded at t=%s, expected t=1", tostring(now()))
  print("Client proceeding.")
end)
