-- CPython Lib/test/lock_tests.py: SemaphoreTests (BaseSemaphoreTests).test_constructor.
scenario{ name = "threading SemaphoreTests.test_constructor", expect = "clean" }
for _, v in ipairs{ -1, math.mininteger } do
  local ok, e = pcall(Semaphore, v)
  check(not ok and e.type == "ValueError", "Semaphore(%d)", v)
end
