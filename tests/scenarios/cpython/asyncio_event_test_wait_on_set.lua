-- CPython Lib/test/test_asyncio/test_locks.py: EventTests.test_wait_on_set.
scenario{ name = "asyncio EventTests.test_wait_on_set", mode = "async", expect = "clean" }
local ev = Event()
ev:set()
check(ev:wait() == true)
