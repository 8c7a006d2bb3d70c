-- From seeds/003_3aba66dc1b770c5b.txt, 'ex_4_5' (waiter task, main sleeps 1 s,
-- event.set(), await waiter_task); the official asyncio.Event example.
--
-- Shows: "waiting for it ..." then, one second later, "... got it!": the
-- checks say the waiter resumes only after set(), at t = 1.
scenario{ name = "seed003 async event", mode = "async", expect = "clean" }

local event = Event("event")
local set_done = shared("set_done", false)

local function waiter(ev)
  print("waiting for it ...")
  ev:wait()
  check(set_done:get() and now() == 1, "waiter resumed at t=%s before set()", tostring(now()))
  print("... got it!")
end

local waiter_task = spawn("waiter", waiter, event)
sleep(1)
set_done:set(true)
event:set()
waiter_task:join()
