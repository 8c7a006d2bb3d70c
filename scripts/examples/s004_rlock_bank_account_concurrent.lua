-- From seeds/004_a4cab6d75b48e450.txt, '4. RLock (Reentrant Lock)'
-- (BankAccount.transfer_to, called from two threads at once).
--
-- Shows: what the tutorial does not try.  transfer_to() holds its own
-- account's RLock while deposit() takes the other account's.  The tutorial
-- runs one transfer on the main thread, where that is fine
-- (s004_rlock_bank_account.lua).  Two threads transferring in opposite
-- directions deadlock -- re-entrancy does not help across accounts:
--   t1: account1.transfer_to(account2) takes account1.lock;
--   t2: account2.transfer_to(account1) takes account2.lock;
--   t1's deposit waits for account2.lock, t2's for account1.lock.
-- Expect deadlock and potential_deadlock.  The fix, taking both locks in a
-- fixed order, is scripts/classic/bank_transfer_ordered.lua.
scenario{ name = "seed004 RLock bank account, concurrent transfers",
          expect = { "deadlock", "potential_deadlock" } }

local function BankAccount(name, initial)
  local self = { balance = shared(name .. ".balance", initial), lock = RLock(name .. ".lock") }
  function self.deposit(amount)
    self.lock:with(function() self.balance:set(self.balance:get() + amount) end)
  end
  function self.withdraw(amount)
    return self.lock:with(function()
      if self.balance:get() >= amount then
        self.balance:set(self.balance:get() - amount)
        return true
      end
      return false
    end)
  end
  function self.transfer_to(other, amount)
    return self.lock:with(function()
      if self.withdraw(amount) then
        other.deposit(amount)            -- takes other's lock while holding ours
        return true
      end
      return false
    end)
  end
  return self
end

local account1 = BankAccount("account1", 100)
local account2 = BankAccount("account2", 100)
local t1 = spawn("t1", account1.transfer_to, account2, 50)
local t2 = spawn("t2", account2.transfer_to, account1, 25)
t1:join(); t2:join()
check(account1.balance:get() + account2.balance:get() == 200, "money was created or lost")
