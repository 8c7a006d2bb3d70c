/*
** report.c - `racesim report DB [--exploration ID] [--run N] [--html FILE]
** [--json]`.
**
** Reads a trace database and prints what it holds: every exploration (or
** the one of --exploration) with its bugs (table bugs: each with its
** headline, counts, the run that shows it, what it folds in and its replay
** command; --json in the shape of `racesim run --json`; an exploration
** recorded without bugs rows, by schema version 1, shows each distinct
** finding as a bug of its own), or one run step by step (--run N: N is the
** run index users see, runs.idx, in the latest exploration or the one
** given), as text, JSON, or one self-contained HTML file (no network, no
** external assets): the summary, each bug with a swimlane timeline of the
** run that shows it (one lane per thread, one row per step, the steps that
** make the bug highlighted, call paths shown), a wait-for graph for a
** deadlock or a stuck run, the lock-order graph, and the synchronization
** coverage, the graphs as inline SVG.  Every name that comes from a
** scenario is escaped.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "cli.h"
#include "svg.h"
#include "trace.h"
#include "util.h"

typedef struct Report {
  sqlite3 *db;
  const char *path;
  int json;
  long long expl; /* --exploration ID, or -1: every exploration */
  int nsvg;       /* SVGs written so far: each has its own marker ids */
  StrBuf out;
} Report;

static const char *col(sqlite3_stmt *st, int i) {
  const unsigned char *s = sqlite3_column_text(st, i);
  return s ? (const char *)s : "";
}

static sqlite3_stmt *prep(Report *r, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "racesim report: %s\n", sqlite3_errmsg(r->db));
    return NULL;
  }
  return st;
}

/*
** Read a database of schema version 1 as one of version 2, without writing
** to it: temporary views and tables (which SQLite looks in before the main
** database) give it what version 2 added, empty: events.path (NULL), the
** bugs and bug_evidence tables (so each distinct finding is shown alone).
*/
static int read_version_1(Report *r) {
  static const char sql[] =
      "CREATE TEMP VIEW events AS SELECT *, NULL AS path FROM main.events;"
      "CREATE TEMP VIEW events_readable AS"
      "  SELECT e.run_id, e.step, e.transition, e.vtime, t.name AS thread, e.op,"
      "         o.name AS object, o.kind AS object_kind, e.value, e.line, e.flags, e.path"
      "  FROM temp.events e"
      "  LEFT JOIN threads t ON t.run_id = e.run_id AND t.tid = e.thread"
      "  LEFT JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object;"
      "CREATE TEMP TABLE bugs(id INTEGER PRIMARY KEY, exploration_id, rank, kind, signature,"
      "  message, runs, first_run, seed, schedule, steps, preemptions, replay);"
      "CREATE TEMP TABLE bug_evidence(bug_id, role, kind, signature, runs, first_run, message,"
      "  schedule, steps, preemptions, note, shrunk_headline);";
  char *msg = NULL;
  if (sqlite3_exec(r->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    fprintf(stderr, "racesim report: cannot read '%s' (schema version 1): %s\n", r->path,
            msg ? msg : sqlite3_errmsg(r->db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

/* Open a racesim database read-only, refusing anything else. */
static int open_db(Report *r, const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    fprintf(stderr, "racesim report: '%s' does not exist\n", path);
    return -1;
  }
  if (S_ISDIR(sb.st_mode)) {
    fprintf(stderr, "racesim report: '%s' is a directory, not a trace database\n", path);
    return -1;
  }
  if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    fprintf(stderr, "racesim report: cannot open '%s'\n", path);
    return -1;
  }
  sqlite3_busy_timeout(r->db, 10000);
  sqlite3_stmt *st;
  int ok = 0;
  long long v = -1;
  if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key='application'", -1, &st,
                         NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) ok = !strcmp(col(st, 0), "racesim");
    sqlite3_finalize(st);
  }
  if (sqlite3_prepare_v2(r->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  if (!ok) {
    fprintf(stderr, "racesim report: '%s' is not a racesim trace database\n", path);
    return -1;
  }
  if (v == 1) return read_version_1(r);
  if (v != TRACE_SCHEMA_VERSION) {
    fprintf(stderr,
            "racesim report: '%s' is a racesim trace database of schema version %lld; this "
            "racesim reads version %d\n",
            path, v, TRACE_SCHEMA_VERSION);
    return -1;
  }
  return 0;
}

static char *dup_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : util_xstrdup(col(st, i));
}

/* An integer column, -1 when NULL. */
static long long num_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* ---- bugs as the database keeps them ---------------------------------- */

/* One observation folded into a bug: a row of bug_evidence. */
typedef struct RepObs {
  char *role, *kind, *sig, *message, *schedule, *note;
  long long runs, first_run, steps, preemptions; /* -1: not known */
} RepObs;

/*
** A bug: a row of bugs with its evidence, or, for an exploration recorded
** without them (schema version 1), one distinct finding on its own.
** schedule, steps and preemptions are the run shown (first_run); shrunk_*
** the simpler run the replay command replays, when shrinking found one.
*/
typedef struct RepBug {
  char *kind, *sig, *message, *seed, *schedule, *replay, *note, *shrunk_schedule;
  long long runs, first_run, steps, preemptions, shrunk_steps, shrunk_preemptions;
  RepObs *obs;
  size_t nobs, cap;
} RepBug;

typedef struct BugSet {
  RepBug *v;
  size_t n, cap, nobs;
  int grouped; /* 1: from table bugs; 0: each distinct finding alone */
} BugSet;

static void bugs_free(BugSet *bs) {
  for (size_t i = 0; i < bs->n; i++) {
    RepBug *g = &bs->v[i];
    for (size_t j = 0; j < g->nobs; j++) {
      RepObs *e = &g->obs[j];
      free(e->role), free(e->kind), free(e->sig), free(e->message), free(e->schedule);
      free(e->note);
    }
    free(g->obs);
    free(g->kind), free(g->sig), free(g->message), free(g->seed), free(g->schedule);
    free(g->replay), free(g->note), free(g->shrunk_schedule);
  }
  free(bs->v);
  memset(bs, 0, sizeof *bs);
}

static RepBug *new_bug(BugSet *bs) {
  UTIL_GROW(bs->v, bs->n + 1, bs->cap);
  RepBug *g = &bs->v[bs->n++];
  memset(g, 0, sizeof *g);
  g->shrunk_steps = g->shrunk_preemptions = -1;
  return g;
}

static RepObs *new_obs(RepBug *g) {
  UTIL_GROW(g->obs, g->nobs + 1, g->cap);
  RepObs *e = &g->obs[g->nobs++];
  memset(e, 0, sizeof *e);
  return e;
}

/* The message of signature 'sig' as run 'idx' of 'expl' tells it, or NULL. */
static char *message_in_run(Report *r, long long expl, long long idx, const char *sig) {
  sqlite3_stmt *st = prep(r, "SELECT f.message FROM findings f JOIN runs r ON r.id = f.run_id"
                             " WHERE r.exploration_id = ? AND r.idx = ? AND f.signature = ?"
                             " ORDER BY f.id LIMIT 1");
  char *out = NULL;
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_int64(st, 2, idx);
  sqlite3_bind_text(st, 3, sig, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) out = dup_col(st, 0);
  sqlite3_finalize(st);
  return out;
}

/*
** The evidence of bug 'id' into g.  The run shown is its first
** consequence's (the rows are in bug.c's order: headline, consequences,
** evidence), else its headline's: that row has the run's own schedule,
** steps and preemptions; the bug's row has those of its replay.
*/
static int load_evidence(Report *r, long long expl, long long id, RepBug *g) {
  char *shrunk_head = NULL;
  sqlite3_stmt *st = prep(r, "SELECT role, kind, signature, runs, first_run, message, schedule,"
                             " steps, preemptions, note, shrunk_headline FROM bug_evidence"
                             " WHERE bug_id = ? ORDER BY rowid");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, id);
  while (sqlite3_step(st) == SQLITE_ROW) {
    RepObs *e = new_obs(g);
    e->role = dup_col(st, 0), e->kind = dup_col(st, 1), e->sig = dup_col(st, 2);
    e->runs = num_col(st, 3), e->first_run = num_col(st, 4);
    e->message = dup_col(st, 5), e->schedule = dup_col(st, 6);
    e->steps = num_col(st, 7), e->preemptions = num_col(st, 8), e->note = dup_col(st, 9);
    if (sqlite3_column_type(st, 10) != SQLITE_NULL) { /* shrunk: the replayed run's words */
      free(shrunk_head);
      shrunk_head = dup_col(st, 10);
    }
  }
  sqlite3_finalize(st);
  const RepObs *rep = NULL;
  for (size_t j = 0; j < g->nobs && !rep; j++)
    if (g->obs[j].role && !strcmp(g->obs[j].role, "consequence")) rep = &g->obs[j];
  if (!rep && g->nobs) rep = &g->obs[0];
  if (rep && rep->schedule && g->schedule && strcmp(rep->schedule, g->schedule)) {
    g->shrunk_schedule = g->schedule; /* the bug's row: the replay's run */
    g->shrunk_steps = g->steps, g->shrunk_preemptions = g->preemptions;
    g->schedule = util_xstrdup(rep->schedule);
    g->steps = rep->steps, g->preemptions = rep->preemptions;
  }
  if (g->nobs && g->obs[0].note) g->note = util_xstrdup(g->obs[0].note);
  /* the headline as the run shown tells it (the bug's message does): the
     shorter run the replay command replays, once shrinking found one */
  char *m = shrunk_head ? shrunk_head
            : g->nobs   ? message_in_run(r, expl, g->first_run, g->obs[0].sig)
                        : NULL;
  if (m && g->nobs) free(g->obs[0].message), g->obs[0].message = m;
  else free(m);
  return 0;
}

static int load_grouped(Report *r, long long expl, BugSet *bs) {
  sqlite3_stmt *st = prep(r, "SELECT id, kind, signature, message, runs, first_run, seed,"
                             " schedule, steps, preemptions, replay FROM bugs"
                             " WHERE exploration_id = ? ORDER BY rank, id");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, expl);
  int rc = 0;
  while (!rc && sqlite3_step(st) == SQLITE_ROW) {
    RepBug *g = new_bug(bs);
    g->kind = dup_col(st, 1), g->sig = dup_col(st, 2), g->message = dup_col(st, 3);
    g->runs = num_col(st, 4), g->first_run = num_col(st, 5), g->seed = dup_col(st, 6);
    g->schedule = dup_col(st, 7), g->steps = num_col(st, 8), g->preemptions = num_col(st, 9);
    g->replay = dup_col(st, 10);
    rc = load_evidence(r, expl, sqlite3_column_int64(st, 0), g);
    bs->nobs += g->nobs;
  }
  sqlite3_finalize(st);
  bs->grouped = 1;
  return rc;
}

