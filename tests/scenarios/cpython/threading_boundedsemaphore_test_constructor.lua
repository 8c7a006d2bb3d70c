-- CPython Lib/test/lock_tests.py: BoundedSemaphoreTests (BaseSemaphoreTests).test_constructor.
scenario{ name = "threading BoundedSemaphoreTests.test_constructor", expect = "clean" }
for _, v in ipairs{ -1, math.mininteger } do
  local ok, e = pcall(BoundedSemaphore, v)
  check(not ok and e.type == "ValueError", "BoundedSemaphore(%d)", v)
end
