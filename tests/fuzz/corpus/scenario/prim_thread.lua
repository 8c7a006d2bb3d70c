-- Threads: names, join with timeout, is_alive, joining oneself, daemon.
scenario{ name = "Thread semantics", expect = "clean" }
local t = spawn("sleepy", function(x) check(x == 42); sleep(2) end, 42)
check(t.name == "sleepy" and current_thread().name == "MainThread")
t:join(0.5)
check(t:is_alive() and now() == 0.5, "join(timeout) returns with the thread alive")
t:join()
check(not t:is_alive() and now() == 2)
local ok, e = pcall(function() current_thread():join() end)
check(not ok and e.type == "RuntimeError" and e.message == "cannot join current thread")
local d = spawn{ function() Event():wait() end, name = "forever", daemon = true }
check(d.daemon and d.name == "forever")
local anon = spawn(function() end)
check(anon.name:match("^Thread%-%d+$"), "default name %s", anon.name)
