/*
** trace.c - the SQLite trace recorder (see trace.h).
*/
#include "trace.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "object.h"
#include "util.h"

extern const char reports_schema_sql[];
extern const unsigned long reports_schema_sql_len;

enum { S_RUN, S_EVENT, S_THREAD, S_OBJECT, S_FINDING, S_EDGE, S__COUNT };

static const char *const sql_of[S__COUNT] = {
    "INSERT INTO runs(exploration_id, idx, seed, schedule, steps, status, vtime, recorded,"
    " signatures) VALUES (?,?,?,?,?,?,?,?,?)",
    "INSERT INTO events(run_id, step, thread, op, object, value, vtime, line,"
    " transition, flags, path, preempted, runnable) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO threads(run_id, tid, name, parent) VALUES (?,?,?,?)",
    "INSERT INTO objects(run_id, oid, kind, name, line) VALUES (?,?,?,?,?)",
    "INSERT INTO findings(run_id, kind, signature, message, step, thread, object,"
    " details) VALUES (?,?,?,?,?,?,?,?)",
    "INSERT INTO lock_edges(exploration_id, from_lock, to_lock, thread, line,"
    " from_line, first_run, count, graph) VALUES (?,?,?,?,?,?,?,?,?)"};

/*
** The row of a run with nothing else to write (no events, no findings) waits
** for RUN_ROWS of them, written by one statement: a statement's own cost is
** about as much as a row's (2.2 us a row alone, 1.25 us in sixteens), and
** most runs are such rows.  Anything else written first writes them, so
** rows keep the order of the runs, and so does a commit.
*/
#define RUN_ROWS 16

/*
** A run whose number is not final yet (explore_dfs.c: its subtree's first
** number is not known while earlier subtrees are explored) and that has
** nothing but its row is held until trace_renumber gives it its number, so
** that it is written once: an UPDATE of a row costs more than its INSERT
** (the index moves too), and with several jobs most rows would need one.
** At most HOLD_ROWS are held (a few MiB); the rest are written as they come
** and renumbered in the file.
*/
#define HOLD_ROWS 16384

typedef struct PendingRow {
  int64_t expl, idx, steps;
  double vtime;
  const char *status; /* (static) */
  int has_token;
  char seed[24];
  StrBuf token, sigs; /* (sigs empty: NULL) */
} PendingRow;

struct Trace {
  sqlite3 *db;
  StrBuf sigs; /* a run's signatures, as its row has them */
  sqlite3_stmt *st[S__COUNT];
  sqlite3_stmt *st_rows; /* RUN_ROWS runs rows at once */
  PendingRow rows[RUN_ROWS];
  int nrows;
  PendingRow *held; /* held rows (HOLD_ROWS), and spare ones beyond nheld */
  size_t nheld, cap_held;
  uint64_t prov_written; /* rows with a provisional number written to the file */
  int in_tx;
  double tx_started;
  /* the exploration being written: its runs and steps committed, and
     those of the batch not yet committed */
  int64_t expl;
  uint64_t kept_runs, kept_steps, batch_runs, batch_steps;
  int broken;      /* a write failed: the batch was rolled back, no more writes */
  int wait_ms;     /* how long to wait for another writer */
  int said_wait;   /* ... and it said so */
  char *path;
  char err[512];
};