/* The order of the report for a kind (bug.c's bug_rank), in SQL. */
#define KIND_RANK_SQL                                                                   \
  "CASE kind WHEN 'deadlock' THEN 0 WHEN 'lost_update' THEN 1 WHEN 'assertion' THEN 2" \
  " WHEN 'error' THEN 2 WHEN 'stuck' THEN 3 WHEN 'barrier_broken' THEN 4"             \
  " WHEN 'data_race' THEN 5 WHEN 'potential_deadlock' THEN 6 ELSE 7 END"

/* Without rows in bugs: each distinct finding as a bug of its own. */
static int load_distinct(Report *r, long long expl, BugSet *bs) {
  sqlite3_stmt *st = prep(r, "SELECT kind, signature, runs, first_run, message FROM"
                             " distinct_findings WHERE exploration_id = ? ORDER BY "
                             KIND_RANK_SQL ", first_run, kind, signature");
  sqlite3_stmt *run = prep(r, "SELECT r.seed, r.schedule, r.steps,"
                              " json_extract(f.details, '$.replay') FROM findings f"
                              " JOIN runs r ON r.id = f.run_id WHERE r.exploration_id = ?"
                              " AND f.signature = ? ORDER BY r.idx, f.id LIMIT 1");
  if (!st || !run) {
    sqlite3_finalize(st);
    sqlite3_finalize(run);
    return 2;
  }
  sqlite3_bind_int64(st, 1, expl);
  while (sqlite3_step(st) == SQLITE_ROW) {
    RepBug *g = new_bug(bs);
    g->kind = dup_col(st, 0), g->sig = dup_col(st, 1), g->runs = num_col(st, 2);
    g->first_run = num_col(st, 3), g->message = dup_col(st, 4);
    g->steps = g->preemptions = -1;
    sqlite3_reset(run);
    sqlite3_bind_int64(run, 1, expl);
    sqlite3_bind_text(run, 2, col(st, 1), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(run) == SQLITE_ROW) {
      g->seed = dup_col(run, 0), g->schedule = dup_col(run, 1), g->steps = num_col(run, 2);
      g->replay = dup_col(run, 3);
    }
    RepObs *e = new_obs(g);
    e->role = util_xstrdup("headline"), e->kind = dup_col(st, 0), e->sig = dup_col(st, 1);
    e->runs = g->runs, e->first_run = g->first_run, e->message = dup_col(st, 4);
    e->steps = e->preemptions = -1;
    bs->nobs++;
  }
  sqlite3_finalize(st);
  sqlite3_finalize(run);
  bs->grouped = 0;
  return 0;
}

/* The bugs of exploration 'expl', from table bugs or, without rows there,
   from its distinct findings. */
static int load_bugs(Report *r, long long expl, BugSet *bs) {
  memset(bs, 0, sizeof *bs);
  long long n;
  sqlite3_stmt *st = prep(r, "SELECT count(*) FROM bugs WHERE exploration_id = ?");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, expl);
  n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return n > 0 ? load_grouped(r, expl, bs) : load_distinct(r, expl, bs);
}

static const char *plural(long long n) { return n == 1 ? "" : "s"; }

/* "1 bug (4 observations)", and why they are not grouped where they are not. */
static void bug_count(StrBuf *o, const BugSet *bs) {
  sb_printf(o, "%zu bug%s (%zu observation%s", bs->n, plural((long long)bs->n), bs->nobs,
            plural((long long)bs->nobs));
  if (!bs->grouped)
    sb_puts(o, "; not grouped into bugs: none were recorded for this exploration (a database "
               "of schema version 1, or an exploration that never finished), so each distinct "
               "finding is shown alone");
  sb_puts(o, ")");
}

/* ---- text and JSON ---------------------------------------------------- */

static void json_str_or_null(StrBuf *o, const char *s) {
  if (s) sb_json_str(o, s);
  else sb_puts(o, "null");
}

static void json_num_or_null(StrBuf *o, long long v) {
  if (v >= 0) sb_printf(o, "%lld", v);
  else sb_puts(o, "null");
}

/* One bug in the shape of `racesim run --json`'s findings (explore.c). */
static void json_bug(StrBuf *o, const RepBug *g) {
  sb_puts(o, "{\"kind\": ");
  json_str_or_null(o, g->kind);
  sb_printf(o, ", \"count\": %lld, \"signature\": ", g->runs);
  json_str_or_null(o, g->sig);
  sb_puts(o, ", \"message\": ");
  json_str_or_null(o, g->message);
  sb_puts(o, ", \"first_run\": ");
  json_num_or_null(o, g->first_run);
  sb_puts(o, ", \"seed\": ");
  json_str_or_null(o, g->seed);
  sb_puts(o, ", \"steps\": ");
  json_num_or_null(o, g->steps);
  sb_puts(o, ", \"preemptions\": ");
  json_num_or_null(o, g->preemptions);
  sb_puts(o, ", \"schedule\": ");
  json_str_or_null(o, g->schedule);
  sb_puts(o, ", \"replay\": ");
  json_str_or_null(o, g->replay);
  if (g->shrunk_schedule) {
    sb_puts(o, ", \"shrunk\": {\"steps\": ");
    json_num_or_null(o, g->shrunk_steps);
    sb_puts(o, ", \"preemptions\": ");
    json_num_or_null(o, g->shrunk_preemptions);
    sb_puts(o, ", \"schedule\": ");
    sb_json_str(o, g->shrunk_schedule);
    sb_puts(o, "}");
  }
  if (g->note) {
    sb_puts(o, ", \"note\": ");
    sb_json_str(o, g->note);
  }
  sb_puts(o, ", \"evidence\": [");
  for (size_t j = 0; j < g->nobs; j++) {
    const RepObs *e = &g->obs[j];
    sb_puts(o, j ? ", {\"kind\": " : "{\"kind\": ");
    json_str_or_null(o, e->kind);
    sb_puts(o, ", \"role\": ");
    json_str_or_null(o, e->role);
    sb_printf(o, ", \"count\": %lld, \"first_run\": ", e->runs);
    json_num_or_null(o, e->first_run);
    sb_puts(o, ", \"signature\": ");
    json_str_or_null(o, e->sig);
    sb_puts(o, ", \"message\": ");
    json_str_or_null(o, e->message);
    sb_puts(o, "}");
  }
  sb_puts(o, "]}");
}

