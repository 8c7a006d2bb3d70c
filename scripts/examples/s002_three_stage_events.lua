-- From seeds/002_cd1eb18bce1600fd.txt, 'Quick Exercise' (three stages,
-- "Use two Event objects to coordinate this workflow").
--
-- Shows: a solution to the exercise (the tutorial gives none).  Thread A
-- fetches, then sets fetched; thread B waits for fetched, processes, sets
-- processed; thread C waits for processed and saves.  The threads are
-- started in the "wrong" order (C, B, A) and the checks say that each stage
-- sees the previous stage's result in every interleaving.
scenario{ name = "seed002 three stages with two Events", expect = "clean" }

local fetched = Event("fetched")
local processed = Event("processed")
local data = shared("data", "")

local c = spawn("C-save", function()
  processed:wait()
  check(data:get() == "fetched+processed", "C saves %q", data:get())
  data:set(data:get() .. "+saved")
end)
local b = spawn("B-process", function()
  fetched:wait()
  check(data:get() == "fetched", "B processes %q", data:get())
  data:set(data:get() .. "+processed")
  processed:set()
end)
local a = spawn("A-fetch", function()
  data:set("fetched")
  fetched:set()
end)
a:join(); b:join(); c:join()
check(data:get() == "fetched+processed+saved", "final data %q", data:get())
