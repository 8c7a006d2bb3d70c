#!/usr/bin/env python3
"""Scenario tests for racesim.

Usage: run.py PATH/TO/racesim

1. `racesim check` over tests/scenarios/ (but its sctbench/ suite, which
   tests/scenarios/sctbench/table.py checks) and scripts/ (the examples, the
   classic library; benchmarks have no `expect` and are skipped): every
   scenario meets its `expect` (exhaustively where dfs completes, sampled
   otherwise).
2. Replay round trip: for every scenario with findings, each finding's replay
   command (by seed, or the shrunk schedule) and its schedule token reproduce
   it, and two replays in separate processes give the same event stream.
3. Determinism: the same seed in two processes gives the same JSON.
4. The classic library: every buggy form's expected findings are found by
   random or pct within 10,000 runs, and every clean form stays clean under
   both.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VOLATILE = {"elapsed", "runs_per_second", "db"}
failures = []


def run(cmd, timeout=600):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return p.returncode, p.stdout, p.stderr


def all_kinds(res):
    """The kinds a result reports: each bug's headline and its evidence."""
    return {k for f in res["findings"]
            for k in [f["kind"]] + [e["kind"] for e in f.get("evidence", [])]}


def fail(what):
    failures.append(what)
    print("FAIL  " + what, flush=True)


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in VOLATILE}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


def scenarios():
    out = []
    for d in ("tests/scenarios", "scripts/examples", "scripts/classic"):
        full = os.path.join(ROOT, d)
        if os.path.isdir(full):
            out += [os.path.join(d, f) for f in sorted(os.listdir(full)) if f.endswith(".lua")]
    return out


def main():
    racesim = os.path.abspath(sys.argv[1])
    # (tests/scenarios/sctbench/ is checked on its own, with budgets of its
    # own: sctbench/table.py --check)
    paths = [s for s in scenarios() if s.startswith("tests/scenarios/")]
    paths += [d for d in ("scripts",) if os.path.isdir(os.path.join(ROOT, d))]
    code, out, err = run([racesim, "check"] + paths, timeout=1800)
    print(out, end="")
    if code != 0:
        fail("racesim check: exit %d %s" % (code, err.strip()))
    expects = {m.group(1): {k.strip() for k in m.group(2).split(",")} - {""}
               for m in re.finditer(r"^\S+\s+(\S+\.lua): expects \[([^\]]*)\]", out, re.M)}

    for script in scenarios():
        base = [racesim, "run", script, "--json", "--no-db", "--seed", "7", "--runs", "300"]
        code, out, err = run(base)
        if code not in (0, 1):
            fail("%s: run exit %d: %s" % (script, code, err.strip()[:200]))
            continue
        res = json.loads(out)
        code2, out2, _ = run(base)
        if strip(json.loads(out2)) != strip(res):
            fail("%s: the same seed gave different results in two processes" % script)
        for f in res["findings"][:4]:
            argv = shlex.split(f["replay"])
            if argv[:2] != ["racesim", "replay"]:
                fail("%s: malformed replay command %r" % (script, f["replay"]))
                continue
            # the replay command (the shrunk run, if shrinking found one) twice,
            # then the first run's own schedule token: the command shows the
            # bug as the summary tells it (the summary tells the run it
            # replays), the same way both times; the token shows the same bug
            shrunk = f.get("shrunk")
            streams = []
            for k, cmd in enumerate(([racesim] + argv[1:] + ["--json", "--no-db"],
                                     [racesim] + argv[1:] + ["--json", "--no-db"],
                                     [racesim, "replay", script, "--schedule", f["schedule"],
                                      "--json", "--no-db"])):
                c, o, e = run(cmd)
                try:
                    r = json.loads(o)
                except ValueError:
                    fail("%s: replay gave no JSON (exit %d): %s" % (script, c, e.strip()[:200]))
                    break
                # the same bug: its headline observation (the same words for
                # the run itself) and every consequence, however the one run
                # is grouped on its own
                exact = k < 2 or not shrunk  # (the headline is told as the replayed run tells it)
                seen = [e for g in r["findings"] for e in g.get("evidence", [])]
                want = [e for e in f["evidence"] if e["role"] in ("headline", "consequence")]
                for w in want:
                    if not any(e["kind"] == w["kind"] and
                               (not exact or w["role"] != "headline" or
                                e["message"] == w["message"]) for e in seen):
                        fail("%s: replay of %s did not reproduce its %s (%s): %s" %
                             (script, f["kind"], w["role"], w["kind"], cmd))
                if k < 2 and shrunk and r["steps"] != shrunk["steps"]:
                    fail("%s: the shrunk replay of %s took %d steps, not %d" %
                         (script, f["kind"], r["steps"], shrunk["steps"]))
                streams.append(r.get("events"))
            if len(streams) == 3 and streams[0] != streams[1]:
                fail("%s: two replays of %s gave different event streams" % (script, f["kind"]))
            if len(streams) == 3 and not shrunk and streams[0] != streams[2]:
                fail("%s: the replay command and the schedule token of %s gave different runs" %
                     (script, f["kind"]))
        print("ok    %s: %d findings replayed" % (script, min(4, len(res["findings"]))), flush=True)

    for script in scenarios():
        if not script.startswith("scripts/classic/") or script not in expects:
            continue
        want, found = expects[script] - {"clean", "others"}, set()
        for strat in ("random", "pct"):
            code, out, err = run([racesim, "run", script, "--strategy", strat, "--runs", "10000",
                                  "--seed", "1", "--json", "--no-db", "--no-shrink"])
            found |= all_kinds(json.loads(out)) if code in (0, 1) else set()
        if (want and not want <= found) or (not want and found):
            fail("%s: expects %s, random and pct found %s in 10,000 runs each" %
                 (script, sorted(want) or "clean", sorted(found)))
        else:
            print("ok    %s: random and pct, 10,000 runs each: %s" %
                  (script, ", ".join(sorted(found)) or "clean"), flush=True)

    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
