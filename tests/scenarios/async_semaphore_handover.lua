-- asyncio's Semaphore.acquire() hands on the permits that are left when it
-- returns: Semaphore(0), a task waits; two release()s (the first permit is
-- handed to that waiter, the second to nobody, since the only waiter is
-- served already); a new acquire() queues behind the waiter, which, leaving
-- acquire(), wakes it with the spare permit.  asyncio returns True; before,
-- the new acquire() waited forever ('stuck', "whose value is 0").
scenario{ name = "async Semaphore hand-over in acquire", mode = "async", expect = "clean" }
local sem = Semaphore(0, "sem")
local got = shared("got", 0)
spawn("waiter", function()
  check(sem:acquire())
  got:add(1)
end)
sleep(0.1) -- the waiter is waiting
sem:release()
sem:release()
check(sem:acquire(), "the spare permit")
got:add(1)
finally(function() check(got:get() == 2, "got %d", got:get()) end)
