/*
** merge.c - `racesim merge OUT.db IN.db...`: combine trace databases, such
** as the shards of one exploration run on several machines.
**
** Every exploration, run, event, thread, object, finding, lock edge and
** coverage item of the inputs is copied into OUT with new ids.  The shards
** of one exploration (same script digest, strategy, parameters and base
** seed, different --shard I/N) become one exploration in OUT: their runs keep
** their run indices (which are disjoint), so the distinct_findings view
** counts every finding over all shards, as one unsharded exploration would.
** Their lock edges are summed, and a potential deadlock that several shards
** reported is kept once, in the lowest run.  A lock-order cycle whose orders
** only ever showed in different shards is found in the merged graph
** (merge_graph.c).
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "merge_int.h"
#include "trace.h"
#include "util.h"

static int exec(sqlite3 *db, const char *sql, char *err, size_t n) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, n, "%s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

/* Is 'path' a racesim database this racesim reads?  Its version, or -1. */
static int check_input(const char *path, char *err, size_t n) {
  sqlite3 *db;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, n, "cannot open '%s': %s", path, db ? sqlite3_errmsg(db) : "?");
    sqlite3_close(db);
    return -1;
  }
  sqlite3_stmt *st;
  int ok = 0;
  long long version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='application'", -1, &st, NULL) ==
      SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW)
      ok = !strcmp((const char *)sqlite3_column_text(st, 0), "racesim");
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  if (!ok) {
    snprintf(err, n, "'%s' is not a racesim trace database", path);
    return -1;
  }
  if (version < 1 || version > TRACE_SCHEMA_VERSION) {
    snprintf(err, n, "'%s' has schema version %lld; this racesim reads version %d", path,
             version, TRACE_SCHEMA_VERSION);
    return -1;
  }
  return (int)version; /* (an older input is read as it is, never written) */
}

/*
** The explorations of the input that OUT already has (an input given twice,
** or merged before): the same script digest, strategy, parameters, base seed,
** shard and start; or a run of the same index and seed in an exploration of
** the same script, strategy, parameters and base seed (a shard already joined
** to one: its row says 'merged' now).  They are skipped, never counted twice.
*/
/*
** Shards o and s of one exploration were run with the same plan: the same
** options (runs, max_steps, depth, pct_steps, preemption_bound, detectors;
** not which shard, how many jobs or what was recorded) and the same number
** of shards.  Others are not joined: their counts would not add up.
*/
#define PLAN(x) "json_remove(coalesce(" x ".options, '{}'), '$.shard', '$.jobs', '$.record')"
#define SHARDS(x)                                                                        \
  "substr(json_extract(coalesce(" x ".options, '{}'), '$.shard'),"                       \
  " instr(json_extract(coalesce(" x ".options, '{}'), '$.shard'), '/'))"
#define SAME_PLAN(o, s) " AND " PLAN(o) " IS " PLAN(s) " AND " SHARDS(o) " IS " SHARDS(s)

static const char merge_dups_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS dup(old INTEGER PRIMARY KEY, new INTEGER);"
    "DELETE FROM temp.dup;"
    "INSERT INTO temp.dup SELECT s.id, (SELECT o.id FROM main.explorations o"
    "  WHERE o.script_sha256 = s.script_sha256 AND o.strategy = s.strategy"
    "    AND o.params = s.params AND o.base_seed = s.base_seed"
    "    AND ((o.shard = s.shard AND o.started_at = s.started_at)"
    "      OR (EXISTS (SELECT 1 FROM src.runs r JOIN main.runs q ON q.exploration_id = o.id"
    "        AND q.idx = r.idx AND q.seed = r.seed WHERE r.exploration_id = s.id)"
    SAME_PLAN("o", "s") "))"
    "  ORDER BY o.id LIMIT 1) AS new FROM src.explorations s WHERE new IS NOT NULL;";

/* The merge of one input (attached as 'src', read-only), in parts: a
   version 1 input has no call paths and no bugs. */
