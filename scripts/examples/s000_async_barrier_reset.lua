-- From seeds/000_6cbeb80c684375f0.txt, '6.2 Barrier Methods' (wait, reset,
-- abort, parties, n_waiting, broken).
--
-- Shows: what the tutorial's comment says, "Reset barrier (releases all
-- waiters with BrokenBarrierError)".  The tutorial lists the methods only;
-- here two tasks wait at a Barrier(3) that will never fill, and main, once
-- they are both waiting (n_waiting == 2), calls reset().  Both waiters get
-- BrokenBarrierError (racesim reports barrier_broken); after the reset the
-- barrier is usable again (broken == false, n_waiting == 0), and a third
-- round with all 3 parties passes.  abort() would leave it broken instead.
-- main waits with sleep(1), not with a `while n_waiting < 2: await
-- asyncio.sleep(0)` loop: virtual time only advances once every other task
-- is blocked, and a polling loop would let the scheduler spin main forever.
scenario{ name = "seed000 async barrier reset", mode = "async",
          expect = "barrier_broken" }

local barrier = Barrier(3, nil, nil, "barrier")
local broken_errors = shared("broken_errors", 0)

local function waiter(name)
  local ok, err = pcall(barrier.wait, barrier)
  if not ok then
    check(err.type == "BrokenBarrierError", "%s: unexpected error %s", name, tostring(err.type))
    broken_errors:add(1)
    print(name .. ": BrokenBarrierError")
  end
  barrier:wait()          -- second round, after the reset: all 3 parties
end

local tasks = { spawn("A", waiter, "A"), spawn("B", waiter, "B") }
check(barrier.parties == 3, "parties = %d", barrier.parties)
sleep(1)                  -- virtual time moves only when A and B are blocked
check(barrier.n_waiting == 2, "n_waiting = %d, expected 2", barrier.n_waiting)
print("n_waiting:", barrier.n_waiting, "broken:", barrier.broken)
barrier:reset()           -- await barrier.reset()
check(not barrier.broken, "broken after reset() = %s", tostring(barrier.broken))
sleep(1)                  -- A and B see the error and wait again
check(barrier.n_waiting == 2, "n_waiting = %d in round 2, expected 2", barrier.n_waiting)
barrier:wait()            -- third party of the second round
for _, t in ipairs(tasks) do t:join() end
check(broken_errors:get() == 2, "%d waiters got BrokenBarrierError, expected 2", broken_errors:get())
