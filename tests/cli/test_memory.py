#!/usr/bin/env python3
"""Flat memory: a long exploration holds no more than a short one.

Usage: test_memory.py PATH/TO/racesim

The racy counter (scripts/bench/counter.lua: every run has findings) with
the database and default options: the peak resident memory of 400,000 runs
is within 30% of that of 20,000 (each measured on the child alone, with
wait4).  What may grow with the runs is in the database, not in memory.

Skipped in a sanitizer build (RACESIM_SANITIZED=1, set by tests/CMakeLists.txt):
AddressSanitizer keeps freed memory in quarantine, so its peak grows with
the work done whatever racesim does.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RACESIM = None
COUNTER = os.path.join(ROOT, "scripts", "bench", "counter.lua")


def peak_rss(args, cwd):
    """Run racesim; its exit status, JSON and peak resident memory (KiB)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        p = subprocess.Popen([RACESIM] + args, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return p.returncode, json.loads(out.read()), usage.ru_maxrss  # KiB on Linux


@unittest.skipIf(os.environ.get("RACESIM_SANITIZED"), "a sanitizer build: its quarantine grows")
class FlatMemory(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-memory-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def explore(self, runs):
        db = os.path.join(self.dir, "m%d.db" % runs)
        code, obj, rss = peak_rss(["run", COUNTER, "--runs", str(runs), "--seed", "1",
                                   "--db", db, "--json"], self.dir)
        self.assertEqual(code, 1)  # findings
        self.assertEqual(obj["runs"], runs)
        self.assertEqual([f["kind"] for f in obj["findings"]], ["lost_update"])
        for f in os.listdir(self.dir):
            os.remove(os.path.join(self.dir, f))
        return rss

    def test_400000_runs_hold_what_20000_hold(self):
        short = self.explore(20000)
        long = self.explore(400000)
        print("\npeak resident memory: %d KiB after 20,000 runs, %d KiB after 400,000 "
              "(%+.1f%%)" % (short, long, 100.0 * (long - short) / short), file=sys.stderr)
        self.assertLessEqual(long, short * 1.3,
                             "resident memory grew from %d KiB (20,000 runs) to %d KiB "
                             "(400,000 runs)" % (short, long))


if __name__ == "__main__":
    RACESIM = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
