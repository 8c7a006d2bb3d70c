#!/usr/bin/env python3
"""The editor definitions (scripts/share/racesim.d.lua) match the API.

Usage: test_editor_defs.py PATH/TO/racesim

Every global function and every method that racesim registers (listed by
the undocumented `racesim api`) must be declared in the definitions file,
and everything the file declares must exist, so the two cannot drift apart.
The standard Lua globals of the sandbox are not part of the file.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFS = os.path.join(ROOT, "scripts", "share", "racesim.d.lua")
LUA_BASE = {"assert", "collectgarbage", "error", "getmetatable", "ipairs", "load", "math",
            "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset",
            "select", "setmetatable", "string", "table", "tonumber", "tostring", "type",
            "utf8", "xpcall"}
# classes sharing methods: the file declares them once on a base class
INHERITS = {"Lock": "LockLike", "RLock": "LockLike", "Semaphore": "LockLike",
            "BoundedSemaphore": "LockLike", "Condition": "LockLike"}


def main():
    api = subprocess.run([sys.argv[1], "api"], capture_output=True, text=True, check=True).stdout
    globals_ = {l.split()[1] for l in api.splitlines() if l.startswith("global ")} - LUA_BASE
    methods = {tuple(l.split()[1].split(":")) for l in api.splitlines() if l.startswith("method ")}
    text = open(DEFS).read()
    declared_globals = set(re.findall(r"^function (\w+)\(", text, re.M))
    declared_methods = set(re.findall(r"^function (\w+):(\w+)\(", text, re.M))
    problems = []
    for g in sorted(globals_ - declared_globals):
        problems.append("global %s is registered but not declared" % g)
    for g in sorted(declared_globals - globals_):
        problems.append("global %s is declared but racesim has no such global" % g)
    for cls, m in sorted(methods):
        if (cls, m) not in declared_methods and (INHERITS.get(cls), m) not in declared_methods:
            problems.append("method %s:%s is registered but not declared" % (cls, m))
    registered = {(INHERITS.get(c, c), m) for c, m in methods} | methods
    for cls, m in sorted(declared_methods):
        if (cls, m) not in registered:
            problems.append("method %s:%s is declared but racesim has no such method" % (cls, m))
    for p in problems:
        print("FAIL  " + p)
    print("%d globals, %d methods checked, %d problems" % (len(globals_), len(methods), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