/*
** A write failed: say why (with the system's reason, as SQLite's "disk I/O
** error" alone does not), roll back the batch and write nothing more, so
** that the file keeps what was committed, and the exploration's row (kept
** up to date with every commit) agrees with it.
*/
static void describe(Trace *t, const char *msg) {
  int sys = sqlite3_system_errno(t->db);
  int code = sqlite3_errcode(t->db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    snprintf(t->err, sizeof t->err, "%s (another process kept it locked for %g s)", msg,
             t->wait_ms / 1000.0);
  else if (sys && code != SQLITE_CONSTRAINT)
    snprintf(t->err, sizeof t->err, "%s (%s)", msg, strerror(sys));
  else snprintf(t->err, sizeof t->err, "%s", msg);
}

static int fail(Trace *t, const char *msg) {
  if (t->broken) return -1; /* (the first failure's message stays) */
  describe(t, msg);
  if (!sqlite3_get_autocommit(t->db)) sqlite3_exec(t->db, "ROLLBACK", NULL, NULL, NULL);
  t->in_tx = 0;
  t->batch_runs = t->batch_steps = 0;
  t->broken = 1;
  return -1;
}

static int fail_db(Trace *t) { return fail(t, sqlite3_errmsg(t->db)); }

static int exec(Trace *t, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(t->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(t->err, sizeof t->err, "%s", msg ? msg : sqlite3_errmsg(t->db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

static int begin_tx(Trace *t) {
  if (t->broken) return -1;
  if (t->in_tx) return 0;
  if (sqlite3_exec(t->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) return fail_db(t);
  t->in_tx = 1;
  t->tx_started = util_now();
  return 0;
}

/* Bind the runs row columns from parameter 'at' + 1 on. */
static void bind_row(sqlite3_stmt *st, int at, const PendingRow *w) {
  sqlite3_bind_int64(st, at + 1, w->expl);
  sqlite3_bind_int64(st, at + 2, w->idx);
  sqlite3_bind_text(st, at + 3, w->seed, -1, SQLITE_STATIC); /* (every parameter bound) */
  if (w->has_token) sqlite3_bind_text(st, at + 4, w->token.s ? w->token.s : "", -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, at + 4);
  sqlite3_bind_int64(st, at + 5, w->steps);
  sqlite3_bind_text(st, at + 6, w->status, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, at + 7, w->vtime);
  sqlite3_bind_int(st, at + 8, 0);
  if (w->sigs.len) sqlite3_bind_text(st, at + 9, w->sigs.s, (int)w->sigs.len, SQLITE_STATIC);
  else sqlite3_bind_null(st, at + 9);
}

/* Write the rows waiting (RUN_ROWS at once, the rest one by one). */
static int write_rows(Trace *t) {
  if (!t->nrows || t->broken) return t->broken ? -1 : 0;
  int n = t->nrows, done = 0;
  t->nrows = 0;
  if (n == RUN_ROWS) {
    for (int i = 0; i < n; i++) bind_row(t->st_rows, 9 * i, &t->rows[i]);
    int rc = sqlite3_step(t->st_rows);
    sqlite3_reset(t->st_rows);
    if (rc != SQLITE_DONE) return fail_db(t);
    done = n;
  }
  for (int i = done; i < n; i++) {
    bind_row(t->st[S_RUN], 0, &t->rows[i]);
    int rc = sqlite3_step(t->st[S_RUN]);
    sqlite3_reset(t->st[S_RUN]);
    if (rc != SQLITE_DONE) return fail_db(t);
  }
  return 0;
}

/* A write other than a waiting runs row: in the transaction, after those rows. */
static int begin_write(Trace *t) {
  if (begin_tx(t) != 0) return -1;
  return write_rows(t);
}

/* The batch's runs counted in the exploration's row, in the batch itself. */
static int count_batch(Trace *t) {
  if (!t->batch_runs || t->expl <= 0) return 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db, "UPDATE explorations SET runs = ?, steps = ? WHERE id = ?", -1,
                         &st, NULL) != SQLITE_OK)
    return fail_db(t);
  sqlite3_bind_int64(st, 1, (int64_t)(t->kept_runs + t->batch_runs));
  sqlite3_bind_int64(st, 2, (int64_t)(t->kept_steps + t->batch_steps));
  sqlite3_bind_int64(st, 3, t->expl);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : fail_db(t);
}

static int release_held(Trace *t, int64_t expl, uint64_t lo, uint64_t hi, uint64_t to);

int trace_flush(Trace *t, int force) {
  /* rows still held when everything must be written: as they are numbered
     (trace_renumber gives every held row its number before this) */
  if (t && force && t->nheld && !t->broken &&
      (begin_tx(t) != 0 || release_held(t, -1, 0, UINT64_MAX, 0) != 0))
    return -1;
  if (!t || !t->in_tx) return t && t->broken ? -1 : 0;
  if (!force && util_now() - t->tx_started < 1.0) return 0;
  if (write_rows(t) != 0 || count_batch(t) != 0) return -1;
  if (sqlite3_exec(t->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return fail_db(t);
  t->in_tx = 0;
  t->kept_runs += t->batch_runs;
  t->kept_steps += t->batch_steps;
  t->batch_runs = t->batch_steps = 0;
  /* a batch every second holds the write lock nearly all the time: leave a
     gap, which another writer's busy handler (1 ms polls) finds */
  if (!force) usleep(3000);
  return 0;
}

uint64_t trace_kept(const Trace *t) { return t->kept_runs; }
int trace_broken(const Trace *t) { return t->broken; }

/*
** Wait for another writer by polling every millisecond (SQLite's own busy
** timeout sleeps ever longer and misses the short gaps between another
** writer's batches), for up to RACESIM_DB_WAIT seconds (60 by default):
** another racesim holds the file for a batch of a second at most, however
** long its runs (trace_flush is called while they run), so only a process
** that is not racesim, or one that is stopped, makes it wait that long.
*/
static int busy_wait(void *ud, int tries) {
  Trace *t = ud;
  if (tries >= t->wait_ms) return 0;
  if (tries == 5000 && !t->said_wait++)
    fprintf(stderr, "racesim: waiting for another process that is writing '%s' (up to %g s)\n",
            t->path, t->wait_ms / 1000.0);
  usleep(1000);
  return 1;
}

/* The wait for another writer, from RACESIM_DB_WAIT (seconds). */
static int wait_ms_from_env(void) {
  const char *s = getenv("RACESIM_DB_WAIT");
  if (!s || !*s) return 60000;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (*end || errno || !(v >= 0) || v > 86400) return 60000;
  return (int)(v * 1000);
}

const char *trace_error(const Trace *t) { return t->err; }

/* Query a single integer; -1 if there is none. */
static int64_t query_int(Trace *t, const char *sql, int *rc) {
  sqlite3_stmt *st;
  int64_t v = -1;
  *rc = sqlite3_prepare_v2(t->db, sql, -1, &st, NULL);
  if (*rc != SQLITE_OK) return -1;
  *rc = sqlite3_step(st);
  if (*rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0), *rc = SQLITE_OK;
  else if (*rc == SQLITE_DONE) *rc = SQLITE_OK;
  sqlite3_finalize(st);
  return v;
}

static int has_column(Trace *t, const char *table, const char *name);

/* Is the open database ours, empty, or something else? */
static int check_identity(Trace *t, const char *path) {
  int rc;
  int64_t tables = query_int(t, "SELECT count(*) FROM sqlite_master", &rc);
  if (rc != SQLITE_OK) {
    if (rc == SQLITE_NOTADB)
      snprintf(t->err, sizeof t->err, "'%s' is not a racesim trace database (not an SQLite file)",
               path);
    else
      snprintf(t->err, sizeof t->err, "cannot read '%s': %s", path, sqlite3_errstr(rc));
    return -1;
  }
  int64_t version = query_int(t, "PRAGMA user_version", &rc);
  if (tables == 0 && version == 0) return 1; /* empty: make it ours */
  int64_t ours = query_int(
      t, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'", &rc);
  if (ours > 0)
    ours = query_int(t, "SELECT count(*) FROM meta WHERE key='application' AND value='racesim'",
                     &rc);
  if (ours <= 0) {
    snprintf(t->err, sizeof t->err,
             "'%s' is an SQLite database but not a racesim trace database; choose "
             "another file with --db",
             path);
    return -1;
  }
  if (version >= 1 && version < TRACE_SCHEMA_VERSION) return 2; /* add what later ones add */
  if (version != TRACE_SCHEMA_VERSION) {
    snprintf(t->err, sizeof t->err,
             "'%s' is a racesim trace database of schema version %lld; this racesim "
             "(%s) reads version %d: use a new file with --db",
             path, (long long)version, RACESIM_VERSION, TRACE_SCHEMA_VERSION);
    return -1;
  }
  return 0;
}

/*
** Put the file in WAL mode (once per file: it stays so).  Two racesims
** opening a new file at once both try; the switch needs the file to
** itself and does not wait, so the loser retries until it is done.
*/
static int wal_mode(Trace *t) {
  for (int tries = 0;; tries++) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(t->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK) {
      int rc = sqlite3_step(st);
      const unsigned char *mode = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
      int wal = mode && !strcmp((const char *)mode, "wal");
      sqlite3_finalize(st);
      if (wal) return 0;
    }
    if (tries >= 10000) break; /* (10 s, as for any other wait) */
    usleep(1000);
  }
  snprintf(t->err, sizeof t->err, "%s", sqlite3_errmsg(t->db));
  return -1;
}

/* Does the open database's events table have column 'name' ('path':
   version 2, 'preempted': version 3)? */
static int has_column(Trace *t, const char *table, const char *name) {
  int rc;
  char sql[160];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'", table, name);
  return query_int(t, sql, &rc) > 0;
}

static int has_events_column(Trace *t, const char *name) { return has_column(t, "events", name); }

/*
** Create the schema, or bring an older file up to this version: in one
** transaction (BEGIN IMMEDIATE: a deferred one that reads, then writes,
** could not wait for another writer), so that two racesims upgrading one
** file at once, or one that dies half-way, leave it whole.
*/
static int create_schema(Trace *t) {
  if (exec(t, "BEGIN IMMEDIATE") != 0) return -1;
  StrBuf b;
  sb_init(&b);
  int rc;
  if (query_int(t, "SELECT count(*) FROM sqlite_master WHERE name = 'events'", &rc) > 0) {
    if (!has_events_column(t, "path")) /* version 1: add what version 2 has */
      sb_puts(&b, "ALTER TABLE events ADD COLUMN path TEXT;");
    if (!has_events_column(t, "preempted")) /* version 2: and what 3 has */
      sb_puts(&b, "ALTER TABLE events ADD COLUMN preempted INTEGER;"
                  "ALTER TABLE events ADD COLUMN runnable TEXT;"
                  "DROP VIEW IF EXISTS events_readable;");
    if (!has_column(t, "explorations", "record")) /* version 3: and what 4 has */
      sb_puts(&b, "ALTER TABLE explorations ADD COLUMN record TEXT;"
                  "ALTER TABLE runs ADD COLUMN signatures TEXT;" /* (what the runs showed) */
                  "UPDATE runs SET signatures = (SELECT group_concat(signature, ' ') FROM"
                  "  (SELECT DISTINCT signature FROM findings f WHERE f.run_id = runs.id))"
                  "  WHERE status <> 'ok';"
                  "DROP VIEW IF EXISTS distinct_findings;"
                  "DROP VIEW IF EXISTS failing_runs;");
    if (query_int(t, "SELECT count(*) FROM sqlite_master WHERE name = 'bugs'", &rc) > 0 &&
        !has_column(t, "bugs", "shrink")) /* version 2's bugs: and 3's search results */
      sb_puts(&b, "ALTER TABLE bugs ADD COLUMN minimal INTEGER;"
                  "ALTER TABLE bugs ADD COLUMN preemptions_lower_bound INTEGER;"
                  "ALTER TABLE bugs ADD COLUMN shrink TEXT;");
    if (query_int(t, "SELECT count(*) FROM sqlite_master WHERE name = 'lock_edges'", &rc) > 0 &&
        !has_column(t, "lock_edges", "graph")) /* version 3: and 4's, what merges need */
      sb_puts(&b, "ALTER TABLE lock_edges ADD COLUMN graph TEXT;");
  }
  sb_putn(&b, reports_schema_sql, reports_schema_sql_len);
  sb_printf(&b,
            ";INSERT OR REPLACE INTO meta VALUES('application','racesim');"
            "INSERT OR REPLACE INTO meta VALUES('schema','%d');"
            "PRAGMA user_version=%d;COMMIT;",
            TRACE_SCHEMA_VERSION, TRACE_SCHEMA_VERSION);
  rc = exec(t, b.s);
  sb_free(&b);
  if (rc != 0) {
    char keep[sizeof t->err];
    memcpy(keep, t->err, sizeof keep);
    exec(t, "ROLLBACK");
    memcpy(t->err, keep, sizeof keep);
  }
  return rc;
}

Trace *trace_open(const char *path, char *err, size_t errlen) {
  Trace *t = util_xcalloc(1, sizeof *t);
  struct stat sb;
  if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    snprintf(err, errlen, "cannot use '%s' as a trace database: it is a directory", path);
    free(t);
    return NULL;
  }
  char *dir = util_xstrdup(path);
  char *slash = strrchr(dir, '/');
  if (slash) {
    *slash = '\0';
    if (*dir && stat(dir, &sb) != 0) {
      snprintf(err, errlen, "cannot create the trace database '%s': directory '%s' does not exist",
               path, dir);
      free(dir);
      free(t);
      return NULL;
    }
  }
  free(dir);
  int rc = sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "cannot open the trace database '%s': %s", path,
             t->db ? sqlite3_errmsg(t->db) : sqlite3_errstr(rc));
    goto fail;
  }
  t->wait_ms = wait_ms_from_env();
  t->path = util_xstrdup(path);
  sqlite3_busy_handler(t->db, busy_wait, t);
  int id = check_identity(t, path);
  if (id < 0) {
    snprintf(err, errlen, "%s", t->err);
    goto fail;
  }
  if (wal_mode(t) != 0 || exec(t, "PRAGMA synchronous=NORMAL; PRAGMA ignore_check_constraints=ON") != 0) {
    snprintf(err, errlen, "cannot write the trace database '%s': %s", path, t->err);
    goto fail;
  }
  if (id >= 1 && create_schema(t) != 0) {
    snprintf(err, errlen, "cannot %s the trace database '%s': %s", id == 2 ? "upgrade" : "create",
             path, t->err);
    goto fail;
  }
  for (int i = 0; i < S__COUNT; i++)
    if (sqlite3_prepare_v2(t->db, sql_of[i], -1, &t->st[i], NULL) != SQLITE_OK) {
      snprintf(err, errlen, "the trace database '%s' is damaged: %s", path,
               sqlite3_errmsg(t->db));
      goto fail;
    }
  StrBuf rows;
  sb_init(&rows);
  sb_puts(&rows, sql_of[S_RUN]);
  for (int i = 1; i < RUN_ROWS; i++) sb_puts(&rows, ",(?,?,?,?,?,?,?,?,?)");
  int prepared = sqlite3_prepare_v2(t->db, rows.s, -1, &t->st_rows, NULL);
  sb_free(&rows);
  if (prepared != SQLITE_OK) {
    snprintf(err, errlen, "the trace database '%s' is damaged: %s", path, sqlite3_errmsg(t->db));
    goto fail;
  }
  return t;
fail:
  for (int i = 0; i < S__COUNT; i++) sqlite3_finalize(t->st[i]);
  sqlite3_finalize(t->st_rows);
  if (t->db) sqlite3_close(t->db);
  free(t->path);
  free(t);
  return NULL;
}

void trace_close(Trace *t) {
  if (!t) return;
  trace_flush(t, 1);
  for (int i = 0; i < S__COUNT; i++) sqlite3_finalize(t->st[i]);
  sqlite3_finalize(t->st_rows);
  sqlite3_close(t->db);
  sb_free(&t->sigs);
  for (int i = 0; i < RUN_ROWS; i++) sb_free(&t->rows[i].token), sb_free(&t->rows[i].sigs);
  for (size_t i = 0; i < t->cap_held; i++) sb_free(&t->held[i].token), sb_free(&t->held[i].sigs);
  free(t->held);
  free(t->path);
  free(t);
}

int64_t trace_begin(Trace *t, const TraceExploration *x) {
  trace_flush(t, 1);
  sqlite3_stmt *st;
  char now[32];
  util_utc_stamp(now);
  if (sqlite3_prepare_v2(t->db,
                         "INSERT INTO explorations(script, script_sha256, strategy, params,"
                         " base_seed, started_at, mode, options, racesim_version, shard, jobs,"
                         " record) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(t->err, sizeof t->err, "%s", sqlite3_errmsg(t->db));
    return -1;
  }
  sqlite3_bind_text(st, 1, x->script, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, x->sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, x->strategy, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, x->params ? x->params : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 5, x->base_seed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 7, x->mode ? x->mode : "threads", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 8, x->options ? x->options : "{}", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 9, RACESIM_VERSION, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 10, x->shard ? x->shard : "1/1", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 11, x->jobs > 0 ? x->jobs : 1);
  sqlite3_bind_text(st, 12, x->record ? x->record : "failing:10", -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) {
    describe(t, sqlite3_errmsg(t->db));
    sqlite3_finalize(st);
    return -1;
  }
  sqlite3_finalize(st);
  t->expl = sqlite3_last_insert_rowid(t->db);
  t->kept_runs = t->kept_steps = t->batch_runs = t->batch_steps = 0;
  return t->expl;
}

const char *trace_run_status(const SimRun *r) {
  if (r->end == END_ABORT || r->end == END_SETUP || r->end == END_DIVERGED) return "error";
  return r->nfindings ? "finding" : "ok";
}

void trace_flags(uint16_t flags, char *out, size_t n) {
  static const struct {
    uint16_t bit;
    const char *name;
  } names[] = {{EV_TIMEOUT, "timeout"}, {EV_FAILED, "failed"},  {EV_RAISED, "raised"},
               {EV_FINALLY, "finally"}, {EV_BROKE, "broke"},    {EV_NOWAIT, "nowait"},
               {EV_BLOCKED, "waited"}};
  out[0] = '\0';
  size_t len = 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (flags & names[i].bit)
      len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", len ? "," : "",
                              names[i].name);
}

static int step_done(Trace *t, sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? 0 : fail_db(t);
}

static int record_events(Trace *t, int64_t run, const SimRun *r) {
  sqlite3_stmt *st = t->st[S_THREAD];
  for (int32_t i = 0; i < r->nthreads; i++) {
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int(st, 2, i);
    sqlite3_bind_text(st, 3, thread_name(r, i), -1, SQLITE_STATIC);
    if (r->threads[i].parent >= 0) sqlite3_bind_int(st, 4, r->threads[i].parent);
    if (step_done(t, st)) return -1;
  }
  st = t->st[S_OBJECT];
  for (int32_t i = 0; i < r->nobjs; i++) {
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int(st, 2, i);
    sqlite3_bind_text(st, 3, r->objs[i].cls->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, obj_name(r, i), -1, SQLITE_STATIC);
    if (r->objs[i].line > 0) sqlite3_bind_int(st, 5, r->objs[i].line);
    if (step_done(t, st)) return -1;
  }
  st = t->st[S_EVENT];
  StrBuf v, path;
  sb_init(&v);
  sb_init(&path);
  char flags[64];
  for (uint32_t i = 0; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, (int64_t)i + 1);
    sqlite3_bind_int(st, 3, e->tid);
    sqlite3_bind_text(st, 4, op_name(e->op), -1, SQLITE_STATIC);
    if (e->obj >= 0) sqlite3_bind_int(st, 5, e->obj);
    if (e->value.tag != VAL_NONE) {
      sb_reset(&v);
      run_format_value(r, &e->value, &v);
      sqlite3_bind_text(st, 6, v.s, (int)v.len, SQLITE_STATIC);
    }
    sqlite3_bind_double(st, 7, e->vtime);
    if (e->line > 0) sqlite3_bind_int(st, 8, e->line);
    sqlite3_bind_int64(st, 9, e->step);
    trace_flags(e->flags, flags, sizeof flags);
    if (flags[0]) sqlite3_bind_text(st, 10, flags, -1, SQLITE_STATIC);
    if (run_site_is_path(r, e->site)) {
      sb_reset(&path);
      run_format_event_at(r, e, &path);
      sqlite3_bind_text(st, 11, path.s, (int)path.len, SQLITE_STATIC);
    }
    const StepRec *pre = run_preemption_at(r, i);
    if (pre) {
      sqlite3_bind_int(st, 12, pre->preempted);
      StrBuf ids;
      sb_init(&ids);
      for (uint32_t k = 0; k < pre->nrunnable; k++)
        sb_printf(&ids, "%s%d", k ? "," : "[", r->runnable[pre->runnable + k]);
      sb_putc(&ids, ']');
      sqlite3_bind_text(st, 13, ids.s, (int)ids.len, SQLITE_TRANSIENT);
      sb_free(&ids);
    }
    if (step_done(t, st)) {
      sb_free(&v);
      sb_free(&path);
      return -1;
    }
  }
  /* a stalled run: where each thread is still waiting, as a last row */
  uint32_t k = r->nevents;
  for (int32_t i = 0; r->end == END_STALL && i < r->nthreads; i++) {
    const SimThread *th = &r->threads[i];
    if (th->state != TS_READY || th->pend.op == OP_END) continue;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_int64(st, 2, (int64_t)++k);
    sqlite3_bind_int(st, 3, i);
    sqlite3_bind_text(st, 4, op_pending_name(th->pend.op), -1, SQLITE_STATIC);
    if (th->pend.obj >= 0) sqlite3_bind_int(st, 5, th->pend.obj);
    sqlite3_bind_double(st, 7, r->vtime);
    if (th->pend.line > 0) sqlite3_bind_int(st, 8, th->pend.line);
    sqlite3_bind_int64(st, 9, r->steps + 1);
    sqlite3_bind_text(st, 10, "blocked", -1, SQLITE_STATIC);
    if (run_site_is_path(r, th->pend.site)) {
      sb_reset(&path);
      run_format_at(r, th->pend.site, th->pend.line, &path);
      sqlite3_bind_text(st, 11, path.s, (int)path.len, SQLITE_STATIC);
    }
    if (step_done(t, st)) {
      sb_free(&v);
      sb_free(&path);
      return -1;
    }
  }
  sb_free(&v);
  sb_free(&path);
  return 0;
}

/*
** Append the members of the JSON object 'obj' (a detector's details) to the
** object being written in 'd', after its own: "{...}" gives ",...".
*/
static void merge_members(StrBuf *d, const char *obj) {
  while (*obj == ' ') obj++;
  size_t n = strlen(obj);
  while (n && obj[n - 1] == ' ') n--;
  if (n < 2 || obj[0] != '{' || obj[n - 1] != '}') return; /* not an object */
  const char *in = obj + 1;
  size_t len = n - 2;
  while (len && *in == ' ') in++, len--;
  if (!len) return;
  sb_putc(d, ',');
  sb_putn(d, in, len);
}

/* Run 'r' is written: count it in the batch, and commit if it is due. */
static int ran(Trace *t, const SimRun *r) {
  t->batch_runs++;
  t->batch_steps += r->steps;
  return trace_flush(t, 0);
}

/* A free held row (its buffers kept from the last one there). */
static PendingRow *held_slot(Trace *t) {
  if (t->nheld == t->cap_held) {
    size_t cap = t->cap_held ? 2 * t->cap_held : 256;
    t->held = util_xrealloc(t->held, cap * sizeof *t->held);
    memset(t->held + t->cap_held, 0, (cap - t->cap_held) * sizeof *t->held); /* (empty StrBufs) */
    t->cap_held = cap;
  }
  return &t->held[t->nheld];
}

static void swap_rows(PendingRow *a, PendingRow *b) {
  PendingRow x = *a;
  *a = *b;
  *b = x;
}

/*
** Write the held rows of exploration 'expl' (any, if negative) numbered
** lo <= idx < hi, renumbered to start at 'to', with the rows that wait
** (in a transaction).  The others stay held, in their order; rows are only
** swapped, so every buffer keeps one owner.
*/
static int release_held(Trace *t, int64_t expl, uint64_t lo, uint64_t hi, uint64_t to) {
  size_t keep = 0;
  for (size_t i = 0; i < t->nheld; i++) {
    PendingRow *h = &t->held[i];
    uint64_t idx = (uint64_t)h->idx;
    if ((expl >= 0 && h->expl != expl) || idx < lo || idx >= hi) {
      swap_rows(&t->held[keep++], h);
      continue;
    }
    h->idx = (int64_t)(idx - lo + to);
    t->batch_runs++;
    t->batch_steps += (uint64_t)h->steps;
    swap_rows(h, &t->rows[t->nrows]);
    if (++t->nrows == RUN_ROWS && write_rows(t) != 0) {
      t->nheld = keep;
      return -1;
    }
  }
  t->nheld = keep;
  return 0;
}

int64_t trace_run(Trace *t, int64_t expl, uint64_t idx, const SimRun *r, const char *token,
                  int events, int findings, const char *const *replay, int provisional) {
  if (begin_tx(t) != 0) return -1;
  int wait = !events && !findings; /* nothing but its row: it waits (RUN_ROWS) */
  int hold = wait && provisional && t->nheld < HOLD_ROWS; /* ... for its number */
  if (provisional && !hold) t->prov_written++;
  PendingRow one, *w = hold ? held_slot(t) : wait ? &t->rows[t->nrows] : &one;
  w->expl = expl;
  w->idx = (int64_t)idx;
  w->steps = r->steps;
  w->vtime = r->vtime;
  w->status = trace_run_status(r);
  util_fmt_hex(w->seed, sizeof w->seed, "0x", r->seed, 0);
  w->has_token = token != NULL;
  StrBuf *sigs = wait ? &w->sigs : &t->sigs;
  sb_reset(sigs);
  for (uint32_t i = 0; i < r->nfindings; i++) {
    int again = 0; /* (each once) */
    for (uint32_t k = 0; k < i && !again; k++) again = r->findings[k].sig == r->findings[i].sig;
    if (again) continue;
    char hex[20];
    size_t n = util_fmt_hex(hex, sizeof hex, sigs->len ? " " : "", r->findings[i].sig, 16);
    sb_putn(sigs, hex, n);
  }
  if (wait) {
    sb_reset(&w->token);
    if (token) sb_puts(&w->token, token);
    if (hold) { /* (counted in the batch when it is written) */
      t->nheld++;
      return trace_flush(t, 0) != 0 ? -1 : 0;
    }
    if (++t->nrows == RUN_ROWS && write_rows(t) != 0) return -1;
    return ran(t, r) != 0 ? -1 : 0;
  }
  if (write_rows(t) != 0) return -1; /* (the runs before it first) */
  sqlite3_stmt *st = t->st[S_RUN];
  one.sigs = *sigs; /* (borrowed) */
  one.token.s = (char *)token;
  bind_row(st, 0, &one);
  sqlite3_bind_int(st, 8, events);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return fail_db(t);
  int64_t run = sqlite3_last_insert_rowid(t->db);
  if (events && record_events(t, run, r) != 0) return -1;
  if (!findings) return ran(t, r) != 0 ? -1 : run;
  st = t->st[S_FINDING];
  StrBuf d, msg;
  sb_init(&d);
  sb_init(&msg);
  for (uint32_t i = 0; i < r->nfindings; i++) {
    const RunFinding *f = &r->findings[i];
    char sig[24];
    util_fmt_hex(sig, sizeof sig, "", f->sig, 16);
    sb_reset(&d);
    sb_puts(&d, "{\"events\":[");
    int k = 0;
    for (int j = 0; j < FINDING_EVS; j++)
      if (f->evs[j] >= 0) sb_printf(&d, "%s%d", k++ ? "," : "", f->evs[j] + 1);
    sb_puts(&d, "]");
    if (replay && replay[i]) {
      sb_puts(&d, ",\"replay\":");
      sb_json_str(&d, replay[i]);
    }
    if (f->details != UINT32_MAX) merge_members(&d, run_str(r, f->details));
    sb_puts(&d, "}");
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, finding_kind_names[f->kind], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sig, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, run_finding_msg(r, f, &msg), -1, SQLITE_TRANSIENT);
    if (f->ev >= 0) sqlite3_bind_int64(st, 5, (int64_t)f->ev + 1);
    if (f->tid >= 0) sqlite3_bind_int(st, 6, f->tid);
    if (f->obj >= 0) sqlite3_bind_int(st, 7, f->obj);
    sqlite3_bind_text(st, 8, d.s, (int)d.len, SQLITE_TRANSIENT);
    if (step_done(t, st)) {
      sb_free(&d);
      sb_free(&msg);
      return -1;
    }
  }
  sb_free(&msg);
  sb_free(&d);
  return ran(t, r) != 0 ? -1 : run;
}

void trace_lock_edge(Trace *t, int64_t expl, const char *from, const char *to,
                     const char *thread, int32_t line, int32_t from_line,
                     uint64_t first_run, uint64_t count, const char *graph) {
  if (begin_write(t) != 0) return;
  sqlite3_stmt *st = t->st[S_EDGE];
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, thread, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 5, line);
  sqlite3_bind_int(st, 6, from_line);
  sqlite3_bind_int64(st, 7, (int64_t)first_run);
  sqlite3_bind_int64(st, 8, (int64_t)count);
  if (graph) sqlite3_bind_text(st, 9, graph, -1, SQLITE_TRANSIENT);
  step_done(t, st);
}

