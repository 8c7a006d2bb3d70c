-- racesim trace database, schema version 4 (an older one is upgraded in
-- place: every statement here is IF NOT EXISTS, and each version only adds,
-- but for version 4's runs.status, which has no CHECK: racesim writes only
-- ok, finding and error, and the CHECK cost a temporary index an insert).
--
-- racesim creates a database from this file (it is embedded in the binary)
-- and sets PRAGMA user_version = 2.  Every table and column is documented in
-- reports/README.md.  Ids are integers handed out by SQLite; thread and
-- object ids inside a run are racesim's own (creation order, from 0).

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,     -- 'application' = 'racesim', 'schema' = '1'
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS explorations (
  id              INTEGER PRIMARY KEY,
  script          TEXT NOT NULL,           -- path as given on the command line
  script_sha256   TEXT NOT NULL,
  strategy        TEXT NOT NULL,           -- random | pct | dfs | replay
  params          TEXT NOT NULL DEFAULT '', -- -D NAME=VALUE, space separated
  base_seed       TEXT NOT NULL,           -- hex, e.g. 0x2a
  started_at      TEXT NOT NULL,           -- UTC, ISO 8601
  finished_at     TEXT,
  runs            INTEGER NOT NULL DEFAULT 0,
  complete        INTEGER NOT NULL DEFAULT 0, -- 1: dfs explored everything
  status          TEXT NOT NULL DEFAULT 'running', -- running | done | interrupted | failed
  mode            TEXT,                    -- threads | async
  steps           INTEGER NOT NULL DEFAULT 0,
  pruned          INTEGER NOT NULL DEFAULT 0, -- dfs runs abandoned as redundant
  options         TEXT,                    -- the exploration's options, JSON
  racesim_version TEXT,
  shard           TEXT NOT NULL DEFAULT '1/1', -- I/N: the part of the exploration run here
  jobs            INTEGER NOT NULL DEFAULT 1,
  record          TEXT                     -- whose events were kept (version 4):
                                           -- failing:K (the first K failing runs of
                                           -- each bug signature), all or none
);

CREATE TABLE IF NOT EXISTS runs (
  id             INTEGER PRIMARY KEY,
  exploration_id INTEGER NOT NULL REFERENCES explorations(id),
  idx            INTEGER NOT NULL,         -- run index in the exploration, from 0
  seed           TEXT NOT NULL,            -- run seed, hex
  schedule       TEXT,                     -- schedule token (replay --schedule); NULL
                                           -- for a random run whose events were not
                                           -- kept: its seed replays it (replay --seed)
  steps          INTEGER NOT NULL,         -- scheduling steps
  status         TEXT NOT NULL,            -- ok | finding | error
  vtime          REAL NOT NULL,            -- virtual time at the end
  recorded       INTEGER NOT NULL DEFAULT 0, -- 1: its events are in 'events'
  signatures     TEXT                      -- its findings' signatures, each once, space
                                           -- separated (version 4): every failing run has
                                           -- them; its rows in 'findings' only if it was
                                           -- kept (--record) or is the run a bug shows
);
CREATE INDEX IF NOT EXISTS runs_by_exploration ON runs(exploration_id, idx);

