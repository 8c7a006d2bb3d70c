-- asyncio: create_task(), then await asyncio.sleep(0), and the task has run.
--
-- A server task registers its handler when it starts; the main task creates
-- it, awaits asyncio.sleep(0), and uses the handler.  This is correct
-- asyncio: the event loop runs ready tasks first in, first out, so the new
-- task (queued when it was created) runs, up to its first await, before
-- the main task resumes.  racesim's async mode runs tasks in that order:
-- one run, clean.  Under scenario{ mode = "async", order = "any" } (any
-- ready task next, an event loop that promises nothing) the main task may
-- resume first and find no handler: that is the bug this code would have
-- on such a loop, not on asyncio's.
scenario{ name = "asyncio: the new task has run after sleep(0)", mode = "async",
          expect = "clean" }

local handlers = shared_table("handlers")
local requests, replies = Queue(0, "requests"), Queue(0, "replies")

spawn{function()                                 -- the server task
  handlers.ping = "pong"                         -- register, then serve
  while true do
    local name = requests:get()
    replies:put(handlers[name])
  end
end, name = "server", daemon = true}

yield()                                          -- await asyncio.sleep(0)
check(handlers.ping ~= nil, "the server has not registered its handler yet")
requests:put("ping")
check(replies:get() == "pong", "no reply")
