-- SCTBench CS.account_bad (after the paper's description; our own port).
--
-- A bank account: a depositor and a withdrawer update the balance under a
-- lock and each raise a flag when done; a checker, under the same lock,
-- checks the balance once both flags are up.  The bug: the checker's
-- formula subtracts the deposit instead of adding it, which shows only when
-- the checker runs after both updates (no preemption is needed: the
-- checker, started first, may simply be scheduled last).
scenario{ name = "CS.account_bad", expect = { "assertion" } }

local start, deposit, withdrawal = 10, 20, 4
local m = Lock("m")
local balance = shared("balance", start)
local deposited = shared("deposit_done", false)
local withdrawn = shared("withdraw_done", false)

spawn("check_result", function()
  m:with(function()
    if deposited:get() and withdrawn:get() then
      check(balance:get() == (start - deposit) - withdrawal, -- (the wrong formula)
            "balance is %d", balance:get())
    end
  end)
end)
spawn("deposit", function()
  m:with(function() balance:set(balance:get() + deposit); deposited:set(true) end)
end)
spawn("withdraw", function()
  m:with(function() balance:set(balance:get() - withdrawal); withdrawn:set(true) end)
end)
