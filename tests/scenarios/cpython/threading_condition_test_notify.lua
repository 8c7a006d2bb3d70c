-- CPython Lib/test/lock_tests.py: ConditionTests.test_notify.
-- Five threads wait twice on a Condition; notify(3), then notify(5) (the
-- woken ones may be in their first or second wait), then notify_all();
-- each wake-up is counted with the phase the main thread had reached when
-- it released the lock.  Done twice, to check the state left behind.  The
-- tests' _wait() is a sleep: virtual time passes only once every worker is
-- blocked.  (The results lists are counters per list and phase: appends
-- from several threads, atomic under the GIL.)
scenario{ name = "threading ConditionTests.test_notify", expect = "clean" }
local N = 5
local cond = Condition()
local function check_notify()
  local phase = shared("phase_num", 0)
  local r = {}
  for _, k in ipairs{ "1_1", "1_2", "2_2", "2_3" } do r[k] = shared("results" .. k, 0, { atomic = true }) end
  local function count(list, ph) return r[list .. "_" .. ph] and r[list .. "_" .. ph]:get() or 0 end
  local function total(list) local n = 0 for ph = 1, 3 do n = n + count(list, ph) end return n end
  local bad = shared("bad", 0, { atomic = true })
  local function record(list, ok)
    local key = list .. "_" .. phase:get()
    if ok and r[key] then r[key]:add(1) else bad:add(1) end
  end
  local ts = {}
  for k = 1, N do
    ts[k] = spawn(function()
      cond:acquire()
      local result = cond:wait()
      cond:release()
      record(1, result)
      cond:acquire()
      result = cond:wait()
      cond:release()
      record(2, result)
    end)
  end
  sleep(0.01)
  check(total(1) == 0, "nobody woken yet")
  cond:acquire()
  cond:notify(3)
  sleep(0.01)
  phase:set(1)
  cond:release()
  while total(1) < 3 do sleep(0.01) end
  check(count(1, 1) == 3 and total(1) == 3 and total(2) == 0, "3 woken in phase 1")
  sleep(0.01)
  cond:acquire()
  cond:notify(5)
  sleep(0.01)
  phase:set(2)
  cond:release()
  while total(1) + total(2) < 8 do sleep(0.01) end
  check(count(1, 1) == 3 and count(1, 2) == 2 and count(2, 2) == 3, "phase 2: %d %d %d",
        count(1, 1), count(1, 2), count(2, 2))
  sleep(0.01)
  cond:acquire()
  cond:notify_all()
  sleep(0.01)
  phase:set(3)
  cond:release()
  while total(2) < 5 do sleep(0.01) end
  check(count(2, 2) == 3 and count(2, 3) == 2, "phase 3: %d %d", count(2, 2), count(2, 3))
  for _, t in ipairs(ts) do t:join() end
  check(bad:get() == 0, "every wait() returned true, in a phase it should")
end
check_notify()
check_notify()