static const char merge_runs_sql[] =
    /* explorations: a shard joins its exploration if OUT already has it */
    "CREATE TEMP TABLE IF NOT EXISTS xmap(old INTEGER PRIMARY KEY, new INTEGER, existed INTEGER);"
    "DELETE FROM temp.xmap;"
    "CREATE TEMP TABLE IF NOT EXISTS rmap(old INTEGER PRIMARY KEY, new INTEGER);"
    "DELETE FROM temp.rmap;"
    "INSERT INTO temp.xmap SELECT s.id, (SELECT o.id FROM main.explorations o"
    "  WHERE o.script_sha256 = s.script_sha256 AND o.strategy = s.strategy"
    "    AND o.params = s.params AND o.base_seed = s.base_seed AND o.shard <> '1/1'"
    "    AND s.shard <> '1/1'" SAME_PLAN("o", "s") " ORDER BY o.id LIMIT 1), 0"
    "  FROM src.explorations s"
    "  WHERE s.id NOT IN (SELECT old FROM temp.dup);"
    "UPDATE temp.xmap SET existed = new IS NOT NULL;"
    "INSERT INTO main.explorations(script, script_sha256, strategy, params, base_seed,"
    "  started_at, finished_at, runs, complete, status, mode, steps, pruned, options,"
    "  racesim_version, shard, jobs)"
    "  SELECT script, script_sha256, strategy, params, base_seed, started_at, finished_at,"
    "  runs, complete, status, mode, steps, pruned, options, racesim_version, shard, jobs"
    "  FROM src.explorations s WHERE s.id IN (SELECT old FROM temp.xmap WHERE new IS NULL)"
    "  ORDER BY s.id;"
    /* the ids of those just inserted: the newest rows that match */
    "UPDATE temp.xmap SET new = (SELECT o.id FROM main.explorations o"
    "  JOIN src.explorations s ON s.id = temp.xmap.old"
    "  WHERE o.script_sha256 = s.script_sha256 AND o.started_at = s.started_at"
    "    AND o.base_seed = s.base_seed AND o.shard = s.shard AND o.strategy = s.strategy"
    "  ORDER BY o.id DESC LIMIT 1) WHERE new IS NULL;"
    /* a shard merged into its exploration adds its counts */
    "UPDATE main.explorations SET"
    "  runs = runs + (SELECT sum(s.runs) FROM src.explorations s JOIN temp.xmap m"
    "    ON m.old = s.id WHERE m.new = main.explorations.id AND m.existed),"
    "  steps = steps + (SELECT sum(s.steps) FROM src.explorations s JOIN temp.xmap m"
    "    ON m.old = s.id WHERE m.new = main.explorations.id AND m.existed),"
    "  pruned = pruned + (SELECT sum(s.pruned) FROM src.explorations s JOIN temp.xmap m"
    "    ON m.old = s.id WHERE m.new = main.explorations.id AND m.existed),"
    "  complete = complete AND (SELECT min(s.complete) FROM src.explorations s JOIN temp.xmap m"
    "    ON m.old = s.id WHERE m.new = main.explorations.id AND m.existed),"
    "  shard = 'merged'"
    "  WHERE id IN (SELECT new FROM temp.xmap WHERE existed);"
    /* runs and what hangs off them */
    "INSERT INTO main.runs(exploration_id, idx, seed, schedule, steps, status, vtime, recorded)"
    "  SELECT m.new, r.idx, r.seed, r.schedule, r.steps, r.status, r.vtime, r.recorded"
    "  FROM src.runs r JOIN temp.xmap m ON m.old = r.exploration_id ORDER BY r.id;"
    /* (runs.signatures: merge_signatures_sql) */
    "INSERT INTO temp.rmap SELECT r.id, (SELECT o.id FROM main.runs o"
    "  WHERE o.exploration_id = m.new AND o.idx = r.idx ORDER BY o.id DESC LIMIT 1)"
    "  FROM src.runs r JOIN temp.xmap m ON m.old = r.exploration_id;"
    "INSERT INTO main.threads SELECT m.new, t.tid, t.name, t.parent"
    "  FROM src.threads t JOIN temp.rmap m ON m.old = t.run_id;"
    "INSERT INTO main.objects SELECT m.new, o.oid, o.kind, o.name, o.line"
    "  FROM src.objects o JOIN temp.rmap m ON m.old = o.run_id;"
    /* the replay commands recorded into the input: into OUT now */
    "INSERT INTO main.findings(run_id, kind, signature, message, step, thread, object, details)"
    "  SELECT m.new, f.kind, f.signature, f.message, f.step, f.thread, f.object,"
    "  CASE WHEN json_valid(f.details) AND json_extract(f.details, '$.replay') IS NOT NULL"
    "    THEN json_set(f.details, '$.replay', racesim_redb(json_extract(f.details, '$.replay'),"
    "      (SELECT path FROM temp.mout))) ELSE f.details END"
    "  FROM src.findings f JOIN temp.rmap m ON m.old = f.run_id ORDER BY f.id;";