CREATE TABLE IF NOT EXISTS events (
  run_id     INTEGER NOT NULL REFERENCES runs(id),
  step       INTEGER NOT NULL,   -- position of the event in the run, from 1
  thread     INTEGER NOT NULL,   -- threads.tid
  op         TEXT NOT NULL,      -- acquire, release, read, write, wait, put, ...
  object     INTEGER,            -- objects.oid, NULL for none
  value      TEXT,               -- the value read, written, returned
  vtime      REAL NOT NULL,
  line       INTEGER,            -- scenario source line
  transition INTEGER NOT NULL,   -- the scheduling step it belongs to
  flags      TEXT,               -- timeout, failed, raised, finally, broke
  path       TEXT,               -- the call path, where it says more than the line:
                                 -- 'bump at x.lua:3 <- worker at x.lua:8'
  preempted  INTEGER,            -- on the first event of a step that preempted:
                                 -- threads.tid of the thread switched away from
                                 -- (it could have gone on); else NULL (version 3)
  runnable   TEXT,               -- with 'preempted': the threads that could run
                                 -- there, a JSON array of threads.tid, '[1,2]'
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS threads (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  tid    INTEGER NOT NULL,
  name   TEXT NOT NULL,
  parent INTEGER,                -- the thread that spawned it
  PRIMARY KEY (run_id, tid)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS objects (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  oid    INTEGER NOT NULL,
  kind   TEXT NOT NULL,          -- Lock, RLock, Shared, Queue, Thread, ...
  name   TEXT NOT NULL,
  line   INTEGER,                -- where it was created
  PRIMARY KEY (run_id, oid)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS findings (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs(id),
  kind      TEXT NOT NULL,       -- lost_update, data_race, deadlock, ...
  signature TEXT NOT NULL,       -- equal for the same bug across runs
  message   TEXT NOT NULL,
  step      INTEGER,             -- events.step where it was detected
  thread    INTEGER,
  object    INTEGER,
  details   TEXT                 -- JSON: involved events, replay command
);
CREATE INDEX IF NOT EXISTS findings_by_run ON findings(run_id);
CREATE INDEX IF NOT EXISTS findings_by_signature ON findings(signature);

-- The bugs of an exploration: its findings grouped, one missing lock being
-- one bug with its lost update, races and failed check as evidence.
CREATE TABLE IF NOT EXISTS bugs (
  id             INTEGER PRIMARY KEY,
  exploration_id INTEGER NOT NULL REFERENCES explorations(id),
  rank           INTEGER NOT NULL,   -- 1, 2, ...: the order of the report
  kind           TEXT NOT NULL,      -- the headline's kind
  signature      TEXT NOT NULL,      -- the headline's findings.signature
  message        TEXT NOT NULL,      -- the headline's message and its consequences
  runs           INTEGER NOT NULL,   -- runs in which the headline was seen
  first_run      INTEGER,            -- runs.idx of the run that shows the bug whole
  seed           TEXT,               -- that run's seed and schedule token
  schedule       TEXT,
  steps          INTEGER,
  preemptions    INTEGER,
  replay         TEXT,               -- the command that replays it (shrunk, if it was)
  minimal        INTEGER,            -- 1: no schedule with fewer preemptions shows it
  preemptions_lower_bound INTEGER,   -- every schedule with fewer preemptions was tried
  shrink         TEXT                -- what that search found, as the summary says it
);
CREATE INDEX IF NOT EXISTS bugs_by_exploration ON bugs(exploration_id, rank);

-- Each distinct finding (signature) of an exploration, and the bug it is in.
CREATE TABLE IF NOT EXISTS bug_evidence (
  bug_id       INTEGER NOT NULL REFERENCES bugs(id),
  role         TEXT NOT NULL,        -- headline | evidence | consequence
  kind         TEXT NOT NULL,
  signature    TEXT NOT NULL,        -- findings.signature
  runs         INTEGER NOT NULL,     -- runs in which it was seen
  first_run    INTEGER,              -- runs.idx of the first
  message      TEXT NOT NULL,        -- as its first run tells it
  -- what the grouping looked at (racesim merge groups shards again):
  location     TEXT,                 -- lost_update, data_race: the location
  lines        TEXT,                 -- ... and the lines of its accesses, "17,18"
  locks        TEXT,                 -- deadlocks: the cycle's locks; stuck: the
                                     -- objects waited on (hashes)
  causes       TEXT,                 -- assertion, error: the lost updates and races
                                     -- seen in every run it was (signatures)
  related      TEXT,                 -- ... and those of them its thread depended on:
                                     -- it read their location, or what their threads wrote
  consequence  TEXT,                 -- assertion, error: "the check at ... failed ..."
  seed         TEXT,                 -- its first run's seed, schedule and replay
  schedule     TEXT,
  steps        INTEGER,
  preemptions  INTEGER,
  replay       TEXT,
  note         TEXT,                 -- potential_deadlock: the directed search's verdict
  -- a shorter run that shows the same bug, when shrinking found one:
  shrunk_schedule    TEXT,           -- its schedule token (the replay command replays it)
  shrunk_steps       INTEGER,
  shrunk_preemptions INTEGER,
  shrunk_message     TEXT,           -- how that run tells this finding ...
  shrunk_consequence TEXT,           -- ... its consequence phrase ...
  shrunk_headline    TEXT            -- ... and the headline of the bug it shows
);
CREATE INDEX IF NOT EXISTS bug_evidence_by_bug ON bug_evidence(bug_id);

CREATE TABLE IF NOT EXISTS lock_edges (
  exploration_id INTEGER NOT NULL REFERENCES explorations(id),
  from_lock      TEXT NOT NULL,  -- held
  to_lock        TEXT NOT NULL,  -- acquired while holding from_lock
  thread         TEXT NOT NULL,
  line           INTEGER,        -- where to_lock was acquired
  from_line      INTEGER,        -- where from_lock was acquired
  first_run      INTEGER,        -- runs.idx of the first run with this edge
  count          INTEGER NOT NULL DEFAULT 1,
  -- what `racesim merge` needs to search the cycles of several shards' edges
  -- together (JSON): the nodes' stable keys {"from", "to", "thread"}, the
  -- gate locks "held" (keys, "a,b"), its "ordinal" among its first run's
  -- edges, and that run's "seed", "steps", "preemptions" and "schedule"
  graph          TEXT
);

CREATE TABLE IF NOT EXISTS coverage (
  exploration_id INTEGER NOT NULL REFERENCES explorations(id),
  object         TEXT NOT NULL,  -- the primitive's name
  kind           TEXT NOT NULL,  -- acquisition_order | timeout | barrier | wakeup_order | outcome
  item           TEXT NOT NULL,  -- e.g. 'worker2 > worker1' or 'timed out at line 12'
  runs           INTEGER NOT NULL, -- runs in which it was seen
  first_run      INTEGER NOT NULL, -- runs.idx of the first
  PRIMARY KEY (exploration_id, object, kind, item)
) WITHOUT ROWID;

-- ---- views ---------------------------------------------------------------

-- A failing run's finding kinds: from its rows in findings, or, for a run whose
-- findings were not kept, from its signatures and the exploration's bugs.
CREATE VIEW IF NOT EXISTS failing_runs AS
  SELECT r.id AS run_id, r.exploration_id, r.idx, r.seed, r.schedule, r.steps,
         r.status, x.script, x.strategy,
         coalesce((SELECT group_concat(DISTINCT f.kind) FROM findings f WHERE f.run_id = r.id),
                  (SELECT group_concat(DISTINCT e.kind) FROM bug_evidence e
                   JOIN bugs b ON b.id = e.bug_id
                   WHERE b.exploration_id = r.exploration_id
                     AND instr(r.signatures, e.signature) > 0)) AS kinds
  FROM runs r JOIN explorations x ON x.id = r.exploration_id
  WHERE r.status <> 'ok';

-- Each distinct finding of an exploration with the runs it was found in: from
-- the exploration's bugs once it has them, else from the findings rows and
-- the runs' signatures (an exploration still running, or one written before
-- version 2).
CREATE VIEW IF NOT EXISTS distinct_findings AS
  SELECT b.exploration_id, e.kind, e.signature, e.runs, e.first_run, e.message
  FROM bug_evidence e JOIN bugs b ON b.id = e.bug_id
  UNION ALL
  SELECT r.exploration_id, f.kind, f.signature,
         (SELECT count(*) FROM runs q WHERE q.exploration_id = r.exploration_id
           AND instr(q.signatures, f.signature) > 0) AS runs,
         (SELECT min(q.idx) FROM runs q WHERE q.exploration_id = r.exploration_id
           AND instr(q.signatures, f.signature) > 0) AS first_run,
         (SELECT f2.message FROM findings f2 JOIN runs r2 ON r2.id = f2.run_id
           WHERE f2.signature = f.signature AND r2.exploration_id = r.exploration_id
           ORDER BY r2.idx LIMIT 1) AS message
  FROM findings f JOIN runs r ON r.id = f.run_id
  WHERE NOT EXISTS (SELECT 1 FROM bugs b WHERE b.exploration_id = r.exploration_id)
  GROUP BY r.exploration_id, f.kind, f.signature;

-- Every finding row with the bug it is part of.
CREATE VIEW IF NOT EXISTS findings_by_bug AS
  SELECT b.exploration_id, b.id AS bug_id, b.rank AS bug_rank, b.kind AS bug_kind,
         e.role, r.idx AS run_idx, f.*
  FROM bugs b JOIN bug_evidence e ON e.bug_id = b.id
  JOIN runs r ON r.exploration_id = b.exploration_id
  JOIN findings f ON f.run_id = r.id AND f.signature = e.signature;

CREATE VIEW IF NOT EXISTS events_readable AS
  SELECT e.run_id, e.step, e.transition, e.vtime, t.name AS thread, e.op,
         o.name AS object, o.kind AS object_kind, e.value, e.line, e.flags, e.path,
         p.name AS preempted,
         (SELECT group_concat(rt.name, ', ') FROM json_each(e.runnable) j
          JOIN threads rt ON rt.run_id = e.run_id AND rt.tid = j.value) AS runnable
  FROM events e
  LEFT JOIN threads t ON t.run_id = e.run_id AND t.tid = e.thread
  LEFT JOIN threads p ON p.run_id = e.run_id AND p.tid = e.preempted
  LEFT JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object;

CREATE VIEW IF NOT EXISTS sync_coverage AS
  SELECT x.script, c.exploration_id, c.object, c.kind, c.item, c.runs, c.first_run,
         round(100.0 * c.runs / x.runs, 1) AS percent_of_runs
  FROM coverage c JOIN explorations x ON x.id = c.exploration_id
  ORDER BY c.exploration_id, c.object, c.kind, c.runs DESC;