/* One bug as text: what `racesim run` prints, and what it folds in. */
static void text_bug(StrBuf *o, const RepBug *g, int k, long long runs) {
  StrBuf at;
  sb_init(&at);
  if (g->steps >= 0) sb_printf(&at, ", %lld step%s", g->steps, plural(g->steps));
  if (g->preemptions >= 0)
    sb_printf(&at, ", %lld preemption%s", g->preemptions, plural(g->preemptions));
  if (g->kind && !strcmp(g->kind, "potential_deadlock"))
    sb_printf(o, "  [%d] %s: in the lock-order graph of %lld run%s (cycle complete in run %lld%s)\n",
              k, g->kind, runs, plural(runs), g->first_run, at.s ? at.s : "");
  else
    sb_printf(o, "  [%d] %s: in %lld of %lld run%s (first: run %lld%s)\n", k,
              g->kind ? g->kind : "?", g->runs, runs, plural(runs), g->first_run,
              at.s ? at.s : "");
  sb_free(&at);
  sb_printf(o, "      %s\n", g->message ? g->message : "");
  if (g->nobs > 1) sb_puts(o, "      folds in:\n");
  for (size_t j = 1; j < g->nobs; j++) {
    const RepObs *e = &g->obs[j];
    sb_printf(o, "        %-11s %s in %lld run%s (first: run %lld): %s\n",
              e->role ? e->role : "", e->kind ? e->kind : "?", e->runs, plural(e->runs),
              e->first_run, e->message ? e->message : "");
  }
  if (g->note) sb_printf(o, "      %s\n", g->note);
  if (g->shrunk_schedule)
    sb_printf(o, "      shrunk: %lld step%s, %lld preemption%s (from %lld, %lld)\n",
              g->shrunk_steps, plural(g->shrunk_steps), g->shrunk_preemptions,
              plural(g->shrunk_preemptions), g->steps, g->preemptions);
  if (g->replay) sb_printf(o, "      replay: %s\n", g->replay);
}

static int summary(Report *r) {
  StrBuf *o = &r->out;
  sqlite3_stmt *x = prep(r, "SELECT id, script, strategy, base_seed, runs, steps, complete,"
                            " status, mode, shard, started_at, finished_at, params, pruned"
                            " FROM explorations WHERE ?1 < 0 OR id = ?1 ORDER BY id");
  if (!x) return 2;
  sqlite3_bind_int64(x, 1, r->expl);
  if (r->json) sb_printf(o, "{\"db\": "), sb_json_str(o, r->path), sb_puts(o, ", \"explorations\": [");
  int n = 0;
  while (sqlite3_step(x) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(x, 0), runs = sqlite3_column_int64(x, 4);
    BugSet bs;
    if (load_bugs(r, id, &bs) != 0) {
      bugs_free(&bs);
      sqlite3_finalize(x);
      return 2;
    }
    if (r->json) {
      sb_printf(o, "%s{\"id\": %lld, \"script\": ", n ? ", " : "", id);
      sb_json_str(o, col(x, 1));
      sb_puts(o, ", \"strategy\": ");
      sb_json_str(o, col(x, 2));
      sb_puts(o, ", \"base_seed\": ");
      sb_json_str(o, col(x, 3));
      sb_printf(o, ", \"runs\": %lld, \"steps\": %lld, \"complete\": %s, \"pruned\": %lld, \"status\": ",
                runs, sqlite3_column_int64(x, 5), sqlite3_column_int(x, 6) ? "true" : "false",
                sqlite3_column_int64(x, 13));
      sb_json_str(o, col(x, 7));
      sb_puts(o, ", \"mode\": ");
      sb_json_str(o, col(x, 8));
      sb_puts(o, ", \"shard\": ");
      sb_json_str(o, col(x, 9));
      sb_puts(o, ", \"params\": ");
      sb_json_str(o, col(x, 12));
      sb_puts(o, ", \"started_at\": ");
      sb_json_str(o, col(x, 10));
      sb_printf(o, ", \"bugs\": %zu, \"observations\": %zu, \"grouped\": %s, \"findings\": [",
                bs.n, bs.nobs, bs.grouped ? "true" : "false");
      for (size_t k = 0; k < bs.n; k++) {
        if (k) sb_puts(o, ", ");
        json_bug(o, &bs.v[k]);
      }
      sb_puts(o, "]}");
    } else {
      sb_printf(o, "exploration %lld: %s, strategy %s, base seed %s%s%s\n", id, col(x, 1), col(x, 2),
                col(x, 3), col(x, 12)[0] ? ", -D " : "", col(x, 12));
      sb_printf(o, "  %lld run%s, %lld steps, %s, %s (%s mode, shard %s, started %s)\n", runs,
                plural(runs), sqlite3_column_int64(x, 5),
                sqlite3_column_int(x, 6) ? "complete" : "not complete", col(x, 7), col(x, 8),
                col(x, 9), col(x, 10));
      if (!bs.n) {
        sb_puts(o, "  no findings\n");
      } else {
        sb_puts(o, "  ");
        bug_count(o, &bs);
        sb_puts(o, ":\n");
      }
      for (size_t k = 0; k < bs.n; k++) text_bug(o, &bs.v[k], (int)k + 1, runs);
      sb_putc(o, '\n');
    }
    bugs_free(&bs);
    n++;
  }
  sqlite3_finalize(x);
  if (r->json) sb_puts(o, "]}\n");
  else if (!n) sb_puts(o, "no explorations in this database\n");
  return 0;
}

/*
** The first row of 'sql' (bound to 'arg' if it takes a parameter): its 'n'
** integer columns into v, each -1 when NULL or when there is no row.
*/
static void int_row(Report *r, const char *sql, long long arg, long long *v, int n) {
  for (int i = 0; i < n; i++) v[i] = -1;
  sqlite3_stmt *st = prep(r, sql);
  if (!st) return;
  if (sqlite3_bind_parameter_count(st)) sqlite3_bind_int64(st, 1, arg);
  if (sqlite3_step(st) == SQLITE_ROW)
    for (int i = 0; i < n; i++)
      if (sqlite3_column_type(st, i) != SQLITE_NULL) v[i] = sqlite3_column_int64(st, i);
  sqlite3_finalize(st);
}

/*
** Check r->expl (--exploration ID), or, with 'latest' and no ID given, make
** it the latest exploration.  0, or 2 after saying which explorations DB has.
*/
static int resolve_exploration(Report *r, int latest) {
  if (r->expl < 0 && !latest) return 0;
  long long all[3]; /* count, min(id), max(id) */
  int_row(r, "SELECT count(*), min(id), max(id) FROM explorations", 0, all, 3);
  if (all[0] <= 0) {
    fprintf(stderr, "racesim report: '%s' holds no exploration (nothing was run into it)\n",
            r->path);
    return 2;
  }
  if (r->expl < 0) r->expl = all[2];
  long long found;
  int_row(r, "SELECT id FROM explorations WHERE id = ?", r->expl, &found, 1);
  if (found < 0) {
    fprintf(stderr,
            "racesim report: there is no exploration %lld in '%s': it holds %lld exploration%s, "
            "ids %lld to %lld (racesim report %s lists them)\n",
            r->expl, r->path, all[0], all[0] == 1 ? "" : "s", all[1], all[2], r->path);
    return 2;
  }
  return 0;
}

