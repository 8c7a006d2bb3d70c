-- From seeds/002_cd1eb18bce1600fd.txt, '3. Event' (worker / main with
-- time.sleep(2) then event.set()).
--
-- Shows: the worker blocks in event.wait() until main has prepared its
-- resources and set the event; the check says it never starts its task
-- before that, and starts at t = 2.
scenario{ name = "seed002 Event start signal", expect = "clean" }

local event = Event("event")
local ready = shared("resources_ready", false)

local t = spawn("worker", function()
  print("Worker: waiting for the event to be set.")
  event:wait()                       -- blocks until event.set() is called
  check(ready:get(), "worker started before main set the event")
  check(now() == 2, "worker started at t=%s, expected t=2", tostring(now()))
  print("Worker: event has been set! Starting my task.")
end)

print("Main: preparing some resources...")
sleep(2)
print("Main: resources are ready. Setting the event.")
ready:set(true)
event:set()
t:join()