void trace_coverage(Trace *t, int64_t expl, const char *object, const char *kind,
                    const char *item, uint64_t runs, uint64_t first_run) {
  if (begin_write(t) != 0) return;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db,
                         "INSERT OR REPLACE INTO coverage(exploration_id, object, kind, item,"
                         " runs, first_run) VALUES (?,?,?,?,?,?)",
                         -1, &st, NULL) != SQLITE_OK) {
    fail_db(t);
    return;
  }
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_text(st, 2, object, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, item, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, (int64_t)runs);
  sqlite3_bind_int64(st, 6, (int64_t)first_run);
  if (sqlite3_step(st) != SQLITE_DONE) fail_db(t);
  sqlite3_finalize(st);
}

void trace_late_finding(Trace *t, int64_t expl, uint64_t idx, const char *kind, uint64_t sig,
                        const char *message, const char *replay, const SimRun *r,
                        const int32_t *evs, int nevs) {
  if (begin_write(t) != 0) return;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db,
                         "SELECT id, recorded FROM runs WHERE exploration_id = ? AND idx = ?"
                         " LIMIT 1",
                         -1, &st, NULL) != SQLITE_OK) {
    fail_db(t);
    return;
  }
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_int64(st, 2, (int64_t)idx);
  int64_t run = -1;
  int recorded = 0;
  if (sqlite3_step(st) == SQLITE_ROW) {
    run = sqlite3_column_int64(st, 0);
    recorded = sqlite3_column_int(st, 1);
  }
  sqlite3_finalize(st);
  if (run < 0) return;
  if (r && !recorded && record_events(t, run, r) == 0) recorded = 1;
  if (sqlite3_prepare_v2(t->db,
                         "UPDATE runs SET recorded = ?, status = CASE status WHEN 'ok'"
                         " THEN 'finding' ELSE status END WHERE id = ?",
                         -1, &st, NULL) != SQLITE_OK) {
    fail_db(t);
    return;
  }
  sqlite3_bind_int(st, 1, recorded);
  sqlite3_bind_int64(st, 2, run);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    fail_db(t);
    return;
  }

  char sigs[24];
  snprintf(sigs, sizeof sigs, "%016llx", (unsigned long long)sig);
  if (sqlite3_prepare_v2(t->db,
                         "UPDATE runs SET signatures = CASE WHEN signatures IS NULL"
                         " OR signatures = '' THEN ?1 ELSE signatures || ' ' || ?1 END"
                         " WHERE id = ?2",
                         -1, &st, NULL) != SQLITE_OK) {
    fail_db(t);
    return;
  }
  sqlite3_bind_text(st, 1, sigs, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, run);
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    fail_db(t);
    return;
  }
  StrBuf d;
  sb_init(&d);
  sb_puts(&d, "{\"events\":[");
  for (int k = 0; recorded && k < nevs; k++) sb_printf(&d, "%s%d", k ? "," : "", evs[k] + 1);
  sb_puts(&d, "]");
  if (replay) {
    sb_puts(&d, ",\"replay\":");
    sb_json_str(&d, replay);
  }
  sb_puts(&d, "}");
  st = t->st[S_FINDING];
  sqlite3_bind_int64(st, 1, run);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, sigs, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, message, -1, SQLITE_TRANSIENT);
  if (recorded && nevs > 0) sqlite3_bind_int64(st, 5, (int64_t)evs[nevs - 1] + 1);
  sqlite3_bind_text(st, 8, d.s, (int)d.len, SQLITE_TRANSIENT);
  step_done(t, st);
  sb_free(&d);
}