/*
** The runs.id of the run of index 'idx' in exploration r->expl, or -1 after
** saying which runs it has.  'given': the exploration came from --exploration.
*/
static long long find_run(Report *r, long long idx, int given) {
  sqlite3_stmt *st = prep(r, "SELECT id FROM runs WHERE exploration_id = ? AND idx = ?"
                             " ORDER BY id LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, r->expl);
  sqlite3_bind_int64(st, 2, idx);
  long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  if (id >= 0) return id;
  long long n[3]; /* count, min(idx), max(idx) */
  int_row(r, "SELECT count(*), min(idx), max(idx) FROM runs WHERE exploration_id = ?", r->expl,
          n, 3);
  fprintf(stderr, "racesim report: exploration %lld%s of '%s' has no run %lld: ", r->expl,
          given ? "" : " (the latest)", r->path, idx);
  if (n[0] <= 0) fprintf(stderr, "it has no runs");
  else if (n[0] == 1) fprintf(stderr, "it has 1 run, index %lld", n[1]);
  else
    fprintf(stderr, "it has %lld runs, indices %lld to %lld%s", n[0], n[1], n[2],
            n[2] - n[1] + 1 == n[0] ? "" : " (not every index in between: a shard)");
  fprintf(stderr, "%s\n", given ? "" : "; --exploration ID looks in another");
  return -1;
}

/* The run whose runs.id is 'run', step by step. */
static int one_run(Report *r, long long run) {
  StrBuf *o = &r->out;
  char file[256] = "?"; /* the script's base name: places read as in a replay */
  sqlite3_stmt *st = prep(r, "SELECT r.idx, r.seed, r.schedule, r.steps, r.status, x.script,"
                             " r.recorded, r.exploration_id FROM runs r JOIN explorations x"
                             " ON x.id = r.exploration_id WHERE r.id = ?");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  if (sqlite3_step(st) != SQLITE_ROW) {
    fprintf(stderr, "racesim report: there is no run %lld in '%s'\n", run, r->path);
    sqlite3_finalize(st);
    return 2;
  }
  int recorded = sqlite3_column_int(st, 6);
  snprintf(file, sizeof file, "%s", util_basename(col(st, 5)));
  if (r->json) {
    sb_printf(o, "{\"exploration\": %lld, \"run\": %lld, \"index\": %lld, \"seed\": ",
              sqlite3_column_int64(st, 7), run, sqlite3_column_int64(st, 0));
    sb_json_str(o, col(st, 1));
    sb_puts(o, ", \"schedule\": ");
    sb_json_str(o, col(st, 2));
    sb_printf(o, ", \"steps\": %lld, \"status\": ", sqlite3_column_int64(st, 3));
    sb_json_str(o, col(st, 4));
    sb_puts(o, ", \"script\": ");
    sb_json_str(o, col(st, 5));
    sb_puts(o, ", \"events\": [");
  } else {
    sb_printf(o, "run %lld of exploration %lld (%s; runs.id %lld): %s, %lld steps, seed %s\n",
              sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 7), col(st, 5), run,
              col(st, 4), sqlite3_column_int64(st, 3), col(st, 1));
    if (!recorded)
      sb_printf(o, "its events were not recorded (use --record all, or replay it: racesim "
                   "replay %s --schedule %s)\n",
                col(st, 5), col(st, 2));
    sb_printf(o, "%5s %8s  %-14s %-11s %-18s %-14s %s\n", "step", "time", "thread", "op",
              "object", "value", "line");
  }
  sqlite3_finalize(st);
  st = prep(r, "SELECT step, vtime, thread, op, object, value, line, flags, path"
               " FROM events_readable WHERE run_id = ? ORDER BY step");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  int k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (r->json) {
      sb_printf(o, "%s{\"step\": %lld, \"time\": %g, \"thread\": ", k ? ", " : "",
                sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
      sb_json_str(o, col(st, 2));
      sb_puts(o, ", \"op\": ");
      sb_json_str(o, col(st, 3));
      sb_puts(o, ", \"object\": ");
      if (sqlite3_column_type(st, 4) == SQLITE_NULL) sb_puts(o, "null");
      else sb_json_str(o, col(st, 4));
      sb_puts(o, ", \"value\": ");
      if (sqlite3_column_type(st, 5) == SQLITE_NULL) sb_puts(o, "null");
      else sb_json_str(o, col(st, 5));
      sb_printf(o, ", \"line\": %lld, \"flags\": ", sqlite3_column_int64(st, 6));
      json_str_or_null(o, sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : col(st, 7));
      sb_puts(o, ", \"path\": ");
      json_str_or_null(o, sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL : col(st, 8));
      sb_puts(o, "}");
    } else {
      sb_printf(o, "%5lld %8.3f  %-14s %-11s %-18s %-14s ", sqlite3_column_int64(st, 0),
                sqlite3_column_double(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5));
      if (col(st, 8)[0]) sb_puts(o, col(st, 8)); /* the call path, as racesim replay shows it */
      else if (sqlite3_column_int64(st, 6) > 0)
        sb_printf(o, "%s:%lld", file, sqlite3_column_int64(st, 6));
      if (col(st, 7)[0]) sb_printf(o, "  [%s]", col(st, 7));
      sb_putc(o, '\n');
    }
    k++;
  }
  sqlite3_finalize(st);
  /* each finding with the bug it is part of, where the exploration has bugs */
  st = prep(r, "SELECT f.kind, f.message, (SELECT b.rank FROM bugs b JOIN bug_evidence e"
               " ON e.bug_id = b.id WHERE b.exploration_id = r.exploration_id AND e.signature"
               " = f.signature ORDER BY b.rank LIMIT 1), (SELECT e.role FROM bugs b JOIN"
               " bug_evidence e ON e.bug_id = b.id WHERE b.exploration_id = r.exploration_id"
               " AND e.signature = f.signature ORDER BY b.rank LIMIT 1) FROM findings f"
               " JOIN runs r ON r.id = f.run_id WHERE f.run_id = ? ORDER BY f.id");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  if (r->json) sb_puts(o, "], \"findings\": [");
  k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    long long bug = num_col(st, 2);
    if (r->json) {
      sb_printf(o, "%s{\"kind\": \"%s\", \"message\": ", k ? ", " : "", col(st, 0));
      sb_json_str(o, col(st, 1));
      sb_puts(o, ", \"bug\": ");
      json_num_or_null(o, bug);
      sb_puts(o, ", \"role\": ");
      json_str_or_null(o, bug >= 0 ? col(st, 3) : NULL);
      sb_puts(o, "}");
    } else {
      sb_printf(o, "%s  %s", k ? "" : "\nfindings:\n", col(st, 0));
      if (bug >= 0) sb_printf(o, ", the %s of bug %lld", col(st, 3), bug);
      sb_printf(o, ":\n      %s\n", col(st, 1));
    }
    k++;
  }
  sqlite3_finalize(st);
  if (r->json) sb_puts(o, "]}\n");
  return 0;
}

/* ---- HTML ------------------------------------------------------------- */

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
    "h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}"
    "h3{font-size:1.05em}h4{font-size:1em;margin:0 0 .3em}"
    "code,pre,.mono{font-family:ui-monospace,monospace;font-size:13px}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;"
    "vertical-align:top}th{background:#f3f3f3;text-align:left}"
    ".kind{font-weight:bold;color:#a00}.clean{color:#070}"
    ".bug{border:1px solid #ddd;border-left:4px solid #a00;padding:.6em 1em;margin:1em 0}"
    ".msg{margin:.3em 0}.folds td.role,.folds td.run{white-space:nowrap}.folds td.role{color:#555}"
    ".scroll{overflow-x:auto}"
    ".lane{font-size:12px}.lane td,.lane th{padding:1px 5px}"
    ".lane td{white-space:nowrap}.lane td.ev{background:#f7f7ff}"
    ".lane td.where{color:#666;font-size:12px;max-width:14em;overflow:hidden;"
    "text-overflow:ellipsis}"
    ".lane tr.hit td{background:#ffe9b3}.lane tr.hit td.ev{background:#ffcf5c;font-weight:bold}"
    ".lane tr.conseq td{background:#fde2e2}.lane tr.conseq td.ev{background:#f6b3b3}"
    ".lane tr.blocked td.ev{background:#eee;color:#a00;font-style:italic}"
    ".key{display:inline-block;width:1em;height:.9em;vertical-align:middle;margin:0 .2em}"
    ".replay{background:#f6f6f6;padding:4px 8px;border-radius:4px;display:block;"
    "overflow-x:auto;white-space:pre}.small{color:#666;font-size:12px}"
    "svg.graph{display:block;margin:.5em 0;max-width:100%;height:auto}";

