-- Bank transfers, the fixed form: lock accounts in the order of their ids.
--
-- Same transfers as bank_transfer_deadlock.lua, but transfer(from, to)
-- takes the lock of the account with the smaller id first, whatever the
-- direction of the payment.  All threads agree on one global order, so the
-- lock-order graph has no cycle, no interleaving deadlocks, and the checks
-- say no money is created or lost: the total stays 300 and every balance
-- is the one the three transfers imply.
scenario{ name = "bank transfers (ordered by account id)", expect = "clean" }

local function Account(id, name, balance)
  return { id = id, name = name, lock = Lock(name .. ".lock"),
           balance = shared(name .. ".balance", balance) }
end

local alice = Account(1, "alice", 100)
local bob = Account(2, "bob", 100)
local carol = Account(3, "carol", 100)

local function transfer(from, to, amount)
  local first, second = from, to
  if second.id < first.id then first, second = second, first end
  first.lock:with(function()
    second.lock:with(function()
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
  local a, b, c = alice.balance:get(), bob.balance:get(), carol.balance:get()
  check(a + b + c == 300, "total %d, expected 300", a + b + c)
  check(a == 100 and b == 110 and c == 90, "balances %d/%d/%d, expected 100/110/90", a, b, c)
end)
