-- From seeds/004_a4cab6d75b48e450.txt, '4. RLock (Reentrant Lock)'
-- (BankAccount with deposit / withdraw / transfer_to).
--
-- Shows: transfer_to() holds its account's RLock and calls withdraw(), which
-- takes the same RLock again -- fine, it is re-entrant.  As in the
-- tutorial, the main thread deposits 100 into account1 and transfers 50 to
-- account2; the checks say the balances end at 50 and 50.  Clean.
-- Note: transfer_to() also takes the OTHER account's lock (in deposit())
-- while holding its own; two threads transferring in opposite directions
-- deadlock -- see s004_rlock_bank_account_concurrent.lua.
scenario{ name = "seed004 RLock bank account", expect = "clean" }

local function BankAccount(name)
  local self = { balance = shared(name .. ".balance", 0), lock = RLock(name .. ".lock") }
  function self.deposit(amount)
    self.lock:with(function()
      self.balance:set(self.balance:get() + amount)
      print(string.format("Deposited %d, Balance: %d", amount, self.balance:get()))
    end)
  end
  function self.withdraw(amount)
    return self.lock:with(function()
      if self.balance:get() >= amount then
        self.balance:set(self.balance:get() - amount)
        print(string.format("Withdrew %d, Balance: %d", amount, self.balance:get()))
        return true
      end
      return false
    end)
  end
  function self.transfer_to(other, amount)
    return self.lock:with(function()        -- lock this account
      if self.withdraw(amount) then         -- can acquire the lock again (re-entrant)
        other.deposit(amount)
        return true
      end
      return false
    end)
  end
  return self
end

local account1 = BankAccount("account1")
local account2 = BankAccount("account2")
account1.deposit(100)
check(account1.transfer_to(account2, 50), "the transfer failed")
check(account1.balance:get() == 50 and account2.balance:get() == 50,
      "balances %d and %d, expected 50 and 50", account1.balance:get(), account2.balance:get())
