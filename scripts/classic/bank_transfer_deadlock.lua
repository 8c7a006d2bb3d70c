-- Bank transfers, the deadlocking form: lock the source account, then the
-- destination.
--
-- transfer(from, to, amount) locks `from`, then `to`, moves the money and
-- unlocks.  Correct for one transfer at a time, and it never loses money.
--
-- The bug: the lock order depends on the direction of the transfer.  Alice
-- pays Bob while Bob pays Alice:
--   t1 = transfer(alice, bob) locks alice; t2 = transfer(bob, alice) locks bob;
--   t1 waits for bob, t2 waits for alice -> deadlock.
-- racesim reports the deadlock and the alice -> bob -> alice cycle in the
-- lock-order graph (potential_deadlock).  A third transfer carol -> alice
-- does not take part in the cycle but waits behind it.
--
-- The fix (bank_transfer_ordered.lua): lock the two accounts in the order of
-- their ids, whatever the direction.
scenario{ name = "bank transfers (opposite lock order)",
          expect = { "deadlock", "potential_deadlock" } }

local function Account(id, name, balance)
  return { id = id, name = name, lock = Lock(name .. ".lock"),
           balance = shared(name .. ".balance", balance) }
end

local alice = Account(1, "alice", 100)
local bob = Account(2, "bob", 100)
local carol = Account(3, "carol", 100)

local function transfer(from, to, amount)
  from.lock:with(function()
    to.lock:with(function()
      if from.balance:get() >= amount then
        from.balance:set(from.balance:get() - amount)
        to.balance:set(to.balance:get() + amount)
      end
    end)
  end)
end

spawn("alice->bob", transfer, alice, bob, 30)
spawn("bob->alice", transfer, bob, alice, 20)
spawn("carol->alice", transfer, carol, alice, 10)
finally(function()
  local total = alice.balance:get() + bob.balance:get() + carol.balance:get()
  check(total == 300, "total %d, expected 300", total)
end)