int trace_renumber(Trace *t, int64_t expl, uint64_t lo, uint64_t hi, uint64_t to) {
  if (begin_tx(t) != 0 || release_held(t, expl, lo, hi, to) != 0 || write_rows(t) != 0)
    return -1;
  if (!t->prov_written) return 0; /* (every row it could move was held) */
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db,
                         "UPDATE runs SET idx = idx - ?1 + ?2"
                         " WHERE exploration_id = ?3 AND idx >= ?1 AND idx < ?4",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(t->err, sizeof t->err, "%s", sqlite3_errmsg(t->db));
    return -1;
  }
  sqlite3_bind_int64(st, 1, (int64_t)lo);
  sqlite3_bind_int64(st, 2, (int64_t)to);
  sqlite3_bind_int64(st, 3, expl);
  sqlite3_bind_int64(st, 4, (int64_t)hi);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    snprintf(t->err, sizeof t->err, "%s", sqlite3_errmsg(t->db));
    return -1;
  }
  return 0;
}

/*
** The exploration's last word.  After a write failure, what the file keeps:
** the runs of the batches committed, the exploration 'failed' (a file that
** refuses even this keeps the row as the last commit left it: 'running',
** with the runs it has).
*/
void trace_end(Trace *t, int64_t expl, uint64_t runs, uint64_t steps, int complete,
               uint64_t pruned, const char *status, const char *mode) {
  trace_flush(t, 1);
  int broken = t->broken;
  char why[sizeof t->err];
  memcpy(why, t->err, sizeof why);
  if (broken) {
    runs = t->kept_runs, steps = t->kept_steps, status = "failed", complete = 0;
    t->broken = 0; /* (one more try, on its own) */
  }
  sqlite3_stmt *st = NULL;
  char now[32];
  util_utc_stamp(now);
  if (begin_tx(t) == 0 &&
      sqlite3_prepare_v2(t->db,
                         "UPDATE explorations SET finished_at=?, runs=?, steps=?, complete=?,"
                         " pruned=?, status=?, mode=? WHERE id=?",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (int64_t)runs);
    sqlite3_bind_int64(st, 3, (int64_t)steps);
    sqlite3_bind_int(st, 4, complete);
    sqlite3_bind_int64(st, 5, (int64_t)pruned);
    sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, mode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, expl);
    if (sqlite3_step(st) == SQLITE_DONE) trace_flush(t, 1);
    else fail_db(t);
  } else if (!t->broken) {
    fail_db(t);
  }
  sqlite3_finalize(st);
  if (broken) t->broken = 1, memcpy(t->err, why, sizeof why); /* (the first reason) */
}

