-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_barrier_parties.
scenario{ name = "asyncio BarrierTests.test_barrier_parties", mode = "async", expect = "clean" }
for _, n in ipairs{ 0, -4 } do
  local ok, e = pcall(Barrier, n)
  check(not ok and e.type == "ValueError", "Barrier(%d) raises ValueError", n)
end
check(Barrier(5).parties == 5)
