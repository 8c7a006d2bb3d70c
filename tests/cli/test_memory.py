#!/usr/bin/env python3
"""Flat memory: a long exploration holds no more than a short one.

Usage: test_memory.py PATH/TO/racesim

The racy counter (scripts/bench/counter.lua: every run has findings) with
the database and default options: the peak resident memory of 400,000 runs
is within 30% of that of 20,000 (racesim's own, as GNU time measures it).  What may grow with the runs is in the database, not in memory.

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
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RACESIM = None
COUNTER = os.path.join(ROOT, "scripts", "bench", "counter.lua")


def peak_rss(args, cwd):
    """Run racesim; its exit status, JSON and peak resident memory (KiB).

    GNU time (/usr/bin/time -f %M: scripts/setup-deps.sh --test installs it)
    forks racesim from a small process.  The rusage of a child forked from
    this Python would count Python's own pages, which the child had until
    its exec (Linux keeps the high-water mark across exec); without GNU time,
    the peak is read from /proc/PID/status (VmHWM, racesim's own) as it runs.
    """
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        if os.path.exists("/usr/bin/time"):
            code = subprocess.call(["/usr/bin/time", "-f", "%M", RACESIM] + args, stdout=out,
                                   stderr=err, cwd=cwd)
            err.seek(0)
            rss = int(err.read().strip().splitlines()[-1])
        else:
            p = subprocess.Popen([RACESIM] + args, stdout=out, stderr=err, cwd=cwd)
            rss = 0
            while p.poll() is None:
                try:
                    with open("/proc/%d/status" % p.pid) as st:
                        for line in st:
                            if line.startswith("VmHWM:"):
                                rss = max(rss, int(line.split()[1]))
                except OSError:
                    pass
                time.sleep(0.01)
            code = p.returncode
        out.seek(0)
        return code, json.loads(out.read()), rss


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