/* What each run showed: a version 4 input says; an older one has every
   failing run's findings. */
static const char merge_signatures_sql[] =
    "UPDATE main.runs SET signatures = (SELECT r.signatures FROM src.runs r JOIN temp.rmap m"
    "  ON m.old = r.id WHERE m.new = main.runs.id) WHERE id IN (SELECT new FROM temp.rmap);";
static const char merge_signatures_old_sql[] =
    "UPDATE main.runs SET signatures = (SELECT group_concat(signature, ' ') FROM"
    "  (SELECT DISTINCT f.signature FROM main.findings f WHERE f.run_id = main.runs.id))"
    "  WHERE id IN (SELECT new FROM temp.rmap) AND status <> 'ok';";

static const char merge_events_sql[] =
    "INSERT INTO main.events SELECT m.new, e.step, e.thread, e.op, e.object, e.value, e.vtime,"
    "  e.line, e.transition, e.flags, e.path, e.preempted, e.runnable"
    "  FROM src.events e JOIN temp.rmap m ON m.old = e.run_id;";

/* a version 2 input has no preemptions */
static const char merge_events_v2_sql[] =
    "INSERT INTO main.events SELECT m.new, e.step, e.thread, e.op, e.object, e.value, e.vtime,"
    "  e.line, e.transition, e.flags, e.path, NULL, NULL"
    "  FROM src.events e JOIN temp.rmap m ON m.old = e.run_id;";

/* and a version 1 input no call paths */
static const char merge_events_v1_sql[] =
    "INSERT INTO main.events SELECT m.new, e.step, e.thread, e.op, e.object, e.value, e.vtime,"
    "  e.line, e.transition, e.flags, NULL, NULL, NULL"
    "  FROM src.events e JOIN temp.rmap m ON m.old = e.run_id;";

static const char merge_bugs_sql[] =
    /* bugs: copied, then grouped again where shards joined (regroup) */
    "CREATE TEMP TABLE IF NOT EXISTS bmap(old INTEGER PRIMARY KEY, new INTEGER);"
    "DELETE FROM temp.bmap;"
    "INSERT INTO main.bugs(exploration_id, rank, kind, signature, message, runs, first_run, seed,"
    "  schedule, steps, preemptions, replay)"
    "  SELECT m.new, b.rank, b.kind, b.signature, b.message, b.runs, b.first_run, b.seed,"
    "  b.schedule, b.steps, b.preemptions, racesim_redb(b.replay, (SELECT path FROM temp.mout))"
    "  FROM src.bugs b JOIN temp.xmap m ON m.old = b.exploration_id ORDER BY b.id;"
    "INSERT INTO temp.bmap SELECT b.id, (SELECT o.id FROM main.bugs o"
    "  WHERE o.exploration_id = m.new AND o.rank = b.rank AND o.signature = b.signature"
    "  ORDER BY o.id DESC LIMIT 1) FROM src.bugs b JOIN temp.xmap m ON m.old = b.exploration_id;"
    "INSERT INTO main.bug_evidence(bug_id, role, kind, signature, runs, first_run, message,"
    "  location, lines, locks, causes, related, consequence, seed, schedule, steps, preemptions,"
    "  replay, note, shrunk_schedule, shrunk_steps, shrunk_preemptions, shrunk_message,"
    "  shrunk_consequence, shrunk_headline)"
    "  SELECT m.new, e.role, e.kind, e.signature, e.runs, e.first_run, e.message, e.location,"
    "  e.lines, e.locks, e.causes, e.related, e.consequence, e.seed, e.schedule, e.steps,"
    "  e.preemptions, racesim_redb(e.replay, (SELECT path FROM temp.mout)), e.note,"
    "  e.shrunk_schedule, e.shrunk_steps, e.shrunk_preemptions, e.shrunk_message,"
    "  e.shrunk_consequence, e.shrunk_headline"
    "  FROM src.bug_evidence e JOIN temp.bmap m ON m.old = e.bug_id"
    "  ORDER BY e.rowid;";