static void html_summary_row(StrBuf *o, const char *k, const char *v) {
  sb_puts(o, "<tr><th>");
  sb_html(o, k);
  sb_puts(o, "</th><td>");
  sb_html(o, v);
  sb_puts(o, "</td></tr>");
}

/* A small set of event steps. */
typedef struct Steps {
  long long *v;
  size_t n, cap;
} Steps;

static void steps_add(Steps *s, long long step) {
  UTIL_GROW(s->v, s->n + 1, s->cap);
  s->v[s->n++] = step;
}

static int steps_has(const Steps *s, long long step) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i] == step) return 1;
  return 0;
}

/* The steps that finding 'fid' names (findings.details' "events"). */
static void finding_steps(Report *r, long long fid, Steps *out) {
  sqlite3_stmt *st = prep(r, "SELECT j.value FROM findings f, json_each(f.details, '$.events') j"
                             " WHERE f.id = ? ORDER BY j.key");
  if (!st) return;
  sqlite3_bind_int64(st, 1, fid);
  while (sqlite3_step(st) == SQLITE_ROW) steps_add(out, sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
}

/*
** The swimlane timeline of run 'run': one lane per thread, one row per
** step, with where it happened (its call path, or its line).  'hits' are
** the steps that make the bug, 'conseq' those where what followed from it
** was detected; the rows of threads still blocked at the end are marked.
*/
static void html_timeline(Report *r, long long run, const Steps *hits, const Steps *conseq,
                          const char *script) {
  StrBuf *o = &r->out;
  sqlite3_stmt *th = prep(r, "SELECT tid, name FROM threads WHERE run_id = ? ORDER BY tid");
  if (!th) return;
  sqlite3_bind_int64(th, 1, run);
  long long timed; /* virtual time moved: show it */
  int_row(r, "SELECT max(vtime) > 0 FROM events WHERE run_id = ?", run, &timed, 1);
  int nt = 0;
  sb_printf(o, "<div class=\"scroll\"><table class=\"lane mono\"><tr><th>step</th>%s"
               "<th>where</th>",
            timed > 0 ? "<th>time</th>" : "");
  while (sqlite3_step(th) == SQLITE_ROW) {
    sb_puts(o, "<th>");
    sb_html(o, col(th, 1));
    sb_puts(o, "</th>");
    nt++;
  }
  sqlite3_finalize(th);
  sb_puts(o, "</tr>\n");
  sqlite3_stmt *st = prep(r, "SELECT e.step, e.vtime, e.thread, e.op, o.name, e.value, e.line,"
                             " e.flags, e.path FROM events e LEFT JOIN objects o ON o.run_id ="
                             " e.run_id AND o.oid = e.object WHERE e.run_id = ? ORDER BY e.step");
  if (!st) return;
  sqlite3_bind_int64(st, 1, run);
  StrBuf where;
  sb_init(&where);
  while (sqlite3_step(st) == SQLITE_ROW) {
    long long step = sqlite3_column_int64(st, 0);
    int tid = sqlite3_column_int(st, 2);
    const char *flags = col(st, 7);
    int blocked = !strcmp(flags, "blocked");
    const char *cls = steps_has(hits, step)     ? "hit"
                      : steps_has(conseq, step) ? "conseq"
                      : blocked                 ? "blocked"
                                                : NULL;
    /* the call path, or the line: on hover as file:line, in its column as the line */
    sb_reset(&where);
    if (col(st, 8)[0]) sb_puts(&where, col(st, 8));
    else if (sqlite3_column_int64(st, 6) > 0)
      sb_printf(&where, "%s:%lld", util_basename(script), sqlite3_column_int64(st, 6));
    sb_printf(o, "<tr data-step=\"%lld\"%s%s%s><td>%lld</td>", step, cls ? " class=\"" : "",
              cls ? cls : "", cls ? "\"" : "", step);
    if (timed > 0) sb_printf(o, "<td>%g</td>", sqlite3_column_double(st, 1));
    /* a long call path is cut in its column (the lanes stay in view), whole on hover */
    sb_puts(o, "<td class=\"where\"");
    if (col(st, 8)[0]) {
      sb_puts(o, " title=\"");
      sb_html(o, col(st, 8));
      sb_puts(o, "\"");
    }
    sb_puts(o, ">");
    if (col(st, 8)[0]) sb_html(o, col(st, 8));
    else if (sqlite3_column_int64(st, 6) > 0)
      sb_printf(o, "line %lld", sqlite3_column_int64(st, 6));
    sb_puts(o, "</td>");
    for (int t = 0; t < nt; t++) {
      if (t != tid) {
        sb_puts(o, "<td></td>");
        continue;
      }
      sb_puts(o, "<td class=\"ev\"");
      if (where.len) {
        sb_puts(o, " title=\"");
        sb_html(o, where.s);
        sb_puts(o, "\"");
      }
      sb_puts(o, ">");
      if (blocked) sb_puts(o, "blocked: ");
      sb_html(o, col(st, 3));
      if (col(st, 4)[0]) {
        sb_puts(o, " ");
        sb_html(o, col(st, 4));
      }
      if (col(st, 5)[0]) {
        sb_puts(o, " = ");
        sb_html(o, col(st, 5));
      }
      if (flags[0] && !blocked) {
        sb_puts(o, " <span class=\"small\">[");
        sb_html(o, flags);
        sb_puts(o, "]</span>");
      }
      sb_puts(o, "</td>");
    }
    sb_puts(o, "</tr>\n");
  }
  sb_free(&where);
  sqlite3_finalize(st);
  sb_puts(o, "</table></div>\n");
}

/* One wait of a stalled run, as the finding's details or its events tell it. */
typedef struct Wait {
  long long tid, oid, holder;
  char *thread, *object, *kind, *holder_name;
  int ended;
} Wait;

static int in_cycle(const long long *cyc, size_t n, long long tid) {
  for (size_t i = 0; i < n; i++)
    if (cyc[i] == tid) return 1;
  return 0;
}

static const Wait *wait_of(const Wait *w, size_t n, long long tid) {
  for (size_t i = 0; i < n; i++)
    if (w[i].tid == tid) return &w[i];
  return NULL;
}

/* The rows of 'st' (tid, thread, oid, object, kind, holder_tid, holder,
   holder_ended) appended to w[0..*n); 'st' is finalized. */
static void read_waits(sqlite3_stmt *st, Wait **w, size_t *n, size_t *cap) {
  while (sqlite3_step(st) == SQLITE_ROW) {
    UTIL_GROW(*w, *n + 1, *cap);
    Wait *x = &(*w)[(*n)++];
    x->tid = num_col(st, 0), x->thread = util_xstrdup(col(st, 1));
    x->oid = num_col(st, 2), x->object = util_xstrdup(col(st, 3));
    x->kind = util_xstrdup(col(st, 4)), x->holder = num_col(st, 5);
    x->holder_name = util_xstrdup(col(st, 6)), x->ended = sqlite3_column_int(st, 7);
  }
  sqlite3_finalize(st);
}

/*
** The waits of finding 'fid' (its details' "waits", and "cycle" into
** *cyc), or, for a finding recorded without them, the 'blocked' rows of
** run 'run', without holders.  Returns how many.
*/
static size_t load_waits(Report *r, long long fid, long long run, Wait **out, long long **cyc,
                         size_t *ncyc) {
  Wait *w = NULL;
  size_t n = 0, cap = 0, capc = 0;
  *cyc = NULL, *ncyc = 0;
  sqlite3_stmt *st = prep(
      r, "SELECT json_extract(j.value, '$.tid'), json_extract(j.value, '$.thread'),"
         " json_extract(j.value, '$.oid'), json_extract(j.value, '$.object'),"
         " json_extract(j.value, '$.kind'), json_extract(j.value, '$.holder_tid'),"
         " json_extract(j.value, '$.holder'), json_extract(j.value, '$.holder_ended')"
         " FROM findings f, json_each(f.details, '$.waits') j WHERE f.id = ? ORDER BY j.key");
  if (st) {
    sqlite3_bind_int64(st, 1, fid);
    read_waits(st, &w, &n, &cap);
  }
  st = n ? NULL
         : prep(r, "SELECT e.thread, t.name, e.object, o.name, o.kind, -1, NULL, 0"
                   " FROM events e LEFT JOIN threads t ON t.run_id = e.run_id AND t.tid ="
                   " e.thread LEFT JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object"
                   " WHERE e.run_id = ? AND e.flags = 'blocked' ORDER BY e.step");
  if (st) {
    sqlite3_bind_int64(st, 1, run);
    read_waits(st, &w, &n, &cap);
  }
  st = prep(r, "SELECT j.value FROM findings f, json_each(f.details, '$.cycle') j"
               " WHERE f.id = ? ORDER BY j.key");
  if (st) {
    sqlite3_bind_int64(st, 1, fid);
    while (sqlite3_step(st) == SQLITE_ROW) {
      UTIL_GROW(*cyc, *ncyc + 1, capc);
      (*cyc)[(*ncyc)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  *out = w;
  return n;
}

/* The node of thread 'tid' named 'name' ('ended': it ended holding a lock). */
static int thread_node(SvgGraph *g, long long tid, const char *name, int ended, int cycle) {
  StrBuf tip, label;
  sb_init(&tip), sb_init(&label);
  sb_printf(&tip, "thread %s%s", name, ended ? " (ended, still holding it)" : "");
  sb_printf(&label, "%s%s", name, ended ? " (ended)" : "");
  int i = svg_node(g, tid * 2, label.s, NULL, tip.s,
                   cycle ? "thread cycle" : ended ? "thread ended" : "thread");
  sb_free(&tip), sb_free(&label);
  return i;
}

/*
** The wait-for graph of a stalled run: a node per blocked thread and per
** object it waits for, an edge "waits for" from each thread to its object
** (a join: to the joined thread) and "held by" from an object to the thread
** that holds it.  The threads of a cycle come first, in its order, so that
** the cycle is drawn as a ring.
*/
static void html_waits(Report *r, long long fid, long long run) {
  Wait *w;
  long long *cyc;
  size_t ncyc, n = load_waits(r, fid, run, &w, &cyc, &ncyc);
  if (!n) {
    free(cyc);
    return;
  }
  SvgGraph g;
  memset(&g, 0, sizeof g);
  /* the order of the ring: each cycle thread, then what it waits for */
  long long *order = util_xmalloc(sizeof(long long) * (n + ncyc));
  size_t no = 0;
  for (size_t i = 0; i < ncyc; i++) order[no++] = cyc[i];
  for (size_t i = 0; i < n; i++)
    if (!in_cycle(cyc, ncyc, w[i].tid)) order[no++] = w[i].tid;
  for (size_t i = 0; i < no; i++) {
    const Wait *x = wait_of(w, n, order[i]);
    if (!x) continue;
    int cycle = in_cycle(cyc, ncyc, x->tid);
    int a = thread_node(&g, x->tid, x->thread, 0, cycle);
    StrBuf tip;
    sb_init(&tip);
    if (!strcmp(x->kind, "Thread") && x->holder >= 0) { /* a join: the thread itself */
      int b = thread_node(&g, x->holder, x->holder_name, x->ended,
                          in_cycle(cyc, ncyc, x->holder));
      sb_printf(&tip, "%s waits for %s to finish (join)", x->thread, x->holder_name);
      svg_edge(&g, a, b, "joins", tip.s, cycle ? "waits cycle" : "waits");
      sb_free(&tip);
      continue;
    }
    sb_printf(&tip, "%s %s", x->kind, x->object);
    int ob = svg_node(&g, x->oid * 2 + 1, x->object[0] ? x->object : "?",
                      x->kind[0] ? x->kind : NULL, tip.s, "object");
    sb_reset(&tip);
    sb_printf(&tip, "%s waits for %s '%s'", x->thread, x->kind, x->object);
    svg_edge(&g, a, ob, "waits for", tip.s, cycle ? "waits cycle" : "waits");
    sb_free(&tip);
  }
  /* who holds what they wait for: once per object */
  for (size_t i = 0; i < no; i++) {
    const Wait *x = wait_of(w, n, order[i]);
    if (!x || x->holder < 0 || !strcmp(x->kind, "Thread")) continue;
    int ob = svg_find(&g, x->oid * 2 + 1);
    int cycle = in_cycle(cyc, ncyc, x->tid) && in_cycle(cyc, ncyc, x->holder);
    int b = thread_node(&g, x->holder, x->holder_name, x->ended, in_cycle(cyc, ncyc, x->holder));
    if (svg_has_edge(&g, ob, b)) continue;
    StrBuf tip;
    sb_init(&tip);
    sb_printf(&tip, "%s '%s' is held by %s", x->kind, x->object, x->holder_name);
    svg_edge(&g, ob, b, "held by", tip.s, cycle ? "held cycle" : "held");
    sb_free(&tip);
  }
  StrBuf *o = &r->out;
  sb_printf(o, "<p class=\"small\">Wait-for graph at the end of that run: each blocked thread "
               "points at what it waits for, and that at who holds it%s.</p>\n",
            ncyc ? "; the threads of the cycle are outlined in red" : "");
  svg_write(&g, o, ++r->nsvg, "waitfor", "wait-for graph");
  svg_free(&g);
  for (size_t i = 0; i < n; i++)
    free(w[i].thread), free(w[i].object), free(w[i].kind), free(w[i].holder_name);
  free(w);
  free(cyc);
  free(order);
}

/*
** The lock-order graph of exploration 'expl': a node per lock, an edge
** A -> B where a thread took B while holding A, labelled with the threads
** and lines that did (several on one edge are listed together).
*/
static void html_lock_graph(Report *r, long long expl) {
  StrBuf *o = &r->out;
  sqlite3_stmt *st = prep(r, "SELECT from_lock, to_lock, group_concat(thread || ':' || line,"
                             " ', '), count(*) FROM (SELECT DISTINCT from_lock, to_lock, thread,"
                             " line FROM lock_edges WHERE exploration_id = ? ORDER BY from_lock,"
                             " to_lock, thread, line) GROUP BY from_lock, to_lock"
                             " ORDER BY from_lock, to_lock");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  SvgGraph g;
  memset(&g, 0, sizeof g);
  char **names = NULL;
  size_t nn = 0, capn = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int ids[2];
    for (int k = 0; k < 2; k++) {
      const char *nm = col(st, k);
      long long key = -1;
      for (size_t i = 0; i < nn && key < 0; i++)
        if (!strcmp(names[i], nm)) key = (long long)i;
      if (key < 0) {
        UTIL_GROW(names, nn + 1, capn);
        names[nn] = util_xstrdup(nm);
        key = (long long)nn++;
      }
      ids[k] = svg_node(&g, key, nm, NULL, NULL, "lock");
    }
    StrBuf l, tip;
    sb_init(&l), sb_init(&tip);
    long long many = sqlite3_column_int64(st, 3);
    if (many > 2) { /* the first, and how many more */
      const char *all = col(st, 2), *comma = strchr(all, ',');
      sb_putn(&l, all, comma ? (size_t)(comma - all) : strlen(all));
      sb_printf(&l, " +%lld", many - 1);
    } else {
      sb_puts(&l, col(st, 2));
    }
    sb_printf(&tip, "'%s' taken while holding '%s': %s", col(st, 1), col(st, 0), col(st, 2));
    svg_edge(&g, ids[0], ids[1], l.s, tip.s, "order");
    sb_free(&l), sb_free(&tip);
  }
  sqlite3_finalize(st);
  if (g.nn == 0) {
    sb_puts(o, "<p class=\"small\">No lock was taken while another was held.</p>\n");
  } else {
    sb_puts(o, "<p class=\"small\">An arrow A &rarr; B: a thread took B while it held A "
               "(labelled thread:line of the acquire of B). A cycle is a potential "
               "deadlock.</p>\n");
    svg_write(&g, o, ++r->nsvg, "lockorder", "lock-order graph");
  }
  svg_free(&g);
  for (size_t i = 0; i < nn; i++) free(names[i]);
  free(names);
}

static void html_coverage(Report *r, long long expl) {
  StrBuf *o = &r->out;
  sqlite3_stmt *st = prep(r, "SELECT object, kind, item, runs, percent_of_runs FROM sync_coverage"
                             " WHERE exploration_id = ?");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  int k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (!k++)
      sb_puts(o, "<table><tr><th>object</th><th>what</th><th>seen</th><th>runs</th>"
                 "<th>% of runs</th></tr>\n");
    sb_puts(o, "<tr><td class=\"mono\">");
    sb_html(o, col(st, 0));
    sb_puts(o, "</td><td>");
    sb_html(o, col(st, 1));
    sb_puts(o, "</td><td class=\"mono\">");
    sb_html(o, col(st, 2));
    sb_printf(o, "</td><td>%lld</td><td>%.1f</td></tr>\n", sqlite3_column_int64(st, 3),
              sqlite3_column_double(st, 4));
  }
  sqlite3_finalize(st);
  if (k) sb_puts(o, "</table>\n");
  else sb_puts(o, "<p class=\"small\">No synchronization was recorded.</p>\n");
}

/* What the highlighted steps of a bug of 'kind' are. */
static const char *hit_legend(const char *kind) {
  static const struct {
    const char *kind, *what;
  } legend[] = {
      {"lost_update", "the read, the other thread's write it missed, and the write made from "
                      "the stale read"},
      {"data_race", "the two accesses that race"},
      {"deadlock", "where the threads of the cycle took the locks they hold (each one that "
                   "another of them waits for)"},
      {"potential_deadlock", "the acquisitions that close the cycle of the lock-order graph"},
      {"stuck", "the last step of a thread left waiting"},
      {"barrier_broken", "where the barrier broke"},
      {"assertion", "the check that failed"},
      {"error", "where the error escaped"},
      {"step_limit", "the step at which the run was stopped"}};
  for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++)
    if (kind && !strcmp(kind, legend[i].kind)) return legend[i].what;
  return "the steps involved";
}

/* The id of the first finding of signature 'sig' in run 'run', or -1. */
static long long finding_in_run(Report *r, long long run, const char *sig) {
  long long id = -1;
  sqlite3_stmt *st = prep(r, "SELECT id FROM findings WHERE run_id = ? AND signature = ?"
                             " ORDER BY id LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, run);
  sqlite3_bind_text(st, 2, sig ? sig : "", -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return id;
}

/*
** The run that shows bug 'g' (run idx g->first_run) step by step, its steps
** that make the bug highlighted (the headline finding's events in that
** run), and for a deadlock or a stuck run its wait-for graph.
*/
static void html_bug_run(Report *r, long long expl, const RepBug *g, const char *script) {
  StrBuf *o = &r->out;
  long long v[2]; /* runs.id, recorded */
  sqlite3_stmt *st = prep(r, "SELECT id, recorded FROM runs WHERE exploration_id = ? AND idx = ?"
                             " ORDER BY id LIMIT 1");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_int64(st, 2, g->first_run);
  v[0] = v[1] = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v[0] = num_col(st, 0), v[1] = num_col(st, 1);
  sqlite3_finalize(st);
  if (v[0] < 0 || v[1] != 1) {
    sb_printf(o, "<p class=\"small\">The events of run %lld are not in this database (%s); "
                 "the replay command above runs the bug again and prints it step by step.</p>\n",
              g->first_run, v[0] < 0 ? "nor is the run" : "--record none keeps none");
    return;
  }
  /* the headline's finding in that run, or any of the bug's that is there */
  long long fid = -1;
  for (size_t j = 0; j < g->nobs && fid < 0; j++) fid = finding_in_run(r, v[0], g->obs[j].sig);
  Steps hits = {0}, conseq = {0};
  if (fid >= 0) finding_steps(r, fid, &hits);
  if (fid >= 0 && !hits.n) { /* no events named: the step where it was detected */
    long long step;
    int_row(r, "SELECT step FROM findings WHERE id = ?", fid, &step, 1);
    if (step >= 0) steps_add(&hits, step);
  }
  for (size_t j = 1; j < g->nobs; j++) {
    if (!g->obs[j].role || strcmp(g->obs[j].role, "consequence")) continue;
    long long step, cf = finding_in_run(r, v[0], g->obs[j].sig);
    int_row(r, "SELECT step FROM findings WHERE id = ?", cf, &step, 1);
    if (cf >= 0 && step >= 0 && !steps_has(&hits, step)) steps_add(&conseq, step);
  }
  if (g->shrunk_schedule && fid >= 0) { /* the message tells the shorter run */
    sqlite3_stmt *m = prep(r, "SELECT message FROM findings WHERE id = ?");
    if (m) {
      sqlite3_bind_int64(m, 1, fid);
      if (sqlite3_step(m) == SQLITE_ROW) {
        sb_printf(o, "<p class=\"small\">Below is run %lld, the first to show this bug whole. The "
                     "replay command above replays a shorter run, the one the message above "
                     "tells; run %lld told it so: ",
                  g->first_run, g->first_run);
        sb_html(o, col(m, 0));
        sb_puts(o, "</p>\n");
      }
      sqlite3_finalize(m);
    }
  }
  if (fid >= 0 && g->kind && (!strcmp(g->kind, "deadlock") || !strcmp(g->kind, "stuck")))
    html_waits(r, fid, v[0]);
  sb_printf(o, "<details open><summary>Run %lld, step by step: one column per thread. "
               "<span class=\"key\" style=\"background:#ffcf5c\"></span>%s",
            g->first_run, hit_legend(g->kind));
  if (conseq.n)
    sb_puts(o, "; <span class=\"key\" style=\"background:#f6b3b3\"></span>what followed from it");
  sb_puts(o, ". Hover a step for where it happened.</summary>\n");
  html_timeline(r, v[0], &hits, &conseq, script);
  sb_puts(o, "</details>\n");
  free(hits.v);
  free(conseq.v);
}

/* Bug number 'k' of exploration 'expl' ('runs' explored). */
static void html_bug(Report *r, long long expl, long long runs, int k, const RepBug *g,
                     const char *script) {
  StrBuf *o = &r->out;
  sb_printf(o, "<div class=\"bug\" id=\"bug-%lld-%d\" data-run=\"%lld\" data-kind=\"", expl, k,
            g->first_run);
  sb_html(o, g->kind ? g->kind : "");
  sb_printf(o, "\"><h4>[%d] <span class=\"kind\">", k);
  sb_html(o, g->kind ? g->kind : "?");
  if (g->kind && !strcmp(g->kind, "potential_deadlock"))
    sb_printf(o, "</span> &mdash; in the lock-order graph of %lld run%s; the cycle was complete "
                 "in <span class=\"run\">run %lld</span>",
              runs, plural(runs), g->first_run);
  else
    sb_printf(o, "</span> &mdash; in %lld of %lld run%s; shown: <span class=\"run\">run "
                 "%lld</span>",
              g->runs, runs, plural(runs), g->first_run);
  if (g->steps >= 0) sb_printf(o, " (%lld step%s", g->steps, plural(g->steps));
  if (g->steps >= 0 && g->preemptions >= 0)
    sb_printf(o, ", %lld preemption%s", g->preemptions, plural(g->preemptions));
  if (g->steps >= 0) sb_puts(o, ")");
  sb_puts(o, "</h4>\n<p class=\"msg\">");
  sb_html(o, g->message ? g->message : "");
  sb_puts(o, "</p>\n");
  if (g->note) {
    sb_puts(o, "<p class=\"small\">");
    sb_html(o, g->note);
    sb_puts(o, "</p>\n");
  }
  if (g->nobs > 1) {
    sb_puts(o, "<table class=\"folds\"><tr><th>folded in</th><th>kind</th><th>runs</th>"
               "<th>first run</th><th>what it says</th></tr>\n");
    for (size_t j = 1; j < g->nobs; j++) {
      const RepObs *e = &g->obs[j];
      sb_puts(o, "<tr><td class=\"role\">");
      sb_html(o, e->role ? e->role : "");
      sb_puts(o, "</td><td>");
      sb_html(o, e->kind ? e->kind : "");
      sb_printf(o, "</td><td>%lld</td><td class=\"run\">run %lld</td><td>", e->runs,
                e->first_run);
      sb_html(o, e->message ? e->message : "");
      sb_puts(o, "</td></tr>\n");
    }
    sb_puts(o, "</table>\n");
  }
  if (g->replay) {
    sb_puts(o, "<p>Replay it");
    if (g->shrunk_schedule)
      sb_printf(o, " (shrunk to %lld step%s and %lld preemption%s)", g->shrunk_steps,
                plural(g->shrunk_steps), g->shrunk_preemptions, plural(g->shrunk_preemptions));
    sb_puts(o, ":</p><code class=\"replay\">");
    sb_html(o, g->replay);
    sb_puts(o, "</code>\n");
  }
  html_bug_run(r, expl, g, script);
  sb_puts(o, "</div>\n");
}

static int html(Report *r) {
  StrBuf *o = &r->out;
  char now[32];
  util_utc_stamp(now);
  sb_printf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; img-src data:\">"
               "<title>racesim report</title><style>%s</style></head><body>\n",
            css);
  sb_puts(o, "<h1>racesim report</h1><p class=\"small\">");
  sb_html(o, r->path);
  sb_printf(o, " &middot; generated %s by racesim %s</p>\n", now, RACESIM_VERSION);
  sqlite3_stmt *x = prep(r, "SELECT id, script, strategy, base_seed, runs, steps, complete,"
                            " status, mode, shard, started_at, params FROM explorations"
                            " WHERE ?1 < 0 OR id = ?1 ORDER BY id");
  if (!x) return 2;
  sqlite3_bind_int64(x, 1, r->expl);
  while (sqlite3_step(x) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(x, 0), runs = sqlite3_column_int64(x, 4);
    char script[1024];
    snprintf(script, sizeof script, "%s", col(x, 1));
    sb_printf(o, "<section id=\"exploration-%lld\"><h2>Exploration %lld: ", id, id);
    sb_html(o, util_basename(script));
    sb_puts(o, "</h2><table>");
    char buf[128];
    html_summary_row(o, "script", script);
    html_summary_row(o, "strategy", col(x, 2));
    html_summary_row(o, "base seed", col(x, 3));
    if (col(x, 11)[0]) html_summary_row(o, "parameters", col(x, 11));
    snprintf(buf, sizeof buf, "%lld run%s, %lld steps", runs, plural(runs),
             sqlite3_column_int64(x, 5));
    html_summary_row(o, "explored", buf);
    html_summary_row(o, "complete", sqlite3_column_int(x, 6) ? "yes: every interleaving" : "no");
    html_summary_row(o, "status", col(x, 7));
    html_summary_row(o, "mode", col(x, 8));
    html_summary_row(o, "shard", col(x, 9));
    html_summary_row(o, "started", col(x, 10));
    sb_puts(o, "</table>\n<h3>Bugs</h3>\n");
    BugSet bs;
    if (load_bugs(r, id, &bs) != 0) {
      bugs_free(&bs);
      sqlite3_finalize(x);
      return 2;
    }
    if (!bs.n) {
      sb_puts(o, "<p class=\"clean\">No findings.</p>\n");
    } else {
      StrBuf c;
      sb_init(&c);
      bug_count(&c, &bs);
      sb_puts(o, "<p class=\"count\">");
      sb_html(o, c.s);
      sb_puts(o, "</p>\n");
      sb_free(&c);
    }
    for (size_t k = 0; k < bs.n; k++) html_bug(r, id, runs, (int)k + 1, &bs.v[k], script);
    bugs_free(&bs);
    sb_puts(o, "<h3>Lock-order graph</h3>\n");
    html_lock_graph(r, id);
    sb_puts(o, "<h3>Synchronization coverage</h3>\n");
    html_coverage(r, id);
    sb_puts(o, "</section>\n");
  }
  sqlite3_finalize(x);
  sb_puts(o, "</body></html>\n");
  return 0;
}

const char cli_report_help[] =
    "usage: racesim report DB [--exploration ID] [--run N] [--json | --html FILE]\n"
    "\n"
    "Summarise the trace database DB: every exploration with its bugs (what each\n"
    "is, in how many runs, the run that shows it, the observations it folds in and\n"
    "the command that replays it); or, with --run N, one run step by step.\n"
    "\n"
    "options (--opt V or --opt=V):\n"
    "  --run N            show run N step by step.  N is the run index, from 0: the\n"
    "                     number in \"first: run N\" (column runs.idx, not runs.id),\n"
    "                     looked for in the latest exploration in DB or in the one\n"
    "                     --exploration gives\n"
    "  --exploration ID   only exploration ID: the number a run prints as\n"
    "                     \"trace database: DB (exploration ID)\" (explorations.id)\n"
    "  --json             print one JSON object instead of text\n"
    "  --html FILE        write the whole report (explorations, bugs, a timeline of\n"
    "                     the run that shows each, wait-for and lock-order graphs,\n"
    "                     coverage) as one self-contained HTML file\n"
    "\n"
    "exit status: 0 done, 2 bad usage, a missing or bad database, or no such\n"
    "exploration or run\n";

/* A --run or --exploration number into *out; 0, or 2 after a message. */
static int number_value(const char *name, const char *what, const char *v, long long *out) {
  uint64_t u;
  if (args_u64(v, &u) != 0 || u > INT64_MAX) {
    fprintf(stderr, "racesim report: %s needs %s (a number), got '%s'\n", name, what, v);
    return 2;
  }
  *out = (long long)u;
  return 0;
}

int cli_report(int argc, char **argv) {
  Report r;
  memset(&r, 0, sizeof r);
  sb_init(&r.out);
  r.expl = -1;
  const char *htmlfile = NULL, *v;
  long long run = -1;
  for (int i = 0; i < argc; i++) {
    int bad = 0;
    if (!strcmp(argv[i], "--json")) r.json = 1;
    else if ((v = args_value(argc, argv, &i, "--html"))) {
      if (!*v) {
        fprintf(stderr, "racesim report: --html needs a file name\n");
        bad = 2;
      }
      htmlfile = v;
    } else if ((v = args_value(argc, argv, &i, "--run")))
      bad = number_value("--run", "a run index", v, &run);
    else if ((v = args_value(argc, argv, &i, "--exploration")))
      bad = number_value("--exploration", "an exploration id", v, &r.expl);
    else if (argv[i][0] == '-') {
      fprintf(stderr,
              "racesim report: unknown option '%s' (--exploration ID, --run N, --html FILE, "
              "--json; see racesim report --help)\n",
              argv[i]);
      bad = 2;
    } else if (!r.path) r.path = argv[i];
    else {
      fprintf(stderr, "racesim report: one database only\n");
      bad = 2;
    }
    if (bad) return bad;
  }
  if (!r.path) {
    fprintf(stderr, "racesim report: usage: racesim report DB [--exploration ID] [--run N] "
                    "[--html FILE] [--json]\n");
    return 2;
  }
  if (run >= 0 && htmlfile) {
    fprintf(stderr, "racesim report: --run N shows one run as text or JSON; --html FILE reports "
                    "whole explorations (--exploration ID for one): give one\n");
    return 2;
  }
  if (r.json && htmlfile) {
    fprintf(stderr, "racesim report: --json and --html FILE are two forms of the report: give "
                    "one\n");
    return 2;
  }
  int given = r.expl >= 0;
  if (open_db(&r, r.path) != 0) {
    sqlite3_close(r.db);
    return 2;
  }
  int rc = resolve_exploration(&r, run >= 0 && !htmlfile);
  if (!rc && run >= 0 && !htmlfile) {
    long long id = find_run(&r, run, given);
    rc = id < 0 ? 2 : one_run(&r, id);
  } else if (!rc) {
    rc = htmlfile ? html(&r) : summary(&r);
  }
  sqlite3_close(r.db);
  if (rc == 0 && htmlfile) {
    FILE *f = fopen(htmlfile, "w");
    int ok = f && fwrite(r.out.s, 1, r.out.len, f) == r.out.len;
    if (f && fclose(f) != 0) ok = 0; /* (a full disk shows at the close) */
    if (!ok) {
      fprintf(stderr, "racesim report: cannot write '%s'\n", htmlfile);
      rc = 2;
    } else {
      printf("wrote %s\n", htmlfile);
    }
  } else if (rc == 0) {
    fputs(r.out.s ? r.out.s : "", stdout);
  }
  sb_free(&r.out);
  return rc;
}
