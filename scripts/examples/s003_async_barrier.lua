-- From seeds/003_3aba66dc1b770c5b.txt, 'ex_4_4' (example_barrier:
-- Barrier(3), two create_task(b.wait()), sleep(0), print(b), b.wait()).
--
-- Shows: the tutorial's printed states, as checks on n_waiting:
--   after `await asyncio.sleep(0)`: "[filling, waiters:2/3]" -> n_waiting 2;
--   after main's own wait():        "[draining, waiters:0/3]" -> n_waiting 0;
--   "barrier passed", and after another sleep(0): "[filling, waiters:0/3]".
-- racesim does not name the internal filling/draining state, so the checks
-- use n_waiting and broken.  Also: main, the last to arrive, gets index 2.
--
-- Note: a bare `await asyncio.sleep(0)` is enough in CPython because its
-- event loop runs ready tasks in FIFO order; racesim lets any ready task run
-- next, so main's sleep(0) does not guarantee that both waiter tasks have
-- reached wait().  The scenario sleeps for a (virtual) instant instead,
-- which only ends when every other task is blocked.
scenario{ name = "seed003 async barrier", mode = "async", expect = "clean" }

local b = Barrier(3, nil, nil, "b")
local passed = shared("passed", 0)

local function waiter()
  b:wait()
  passed:add(1)
end
local t1 = spawn("waiter1", waiter)
local t2 = spawn("waiter2", waiter)

sleep(0.001)                      -- await asyncio.sleep(0), see the note above
print("waiters:", b.n_waiting, "/", b.parties)
check(b.n_waiting == 2 and not b.broken, "before main waits: n_waiting %d, expected 2", b.n_waiting)
local index = b:wait()
print("waiters:", b.n_waiting, "/", b.parties)
check(b.n_waiting == 0, "after the barrier passed: n_waiting %d, expected 0", b.n_waiting)
check(index == 2, "main arrived last but got index %d", index)
print("barrier passed")
sleep(0)
check(b.n_waiting == 0 and not b.broken, "after sleep(0): n_waiting %d", b.n_waiting)
t1:join(); t2:join()
check(passed:get() == 2, "%d waiters passed, expected 2", passed:get())