/* ---- bugs ------------------------------------------------------------- */

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void hex_list(StrBuf *b, const uint64_t *v, size_t n) {
  for (size_t i = 0; i < n; i++) sb_printf(b, "%s%016llx", i ? "," : "", (unsigned long long)v[i]);
}


/* One observation's row of bug_evidence. */
static int evidence_row(Trace *t, sqlite3_stmt *st, int64_t bug, int role, const Distinct *d) {
  char sig[24], seed[24];
  snprintf(sig, sizeof sig, "%016llx", (unsigned long long)d->sig);
  snprintf(seed, sizeof seed, "0x%llx", (unsigned long long)d->seed);
  StrBuf lines, locks, causes, related;
  sb_init(&lines), sb_init(&locks), sb_init(&causes), sb_init(&related);
  for (int i = 0; i < d->nlines; i++) sb_printf(&lines, "%s%d", i ? "," : "", (int)d->lines[i]);
  hex_list(&locks, d->locks, d->nlocks);
  hex_list(&causes, d->causes, d->ncauses);
  hex_list(&related, d->related, d->nrelated);
  sqlite3_bind_int64(st, 1, bug);
  sqlite3_bind_text(st, 2, bug_role_names[role], -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, finding_kind_names[d->kind], -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, sig, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, (int64_t)d->count);
  sqlite3_bind_int64(st, 6, (int64_t)d->first_run);
  sqlite3_bind_text(st, 7, d->message ? d->message : "", -1, SQLITE_TRANSIENT);
  bind_text(st, 8, d->where);
  if (d->nlines) bind_text(st, 9, lines.s);
  if (d->nlocks) bind_text(st, 10, locks.s);
  if (d->causes_known) bind_text(st, 11, causes.s ? causes.s : "");
  bind_text(st, 12, d->conseq);
  sqlite3_bind_text(st, 13, seed, -1, SQLITE_TRANSIENT);
  bind_text(st, 14, d->schedule);
  sqlite3_bind_int64(st, 15, d->steps);
  sqlite3_bind_int64(st, 16, d->preemptions);
  bind_text(st, 17, d->replay);
  bind_text(st, 18, d->note);
  if (d->nrelated) bind_text(st, 19, related.s);
  if (d->shrunk) {
    bind_text(st, 20, d->shrunk_schedule);
    sqlite3_bind_int64(st, 21, d->shrunk_steps);
    sqlite3_bind_int64(st, 22, d->shrunk_preemptions);
    bind_text(st, 23, d->shrunk_msg);
    bind_text(st, 24, d->shrunk_conseq);
    bind_text(st, 25, d->shrunk_head);
  }
  sb_free(&lines), sb_free(&locks), sb_free(&causes), sb_free(&related);
  return step_done(t, st);
}