/* an input of before lock_edges.graph: its edges without it */
static const char merge_edges_sql[] =
    "INSERT INTO main.lock_edges(exploration_id, from_lock, to_lock, thread, line, from_line,"
    "  first_run, count, graph) SELECT m.new, l.from_lock, l.to_lock, l.thread, l.line,"
    "  l.from_line, l.first_run, l.count, l.graph FROM src.lock_edges l"
    "  JOIN temp.xmap m ON m.old = l.exploration_id;";
static const char merge_edges_old_sql[] =
    "INSERT INTO main.lock_edges(exploration_id, from_lock, to_lock, thread, line, from_line,"
    "  first_run, count) SELECT m.new, l.from_lock, l.to_lock, l.thread, l.line,"
    "  l.from_line, l.first_run, l.count FROM src.lock_edges l"
    "  JOIN temp.xmap m ON m.old = l.exploration_id;";

static const char merge_tail_sql[] =
    /* a shard's lock edges join its exploration's: one row per edge (its
       locks, thread, lines and gate locks), with the graph of its first run
       (SQLite takes the bare column from the row of the min()) */
    "CREATE TEMP TABLE IF NOT EXISTS le AS SELECT * FROM main.lock_edges WHERE 0;"
    "DELETE FROM temp.le;"
    "INSERT INTO temp.le SELECT exploration_id, from_lock, to_lock, thread, line, from_line,"
    "  min(first_run), sum(count), graph FROM main.lock_edges"
    "  WHERE exploration_id IN (SELECT new FROM temp.xmap WHERE existed)"
    "  GROUP BY exploration_id, from_lock, to_lock, thread, line, from_line,"
    "  json_extract(graph, '$.from'), json_extract(graph, '$.to'),"
    "  json_extract(graph, '$.thread'), json_extract(graph, '$.held');"
    "DELETE FROM main.lock_edges WHERE exploration_id IN (SELECT new FROM temp.xmap WHERE existed);"
    "INSERT INTO main.lock_edges SELECT * FROM temp.le;"
    /* a potential deadlock is one per exploration, though each shard saw it:
       keep the one of the lowest run */
    "CREATE TEMP TABLE IF NOT EXISTS dropped(run_id INTEGER, signature TEXT);"
    "DELETE FROM temp.dropped;"
    "INSERT INTO temp.dropped SELECT f.run_id, f.signature FROM main.findings f"
    "  JOIN main.runs r ON r.id = f.run_id"
    "  WHERE f.kind = 'potential_deadlock'"
    "    AND r.exploration_id IN (SELECT new FROM temp.xmap WHERE existed)"
    "    AND EXISTS (SELECT 1 FROM main.findings g JOIN main.runs q ON q.id = g.run_id"
    "      WHERE q.exploration_id = r.exploration_id AND g.kind = f.kind"
    "        AND g.signature = f.signature AND (q.idx < r.idx OR (q.idx = r.idx AND g.id < f.id)));"
    "DELETE FROM main.findings WHERE kind = 'potential_deadlock' AND EXISTS (SELECT 1 FROM"
    "  temp.dropped d WHERE d.run_id = findings.run_id AND d.signature = findings.signature);"
    /* ... and from the signatures of the runs that showed it; a run that
       showed only such a dropped finding is a passing run again */
    "UPDATE main.runs SET signatures = trim(replace(signatures, (SELECT f.signature FROM"
    "  temp.dropped f WHERE f.run_id = runs.id), ''))"
    "  WHERE id IN (SELECT run_id FROM temp.dropped);"
    "UPDATE main.runs SET signatures = NULL, status = 'ok' WHERE status = 'finding'"
    "  AND id IN (SELECT run_id FROM temp.dropped) AND signatures = '';"
    "INSERT INTO main.coverage SELECT m.new, c.object, c.kind, c.item, c.runs, c.first_run"
    "  FROM src.coverage c JOIN temp.xmap m ON m.old = c.exploration_id WHERE 1"
    "  ON CONFLICT(exploration_id, object, kind, item) DO UPDATE SET"
    "  runs = runs + excluded.runs, first_run = min(first_run, excluded.first_run);";

