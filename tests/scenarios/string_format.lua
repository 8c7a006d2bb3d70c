-- string.format and print in a scenario: racesim makes the simple formats
-- (%d of an integer, %s of a string or an integer, %%) itself and gives the
-- rest to Lua's string.format; both must write what Lua 5.4 writes, and
-- fail as it fails.  print of one string records it as it is.
scenario{ name = "string.format and print", expect = "clean" }

local function same(got, want, what)
  check(got == want, "%s: got %q, want %q", what, tostring(got), tostring(want))
end

-- made by racesim
same(string.format("Worker %d waiting...", 3), "Worker 3 waiting...", "%d")
same(string.format("%d%%", -5), "-5%", "%d%%")
same(string.format("%d", math.mininteger), "-9223372036854775808", "mininteger")
same(string.format("%d", math.maxinteger), "9223372036854775807", "maxinteger")
same(string.format("%d", 0), "0", "zero")
same(string.format("%s-%s", "a", "b\0c"), "a-b\0c", "%s with a zero byte")
same(string.format("%s", 12), "12", "%s of an integer")
same(string.format("%s and %d", "x", 7), "x and 7", "two")
same(string.format("no specs"), "no specs", "no specs")
same(string.format("%%"), "%", "%%")
same(string.format("%d extra", 1, 2, 3), "1 extra", "extra arguments")
same(string.format(""), "", "empty")
-- given to string.format
same(string.format("%s", 1.5), "1.5", "%s of a float")
same(string.format("%d", 3.0), "3", "%d of an integral float")
same(string.format("%d", "7"), "7", "%d of a numeral")
same(string.format("%5d|%-3s|", 3, "a"), "    3|a  |", "widths")
same(string.format("%x %i", 255, 4), "ff 4", "%x and %i")
same(string.format("%q", "hi"), '"hi"', "%q")
same(string.format("%.3f", 1 / 3), "0.333", "%f")
same(string.format("%s", true), "true", "%s of a boolean")
same(string.format("%s", {}), "table", "%s of a table (its type, not an address)")

local function fails(want, ...)
  local ok, err = pcall(string.format, ...)
  check(not ok and tostring(err):find(want, 1, true), "string.format(%q) should fail with %q, got %q",
        tostring((...)), want, tostring(err))
end
fails("no value", "%d")
fails("no value", "trailing %")
fails("number has no integer representation", "%d", 2.5)
fails("'%p' is not available", "%p", 1)

spawn(function()
  print("plain")
  print("a", 1, 2.5, true, nil)
  print(string.format("%d items", 3))
end)