int trace_bugs(Trace *t, int64_t expl, const FindingStore *fs, const BugList *bl) {
  if (begin_write(t) != 0) return -1;
  sqlite3_stmt *del = NULL, *bst = NULL, *est = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(t->db,
                         "DELETE FROM bug_evidence WHERE bug_id IN"
                         " (SELECT id FROM bugs WHERE exploration_id = ?1);"
                         , -1, &del, NULL) != SQLITE_OK)
    goto done;
  sqlite3_bind_int64(del, 1, expl);
  if (step_done(t, del)) goto done;
  sqlite3_finalize(del);
  if (sqlite3_prepare_v2(t->db, "DELETE FROM bugs WHERE exploration_id = ?1", -1, &del, NULL) !=
      SQLITE_OK)
    goto done;
  sqlite3_bind_int64(del, 1, expl);
  if (step_done(t, del)) goto done;
  if (sqlite3_prepare_v2(t->db,
                         "INSERT INTO bugs(exploration_id, rank, kind, signature, message, runs,"
                         " first_run, seed, schedule, steps, preemptions, replay, minimal,"
                         " preemptions_lower_bound, shrink)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &bst, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(t->db,
                         "INSERT INTO bug_evidence(bug_id, role, kind, signature, runs, first_run,"
                         " message, location, lines, locks, causes, consequence, seed, schedule,"
                         " steps, preemptions, replay, note, related, shrunk_schedule,"
                         " shrunk_steps, shrunk_preemptions, shrunk_message, shrunk_consequence,"
                         " shrunk_headline)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &est, NULL) != SQLITE_OK)
    goto done;
  for (size_t k = 0; k < bl->n; k++) {
    const Bug *b = &bl->v[k];
    const Distinct *h = &fs->v[b->head], *d = &fs->v[b->rep];
    char sig[24], seed[24];
    snprintf(sig, sizeof sig, "%016llx", (unsigned long long)h->sig);
    snprintf(seed, sizeof seed, "0x%llx", (unsigned long long)d->seed);
    sqlite3_bind_int64(bst, 1, expl);
    sqlite3_bind_int64(bst, 2, (int64_t)k + 1);
    sqlite3_bind_text(bst, 3, finding_kind_names[b->kind], -1, SQLITE_STATIC);
    sqlite3_bind_text(bst, 4, sig, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(bst, 5, b->message, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(bst, 6, (int64_t)b->runs);
    sqlite3_bind_int64(bst, 7, (int64_t)d->first_run);
    sqlite3_bind_text(bst, 8, seed, -1, SQLITE_TRANSIENT);
    bind_text(bst, 9, d->shrunk ? d->shrunk_schedule : d->schedule);
    sqlite3_bind_int64(bst, 10, d->shrunk ? d->shrunk_steps : d->steps);
    sqlite3_bind_int64(bst, 11, d->shrunk ? d->shrunk_preemptions : d->preemptions);
    bind_text(bst, 12, d->replay);
    StrBuf sh;
    sb_init(&sh);
    finding_shrink_line(d, &sh);
    if (d->shrink == SHRINK_MINIMAL || d->shrink == SHRINK_SHORTEST) {
      sqlite3_bind_int64(bst, 13, d->shrink == SHRINK_MINIMAL);
      sqlite3_bind_int64(bst, 14, d->shrink_lower);
    } else {
      sqlite3_bind_null(bst, 13);
      sqlite3_bind_null(bst, 14);
    }
    bind_text(bst, 15, sh.s);
    sb_free(&sh);
    if (step_done(t, bst)) goto done;
    int64_t bug = sqlite3_last_insert_rowid(t->db);
    for (size_t j = 0; j < b->nobs; j++)
      if (evidence_row(t, est, bug, b->role[j], &fs->v[b->obs[j]])) goto done;
  }
  rc = 0;
done:
  if (rc) fail_db(t);
  sqlite3_finalize(del);
  sqlite3_finalize(bst);
  sqlite3_finalize(est);
  return rc;
}

static const char *col_text(sqlite3_stmt *st, int i) {
  return (const char *)sqlite3_column_text(st, i);
}

static char *dup_col(sqlite3_stmt *st, int i) {
  const char *s = col_text(st, i);
  return s ? util_xstrdup(s) : NULL;
}

/* Parse "a,b,c" of hex numbers into v (at most max); returns how many. */
static size_t parse_hex_list(const char *s, uint64_t *v, size_t max) {
  size_t n = 0;
  for (const char *p = s; p && *p && n < max;) {
    char *end;
    v[n++] = strtoull(p, &end, 16);
    p = *end == ',' ? end + 1 : NULL;
  }
  return n;
}

/* "a,b,c" of hex numbers, as many as there are (free the array). */
static uint64_t *hex_array(const char *s, size_t *n) {
  size_t cap = 1;
  for (const char *p = s; p && *p; p++) cap += *p == ',';
  uint64_t *v = util_xmalloc(sizeof(uint64_t) * cap);
  *n = parse_hex_list(s, v, cap);
  return v;
}

static int kind_of(const char *name) {
  for (int k = 0; name && k < FIND__COUNT; k++)
    if (!strcmp(finding_kind_names[k], name)) return k;
  return -1;
}

/* The messages of the lost updates, races and failures of d's run (with_sig:
   finding_told_with). */
static void load_with(Trace *t, int64_t expl, Distinct *d) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db,
                         "SELECT f.signature, f.message FROM findings f JOIN runs r"
                         " ON r.id = f.run_id WHERE r.exploration_id = ? AND r.idx = ?"
                         " AND f.kind IN ('lost_update', 'data_race', 'error', 'assertion',"
                         " 'barrier_broken') AND f.signature != ? ORDER BY f.id",
                         -1, &st, NULL) != SQLITE_OK) {
    fail_db(t);
    return;
  }
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_int64(st, 2, (int64_t)d->first_run);
  char sig[20];
  util_fmt_hex(sig, sizeof sig, "", d->sig, 16);
  sqlite3_bind_text(st, 3, sig, -1, SQLITE_TRANSIENT);
  finding_clear_with(d);
  while (sqlite3_step(st) == SQLITE_ROW)
    finding_add_with(d, strtoull(col_text(st, 0) ? col_text(st, 0) : "0", NULL, 16),
                     col_text(st, 1) ? col_text(st, 1) : "");
  sqlite3_finalize(st);
}

