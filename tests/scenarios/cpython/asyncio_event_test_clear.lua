-- CPython Lib/test/test_asyncio/test_locks.py: EventTests.test_clear.
scenario{ name = "asyncio EventTests.test_clear", mode = "async", expect = "clean" }
local ev = Event()
check(not ev:is_set())
ev:set()
check(ev:is_set())
ev:clear()
check(not ev:is_set())
