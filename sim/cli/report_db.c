/*
** report_db.c - reading a trace database for the reports (report_int.h):
** opening it read-only (a version 1 or 2 database read as version 3), columns
** and rows, and the bugs as the database keeps them.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_int.h"
#include "trace.h"
#include "util.h"

const char *report_col(sqlite3_stmt *st, int i) {
  const unsigned char *s = sqlite3_column_text(st, i);
  return s ? (const char *)s : "";
}

sqlite3_stmt *report_prep(Report *r, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "racesim report: %s\n", sqlite3_errmsg(r->db));
    return NULL;
  }
  return st;
}

/*
** Read a database of schema version 1 or 2 as one of this version, without
** writing to it: temporary views and tables (which SQLite looks in before
** the main database) give it what the later versions added, empty: for
** version 1 events.path (NULL) and the bugs and bug_evidence tables (so each
** distinct finding is shown alone), for both events.preempted and runnable.
*/
static int read_old_version(Report *r, long long v) {
  static const char events_sql[] =
      "CREATE TEMP VIEW events AS SELECT *,%s NULL AS preempted, NULL AS runnable"
      "  FROM main.events;"
      "CREATE TEMP VIEW events_readable AS"
      "  SELECT e.run_id, e.step, e.transition, e.vtime, t.name AS thread, e.op,"
      "         o.name AS object, o.kind AS object_kind, e.value, e.line, e.flags, e.path,"
      "         NULL AS preempted, NULL AS runnable"
      "  FROM temp.events e"
      "  LEFT JOIN threads t ON t.run_id = e.run_id AND t.tid = e.thread"
      "  LEFT JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object;";
  static const char bugs_sql[] =
      "CREATE TEMP TABLE bugs(id INTEGER PRIMARY KEY, exploration_id, rank, kind, signature,"
      "  message, runs, first_run, seed, schedule, steps, preemptions, replay);"
      "CREATE TEMP TABLE bug_evidence(bug_id, role, kind, signature, runs, first_run, message,"
      "  schedule, steps, preemptions, note, shrunk_headline);";
  char sql[sizeof events_sql + sizeof bugs_sql + 32];
  snprintf(sql, sizeof sql, events_sql, v == 1 ? " NULL AS path," : "");
  if (v == 1) strcat(sql, bugs_sql);
  char *msg = NULL;
  if (sqlite3_exec(r->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    fprintf(stderr, "racesim report: cannot read '%s' (schema version %lld): %s\n", r->path, v,
            msg ? msg : sqlite3_errmsg(r->db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

int report_open(Report *r, const char *path) {
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
    if (sqlite3_step(st) == SQLITE_ROW) ok = !strcmp(report_col(st, 0), "racesim");
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
  if (v == 1 || v == 2) return read_old_version(r, v);
  if (v != 3 && v != TRACE_SCHEMA_VERSION) { /* (3 lacks only explorations.record) */
    fprintf(stderr,
            "racesim report: '%s' is a racesim trace database of schema version %lld; this "
            "racesim reads version %d\n",
            path, v, TRACE_SCHEMA_VERSION);
    return -1;
  }
  return 0;
}

char *report_dup_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : util_xstrdup(report_col(st, i));
}

/* An integer column, -1 when NULL. */
long long report_num_col(sqlite3_stmt *st, int i) {
  return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* ---- bugs as the database keeps them ---------------------------------- */


void report_bugs_free(BugSet *bs) {
  for (size_t i = 0; i < bs->n; i++) {
    RepBug *g = &bs->v[i];
    for (size_t j = 0; j < g->nobs; j++) {
      RepObs *e = &g->obs[j];
      free(e->role), free(e->kind), free(e->sig), free(e->message), free(e->schedule);
      free(e->note);
    }
    free(g->obs);
    free(g->kind), free(g->sig), free(g->message), free(g->seed), free(g->schedule);
    free(g->replay), free(g->note), free(g->shrunk_schedule), free(g->shrink);
  }
  free(bs->v);
  memset(bs, 0, sizeof *bs);
}

static RepBug *new_bug(BugSet *bs) {
  UTIL_GROW(bs->v, bs->n + 1, bs->cap);
  RepBug *g = &bs->v[bs->n++];
  memset(g, 0, sizeof *g);
  g->shrunk_steps = g->shrunk_preemptions = -1;
  g->minimal = g->lower = -1;
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
  sqlite3_stmt *st = report_prep(r, "SELECT f.message FROM findings f JOIN runs r ON r.id = f.run_id"
                             " WHERE r.exploration_id = ? AND r.idx = ? AND f.signature = ?"
                             " ORDER BY f.id LIMIT 1");
  char *out = NULL;
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_int64(st, 2, idx);
  sqlite3_bind_text(st, 3, sig, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) out = report_dup_col(st, 0);
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
  sqlite3_stmt *st = report_prep(r, "SELECT role, kind, signature, runs, first_run, message, schedule,"
                             " steps, preemptions, note, shrunk_headline FROM bug_evidence"
                             " WHERE bug_id = ? ORDER BY rowid");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, id);
  while (sqlite3_step(st) == SQLITE_ROW) {
    RepObs *e = new_obs(g);
    e->role = report_dup_col(st, 0), e->kind = report_dup_col(st, 1), e->sig = report_dup_col(st, 2);
    e->runs = report_num_col(st, 3), e->first_run = report_num_col(st, 4);
    e->message = report_dup_col(st, 5), e->schedule = report_dup_col(st, 6);
    e->steps = report_num_col(st, 7), e->preemptions = report_num_col(st, 8), e->note = report_dup_col(st, 9);
    if (sqlite3_column_type(st, 10) != SQLITE_NULL) { /* shrunk: the replayed run's words */
      free(shrunk_head);
      shrunk_head = report_dup_col(st, 10);
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
  /* (version 2 files have no search results: read as they are) */
  sqlite3_stmt *has = report_prep(r, "SELECT count(*) FROM pragma_table_info('bugs')"
                                     " WHERE name = 'shrink'");
  if (!has) return 2;
  int v3 = sqlite3_step(has) == SQLITE_ROW && sqlite3_column_int(has, 0) > 0;
  sqlite3_finalize(has);
  sqlite3_stmt *st = report_prep(r, v3 ? "SELECT id, kind, signature, message, runs, first_run, seed,"
                             " schedule, steps, preemptions, replay, minimal, preemptions_lower_bound,"
                             " shrink FROM bugs WHERE exploration_id = ? ORDER BY rank, id"
                             : "SELECT id, kind, signature, message, runs, first_run, seed,"
                             " schedule, steps, preemptions, replay FROM bugs"
                             " WHERE exploration_id = ? ORDER BY rank, id");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, expl);
  int rc = 0;
  while (!rc && sqlite3_step(st) == SQLITE_ROW) {
    RepBug *g = new_bug(bs);
    g->kind = report_dup_col(st, 1), g->sig = report_dup_col(st, 2), g->message = report_dup_col(st, 3);
    g->runs = report_num_col(st, 4), g->first_run = report_num_col(st, 5), g->seed = report_dup_col(st, 6);
    g->schedule = report_dup_col(st, 7), g->steps = report_num_col(st, 8), g->preemptions = report_num_col(st, 9);
    g->replay = report_dup_col(st, 10);
    if (v3 && sqlite3_column_type(st, 13) != SQLITE_NULL) {
      g->shrink = report_dup_col(st, 13);
      if (sqlite3_column_type(st, 11) != SQLITE_NULL)
        g->minimal = report_num_col(st, 11), g->lower = report_num_col(st, 12);
    }
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
  sqlite3_stmt *st = report_prep(r, "SELECT kind, signature, runs, first_run, message FROM"
                             " distinct_findings WHERE exploration_id = ? ORDER BY "
                             KIND_RANK_SQL ", first_run, kind, signature");
  sqlite3_stmt *run = report_prep(r, "SELECT r.seed, r.schedule, r.steps,"
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
    g->kind = report_dup_col(st, 0), g->sig = report_dup_col(st, 1), g->runs = report_num_col(st, 2);
    g->first_run = report_num_col(st, 3), g->message = report_dup_col(st, 4);
    g->steps = g->preemptions = -1;
    sqlite3_reset(run);
    sqlite3_bind_int64(run, 1, expl);
    sqlite3_bind_text(run, 2, report_col(st, 1), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(run) == SQLITE_ROW) {
      g->seed = report_dup_col(run, 0), g->schedule = report_dup_col(run, 1), g->steps = report_num_col(run, 2);
      g->replay = report_dup_col(run, 3);
    }
    RepObs *e = new_obs(g);
    e->role = util_xstrdup("headline"), e->kind = report_dup_col(st, 0), e->sig = report_dup_col(st, 1);
    e->runs = g->runs, e->first_run = g->first_run, e->message = report_dup_col(st, 4);
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
int report_load_bugs(Report *r, long long expl, BugSet *bs) {
  memset(bs, 0, sizeof *bs);
  long long n;
  sqlite3_stmt *st = report_prep(r, "SELECT count(*) FROM bugs WHERE exploration_id = ?");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, expl);
  n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return n > 0 ? load_grouped(r, expl, bs) : load_distinct(r, expl, bs);
}

/* "1 bug (4 observations)", and why they are not grouped where they are not. */
void report_bug_count(StrBuf *o, const BugSet *bs, const char *status) {
  sb_printf(o, "%zu bug%s (%zu observation%s", bs->n, util_plural((long long)bs->n), bs->nobs,
            util_plural((long long)bs->nobs));
  if (!bs->grouped) /* (racesim groups them when an exploration ends) */
    sb_printf(o, "; not grouped into bugs: %s, so each distinct finding is shown alone",
              !strcmp(status, "running")
                  ? "the exploration is still running, or it was killed before it finished"
              : !strcmp(status, "failed")
                  ? "the exploration failed before they were recorded (a write failed, or an "
                    "error stopped it)"
                  : "none were recorded for this exploration (a database of schema version 1)");
  sb_puts(o, ")");
}

void report_int_row(Report *r, const char *sql, long long arg, long long *v, int n) {
  for (int i = 0; i < n; i++) v[i] = -1;
  sqlite3_stmt *st = report_prep(r, sql);
  if (!st) return;
  if (sqlite3_bind_parameter_count(st)) sqlite3_bind_int64(st, 1, arg);
  if (sqlite3_step(st) == SQLITE_ROW)
    for (int i = 0; i < n; i++)
      if (sqlite3_column_type(st, i) != SQLITE_NULL) v[i] = sqlite3_column_int64(st, i);
  sqlite3_finalize(st);
}

const char *report_run_label(char *buf, size_t n, long long idx, int keyed) {
  if (keyed && idx >= 0)
    snprintf(buf, n, "%lld:%lld", idx >> 32, idx & (long long)UINT32_MAX);
  else snprintf(buf, n, "%lld", idx);
  return buf;
}

int report_keyed_runs(const char *strategy, const char *shard) {
  return strcmp(strategy, "dfs") == 0 && strcmp(shard, "1/1") != 0;
}