int trace_observations(Trace *t, int64_t expl, FindingStore *fs) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db,
                         "SELECT e.kind, e.signature, e.runs, e.first_run, e.message, e.location,"
                         " e.lines, e.locks, e.causes, e.consequence, e.seed, e.schedule, e.steps,"
                         " e.preemptions, e.replay, e.note, e.related, e.shrunk_schedule,"
                         " e.shrunk_steps, e.shrunk_preemptions, e.shrunk_message,"
                         " e.shrunk_consequence, e.shrunk_headline FROM bug_evidence e JOIN bugs b"
                         " ON b.id = e.bug_id WHERE b.exploration_id = ? ORDER BY b.id, e.rowid",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(t->err, sizeof t->err, "%s", sqlite3_errmsg(t->db));
    return -1;
  }
  sqlite3_bind_int64(st, 1, expl);
  FindingStore one;
  finding_init(&one);
  while (sqlite3_step(st) == SQLITE_ROW) {
    int kind = kind_of(col_text(st, 0));
    if (kind < 0) continue;
    Distinct *d = finding_add(&one, strtoull(col_text(st, 1) ? col_text(st, 1) : "0", NULL, 16),
                              (uint8_t)kind);
    d->count = (uint64_t)sqlite3_column_int64(st, 2);
    d->first_run = (uint64_t)sqlite3_column_int64(st, 3);
    d->message = dup_col(st, 4);
    d->where = dup_col(st, 5);
    if (d->where) d->loc = util_fnv(UTIL_FNV_INIT, d->where, strlen(d->where));
    if (d->where) d->fam = finding_family(d->where);
    for (const char *p = col_text(st, 6); p && *p && d->nlines < 4;) {
      char *end;
      d->lines[d->nlines++] = (int32_t)strtol(p, &end, 10);
      p = *end == ',' ? end + 1 : NULL;
    }
    d->nlocks = (uint8_t)parse_hex_list(col_text(st, 7), d->locks, FINDING_EVS);
    if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
      size_t n;
      uint64_t *c = hex_array(col_text(st, 8), &n);
      finding_note_causes(d, c, n);
      free(c);
    }
    d->conseq = dup_col(st, 9);
    const char *seed = col_text(st, 10);
    d->seed = seed ? strtoull(seed, NULL, 0) : 0;
    d->schedule = dup_col(st, 11);
    d->steps = (uint32_t)sqlite3_column_int64(st, 12);
    d->preemptions = (uint32_t)sqlite3_column_int64(st, 13);
    d->replay = dup_col(st, 14);
    d->note = dup_col(st, 15);
    size_t nrel;
    uint64_t *rel = hex_array(col_text(st, 16), &nrel);
    finding_note_related(d, rel, nrel);
    free(rel);
    if (sqlite3_column_type(st, 17) != SQLITE_NULL) { /* what shrinking found */
      d->shrunk = 1;
      d->shrunk_schedule = dup_col(st, 17);
      d->shrunk_steps = (uint32_t)sqlite3_column_int64(st, 18);
      d->shrunk_preemptions = (uint32_t)sqlite3_column_int64(st, 19);
      d->shrunk_msg = dup_col(st, 20);
      d->shrunk_conseq = dup_col(st, 21);
      d->shrunk_head = dup_col(st, 22);
    }
    if (finding_is_failure(kind) || kind == FIND_STUCK) load_with(t, expl, d);
  }
  sqlite3_finalize(st);
  finding_merge(fs, &one);
  return 0;
}
