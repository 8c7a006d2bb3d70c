-- CPython Lib/test/lock_tests.py: BarrierTests.test_single_thread.
scenario{ name = "threading BarrierTests.test_single_thread", expect = "clean" }
local b = Barrier(1)
b:wait()
b:wait()