/*
** redb(cmd, out): a replay command recorded into another database, made to
** record into 'out' (racesim appends --db FILE or --no-db last).
*/
static void redb(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *cmd = (const char *)sqlite3_value_text(argv[0]);
  const char *out = (const char *)sqlite3_value_text(argv[1]);
  if (!cmd || !out || strncmp(cmd, "racesim replay ", 15) != 0) {
    sqlite3_result_value(ctx, argv[0]);
    return;
  }
  const char *cut = NULL;
  for (const char *p = cmd; (p = strstr(p, " --")) != NULL; p++)
    if (!strncmp(p, " --db ", 6) || !strcmp(p, " --no-db")) cut = p;
  StrBuf b;
  sb_init(&b);
  sb_putn(&b, cmd, cut ? (size_t)(cut - cmd) : strlen(cmd));
  sb_puts(&b, " --db ");
  sb_shell_word(&b, out);
  sqlite3_result_text(ctx, b.s, (int)b.len, SQLITE_TRANSIENT);
  sb_free(&b);
}

/*
** The runs of exploration 'expl' that showed bug 'b' (an observation of its
** headline's kind), from the findings of every run, as bug_runs counts them
** for an exploration.
*/
static void count_runs(sqlite3 *db, int64_t expl, const FindingStore *fs, Bug *b) {
  StrBuf q;
  sb_init(&q);
  sb_puts(&q, "SELECT count(*) FROM runs r WHERE r.exploration_id = ? AND (0");
  int k = 0;
  for (size_t j = 0; j < b->nobs; j++) {
    const Distinct *d = &fs->v[b->obs[j]];
    if (d->kind == b->kind)
      k++, sb_printf(&q, " OR instr(r.signatures, '%016llx') > 0", (unsigned long long)d->sig);
  }
  sb_puts(&q, ")");
  sqlite3_stmt *st;
  if (k && sqlite3_prepare_v2(db, q.s, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, expl);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
      b->runs = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sb_free(&q);
}

/*
** The bugs of an exploration whose shards were merged: its observations
** (every shard's bug_evidence) added up and grouped again, as one
** unsharded exploration would have grouped them.
*/
static int regroup(const char *path, StrBuf *said, char *err, size_t n) {
  Trace *t = trace_open(path, err, n);
  if (!t) return -1;
  sqlite3 *db;
  int rc = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, n, "cannot open '%s'", path);
    trace_close(t);
    sqlite3_close(db);
    return -1;
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT id, runs FROM explorations WHERE shard = 'merged' ORDER BY id", -1,
                         &st, NULL) == SQLITE_OK) {
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
      int64_t expl = sqlite3_column_int64(st, 0);
      FindingStore fs;
      BugList bl;
      finding_init(&fs);
      rc = trace_observations(t, expl, &fs);
      if (!rc) merge_cycles(t, db, expl, path, &fs, said);
      bug_group(&fs, (uint64_t)sqlite3_column_int64(st, 1), &bl);
      for (size_t k = 0; k < bl.n; k++) count_runs(db, expl, &fs, &bl.v[k]);
      if (!rc) rc = trace_bugs(t, expl, &fs, &bl);
      if (rc) snprintf(err, n, "grouping the bugs of exploration %lld: %s", (long long)expl,
                       trace_error(t));
      bug_free(&bl);
      finding_free(&fs);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  trace_close(t);
  return rc;
}

const char cli_merge_help[] =
    "usage: racesim merge OUT.db IN.db...\n"
    "\n"
    "Copy every exploration, run, event and finding of each IN.db into OUT.db\n"
    "(created if it does not exist), with new ids.  The shards of one exploration\n"
    "(--shard I/N, same script, strategy, parameters and base seed) become one\n"
    "exploration, whose findings are counted and grouped into bugs over every\n"
    "shard, as one unsharded exploration would have them.  Their lock-order\n"
    "graphs are searched together: a cycle whose orders were taken in different\n"
    "shards is a potential deadlock of the merged exploration (confirmed by a\n"
    "directed search when the scenario is at hand, unchanged), printed here.\n"
    "\n"
    "exit status: 0 merged, 2 bad usage or a bad database\n";

/* Does the attached input keep lock_edges.graph? */
static int has_graph(sqlite3 *db) {
  sqlite3_stmt *st;
  int yes = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT count(*) FROM pragma_table_info('lock_edges', 'src')"
                         " WHERE name = 'graph'",
                         -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) yes = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
  }
  return yes;
}

/* ATTACH an input read-only: a URI with its path escaped (% ? # are special). */
static char *attach_sql(const char *path) {
  StrBuf u;
  sb_init(&u);
  sb_puts(&u, "file:");
  for (const char *p = path; *p; p++) {
    if (*p == '%' || *p == '?' || *p == '#') sb_printf(&u, "%%%02X", (unsigned char)*p);
    else sb_putc(&u, *p);
  }
  sb_puts(&u, "?mode=ro");
  char *sql = sqlite3_mprintf("ATTACH DATABASE %Q AS src", u.s);
  sb_free(&u);
  return sql;
}

/*
** A note for each shard of input 'in' that was not joined to a shard of the
** same scenario, strategy, parameters and seed in OUT: run with another plan.
*/
static void say_unjoined(sqlite3 *db, const char *in) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          db,
          "SELECT m.old, s.shard, (SELECT o.id FROM main.explorations o"
          "  WHERE o.id <> m.new AND o.script_sha256 = s.script_sha256 AND o.strategy = s.strategy"
          "    AND o.params = s.params AND o.base_seed = s.base_seed AND o.shard <> '1/1'"
          "  ORDER BY o.id LIMIT 1) AS other FROM temp.xmap m JOIN src.explorations s"
          "  ON s.id = m.old WHERE NOT m.existed AND s.shard <> '1/1' AND other IS NOT NULL"
          "  ORDER BY m.old",
          -1, &st, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step(st) == SQLITE_ROW)
    fprintf(stderr, "racesim merge: note: shard %s (exploration %lld of '%s') is not joined to "
                    "exploration %lld: they were run with other options (--runs, --max-steps, "
                    "--detectors, ...) or another number of shards, so their counts would not "
                    "add up; it is kept as an exploration of its own\n",
            (const char *)sqlite3_column_text(st, 1), (long long)sqlite3_column_int64(st, 0), in,
            (long long)sqlite3_column_int64(st, 2));
  sqlite3_finalize(st);
}

/* A note for each exploration of input 'in' that 'out' already has. */
static void say_dups(sqlite3 *db, const char *in, const char *out) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT old, new FROM temp.dup ORDER BY old", -1, &st, NULL) !=
      SQLITE_OK)
    return;
  while (sqlite3_step(st) == SQLITE_ROW)
    fprintf(stderr, "racesim merge: note: exploration %lld of '%s' is already in '%s' "
                    "(exploration %lld): skipped, not counted twice\n",
            (long long)sqlite3_column_int64(st, 0), in, out,
            (long long)sqlite3_column_int64(st, 1));
  sqlite3_finalize(st);
}

int cli_merge(int argc, char **argv) {
  if (argc < 2 || argv[0][0] == '-') {
    fprintf(stderr, "racesim merge: usage: racesim merge OUT.db IN.db...\n");
    return 2;
  }
  char err[1024];
  struct stat out_st;
  int out_exists = stat(argv[0], &out_st) == 0;
  for (int i = 1; i < argc; i++) {
    struct stat in_st; /* (by inode: ./OUT, a link to it, OUT itself) */
    if (!strcmp(argv[i], argv[0]) ||
        (out_exists && stat(argv[i], &in_st) == 0 && in_st.st_dev == out_st.st_dev &&
         in_st.st_ino == out_st.st_ino)) {
      fprintf(stderr, "racesim merge: the input '%s' is the output file '%s' itself: merge "
                      "other databases into it\n", argv[i], argv[0]);
      return 2;
    }
    if (check_input(argv[i], err, sizeof err) < 0) {
      fprintf(stderr, "racesim merge: %s\n", err);
      return 2;
    }
  }
  Trace *t = trace_open(argv[0], err, sizeof err); /* creates or checks OUT */
  if (!t) {
    fprintf(stderr, "racesim merge: %s\n", err);
    return 2;
  }
  trace_close(t);
  sqlite3 *db;
  if (sqlite3_open_v2(argv[0], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
    fprintf(stderr, "racesim merge: cannot open '%s'\n", argv[0]);
    sqlite3_close(db);
    return 2;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_create_function(db, "racesim_redb", 2, SQLITE_UTF8, NULL, redb, NULL, NULL);
  char *mout = sqlite3_mprintf("CREATE TEMP TABLE IF NOT EXISTS mout(path TEXT);"
                               "DELETE FROM temp.mout; INSERT INTO temp.mout VALUES (%Q)",
                               argv[0]);
  if (exec(db, mout, err, sizeof err) != 0) {
    fprintf(stderr, "racesim merge: %s\n", err);
    sqlite3_free(mout);
    sqlite3_close(db);
    return 2;
  }
  sqlite3_free(mout);
  int rc = 0;
  long long runs = 0;
  for (int i = 1; i < argc && !rc; i++) {
    int ver = check_input(argv[i], err, sizeof err), v1 = ver == 1;
    char *attach = attach_sql(argv[i]);
    if (exec(db, attach, err, sizeof err) || exec(db, "BEGIN IMMEDIATE", err, sizeof err) ||
        exec(db, merge_dups_sql, err, sizeof err) || (say_dups(db, argv[i], argv[0]), 0) ||
        exec(db, merge_runs_sql, err, sizeof err) || (say_unjoined(db, argv[i]), 0) ||
        exec(db, ver >= 4 ? merge_signatures_sql : merge_signatures_old_sql, err, sizeof err) ||
        exec(db, v1 ? merge_events_v1_sql : ver == 2 ? merge_events_v2_sql : merge_events_sql,
             err, sizeof err) ||
        (!v1 && exec(db, merge_bugs_sql, err, sizeof err)) ||
        exec(db, has_graph(db) ? merge_edges_sql : merge_edges_old_sql, err, sizeof err) ||
        exec(db, merge_tail_sql, err, sizeof err) || exec(db, "COMMIT", err, sizeof err)) {
      fprintf(stderr, "racesim merge: merging '%s' failed: %s\n", argv[i], err);
      exec(db, "ROLLBACK", err, sizeof err);
      rc = 2;
    }
    sqlite3_free(attach);
    sqlite3_stmt *st;
    if (!rc && sqlite3_prepare_v2(db, "SELECT count(*) FROM src.runs WHERE exploration_id NOT IN"
                                      " (SELECT old FROM temp.dup)", -1, &st, NULL) == SQLITE_OK) {
      if (sqlite3_step(st) == SQLITE_ROW) runs += sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    exec(db, "DETACH DATABASE src", err, sizeof err);
  }
  sqlite3_close(db);
  StrBuf said;
  sb_init(&said);
  if (!rc && regroup(argv[0], &said, err, sizeof err) != 0) {
    fprintf(stderr, "racesim merge: %s\n", err);
    rc = 2;
  }
  if (!rc) printf("merged %d database%s (%lld runs) into %s\n", argc - 1, argc == 2 ? "" : "s", runs,
                  argv[0]);
  if (!rc && said.len) fputs(said.s, stdout);
  sb_free(&said);
  return rc;
}
