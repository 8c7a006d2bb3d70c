/*
** test_trace.c - the trace database: creation with the schema and its
** version, recording runs with events and findings, and the refusals: a
** file that is not a database, someone else's database, another schema
** version, a directory.
*/
#include <sqlite3.h>
#include <sys/stat.h>

#include "object.h"
#include "trace.h"
#include "test.h"

static const ObjClass loc = {"Shared", NULL, NULL, NULL, NULL, 0, 1, NULL, 0};

static int64_t scalar(const char *db, const char *sql) {
  sqlite3 *h;
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_open(db, &h) != SQLITE_OK) return -2;
  if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

static void exec_sql(const char *db, const char *sql) {
  sqlite3 *h;
  sqlite3_open(db, &h);
  sqlite3_exec(h, sql, NULL, NULL, NULL);
  sqlite3_close(h);
}

static void test_create_and_record(void) {
  char err[512];
  remove("t1.db");
  Trace *t = trace_open("t1.db", err, sizeof err);
  CHECK(t != NULL);
  TraceExploration x = {"s.lua", "abc", "random", "", "0x1", "threads", "{}", "1/1", 1, "failing:10"};
  int64_t e = trace_begin(t, &x);
  CHECK(e > 0);
  SimRun r;
  run_init(&r);
  run_reset(&r);
  r.script = "s.lua";
  run_new_thread(&r, "MainThread", -1);
  int32_t o = run_new_object(&r, &loc, "counter", 3, -1)->id;
  r.steps = 1;
  SimEvent *ev = run_event(&r, 0, OP_WRITE, o);
  ev->value.tag = VAL_INT, ev->value.u.i = 7, ev->line = 4;
  run_finding(&r, FIND_ASSERTION, 0, 0, -1, 42, "check failed");
  RunFinding *f = run_finding(&r, FIND_STUCK, 0, 0, -1, 43, "stuck");
  f->evs[0] = 0;
  const char *own = "{\"waits\":[{\"thread\":\"MainThread\"}]}";
  f->details = run_text(&r, own, strlen(own));
  const char *replay[] = {"racesim replay s.lua --seed 0x1", NULL};
  CHECK(trace_run(t, e, r.index, &r, "TOKEN", 1, 1, replay, 0) > 0);
  /* a failing run not kept: its row alone, which waits for others (0) */
  r.index = 1;
  CHECK(trace_run(t, e, r.index, &r, NULL, 0, 0, NULL, 0) == 0);
  run_reset(&r);
  r.index = 2;
  CHECK(trace_run(t, e, r.index, &r, NULL, 0, 1, NULL, 0) > 0);
  run_reset(&r); /* a run of many findings names every one */
  r.index = 3;
  for (int i = 0; i < 40; i++) run_finding(&r, FIND_ERROR, -1, 0, -1, (uint64_t)(100 + i % 20), "e");
  CHECK(trace_run(t, e, r.index, &r, NULL, 0, 0, NULL, 0) == 0);
  run_reset(&r);
  trace_end(t, e, 4, 1, 0, 0, "done", "threads");
  trace_close(t);
  CHECK_EQ_INT(scalar("t1.db", "PRAGMA user_version"), TRACE_SCHEMA_VERSION);
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM runs"), 4);
  /* rows that waited are written before the next row that does not: in run order */
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM runs WHERE id = idx + 1"), 4);
  CHECK_EQ_INT(scalar("t1.db", "SELECT max(length(signatures)) FROM runs"), 20 * 17 - 1);
  /* every failing run names its signatures, each once, whether its findings are kept or not */
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM runs WHERE status = 'finding' AND"
                               " length(signatures) = 33 AND signatures LIKE '% %'"), 2);
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(DISTINCT run_id) FROM findings"), 1);
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM events"), 1);
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM findings WHERE kind='assertion'"), 1);
  /* a finding's own details are merged into the object the database keeps */
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM findings WHERE kind='stuck' AND details ="
                               " '{\"events\":[1],\"waits\":[{\"thread\":\"MainThread\"}]}'"),
               1);
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM findings WHERE kind='assertion' AND details ="
                               " '{\"events\":[],\"replay\":\"racesim replay s.lua --seed 0x1\"}'"),
               1);
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM events_readable WHERE object='counter' AND value='7'"), 1);
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM failing_runs"), 3);
  CHECK_EQ_INT(scalar("t1.db", "SELECT runs FROM distinct_findings WHERE kind='assertion'"), 2); /* kept or not */
  CHECK_EQ_INT(scalar("t1.db", "SELECT count(*) FROM explorations WHERE status='done'"), 1);
  /* opening it again appends */
  t = trace_open("t1.db", err, sizeof err);
  CHECK(t != NULL);
  CHECK(trace_begin(t, &x) > e);
  trace_close(t);
  run_free(&r);
}

/* A new database file 'db' with one exploration of 'strategy' begun (its id
   in '*e'), or NULL (a failed CHECK). */
static Trace *fresh_exploration(const char *db, const char *strategy, int64_t *e) {
  char err[512], wal[64], shm[64];
  snprintf(wal, sizeof wal, "%s-wal", db);
  snprintf(shm, sizeof shm, "%s-shm", db);
  remove(db), remove(wal), remove(shm);
  Trace *t = trace_open(db, err, sizeof err);
  CHECK(t != NULL);
  if (!t) return NULL;
  TraceExploration x = {"s.lua", "abc", strategy, "", "0x1", "threads", "{}", "1/1", 1, "failing:10"};
  *e = trace_begin(t, &x);
  CHECK(*e > 0);
  return t;
}

/* Runs rows that wait to be written sixteen at a time: none lost, none out of
   order, all in every commit. */
static void test_waiting_rows(void) {
  int64_t e;
  Trace *t = fresh_exploration("t6.db", "random", &e);
  if (!t) return;
  SimRun r;
  run_init(&r);
  for (int i = 0; i < 37; i++) {
    run_reset(&r);
    run_new_thread(&r, "MainThread", -1);
    r.index = (uint64_t)i;
    r.seed = (uint64_t)i * 7919;
    r.steps = (uint32_t)i;
    int recorded = i == 20; /* one written at once, between waiting ones */
    CHECK(trace_run(t, e, r.index, &r, i % 3 ? NULL : "TOK", recorded, recorded, NULL, 0) >= 0);
    if (i == 25) {
      CHECK(trace_flush(t, 1) == 0); /* a commit writes the rows waiting */
      CHECK_EQ_INT(scalar("t6.db", "SELECT count(*) FROM runs"), 26);
      CHECK_EQ_INT(scalar("t6.db", "SELECT runs FROM explorations"), 26);
    }
  }
  trace_end(t, e, 37, 0, 0, 0, "done", "threads");
  trace_close(t);
  CHECK_EQ_INT(scalar("t6.db", "SELECT count(*) FROM runs"), 37);
  CHECK_EQ_INT(scalar("t6.db", "SELECT count(*) FROM runs WHERE id = idx + 1 AND steps = idx"), 37);
  CHECK_EQ_INT(scalar("t6.db", "SELECT count(*) FROM runs WHERE schedule = 'TOK'"), 13);
  CHECK_EQ_INT(scalar("t6.db", "SELECT count(*) FROM runs WHERE recorded = 1 AND idx = 20"), 1);
  CHECK_EQ_INT(scalar("t6.db", "SELECT count(*) FROM runs WHERE seed = printf('0x%x', idx * 7919)"),
               37);
  run_free(&r);
}

/* Run 'i' of subtree 'sub' (dfs's numbering while it explores), its row alone
   unless 'recorded'. */
static int64_t sub_run(Trace *t, int64_t e, SimRun *r, uint64_t sub, int i, int recorded,
                       int provisional) {
  run_reset(r);
  run_new_thread(r, "MainThread", -1);
  r->steps = (uint32_t)i;
  r->seed = (uint64_t)i;
  return trace_run(t, e, sub << 32 | (uint64_t)i, r, "TOK", recorded, recorded, NULL,
                   provisional);
}

/*
** Rows with provisional numbers (dfs's subtrees whose beginning is not known
** yet): those with nothing but their row are held and written once, with
** their final numbers; those written at once (a recorded run, or more than
** the trace holds) are moved; what is still held at the end is written as
** it is numbered.  Every row once, none lost.
*/
static void test_provisional_rows(void) {
  int64_t e;
  Trace *t = fresh_exploration("t7.db", "dfs", &e);
  if (!t) return;
  SimRun r;
  run_init(&r);
  for (int i = 0; i < 40; i++) CHECK(sub_run(t, e, &r, 1, i, i == 7, 1) >= 0);
  for (int i = 0; i < 5; i++) CHECK(sub_run(t, e, &r, 0, i, 0, 0) == 0);
  CHECK(sub_run(t, e, &r, 2, 3, 0, 1) == 0); /* never given its number */
  CHECK(trace_renumber(t, e, UINT64_C(1) << 32, (UINT64_C(2) << 32) - 1, 5) == 0);
  for (int i = 0; i < 17000; i++) CHECK(sub_run(t, e, &r, 3, i, 0, 1) >= 0); /* more than held */
  CHECK(trace_renumber(t, e, UINT64_C(3) << 32, (UINT64_C(4) << 32) - 1, 45) == 0);
  trace_end(t, e, 17046, 0, 0, 0, "done", "dfs");
  trace_close(t);
  run_free(&r);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(*) FROM runs"), 17046);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(DISTINCT idx) FROM runs"), 17046);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(*) FROM runs WHERE idx < 5 AND steps = idx"), 5);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(*) FROM runs WHERE idx BETWEEN 5 AND 44"
                               " AND steps = idx - 5 AND seed = printf('0x%x', steps)"),
               40);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(*) FROM runs WHERE idx = 12 AND recorded = 1"), 1);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(*) FROM runs WHERE idx BETWEEN 45 AND 17044"
                               " AND steps = idx - 45"),
               17000);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(*) FROM runs WHERE idx = (2 << 32) + 3"), 1);
  CHECK_EQ_INT(scalar("t7.db", "SELECT count(*) FROM runs WHERE schedule = 'TOK'"), 17046);
  remove("t7.db"), remove("t7.db-wal"), remove("t7.db-shm");
}

static void test_refusals(void) {
  char err[512];
  FILE *f = fopen("t2.db", "w");
  fputs("this is not a database, just text that is long enough to look like a header\n", f);
  fclose(f);
  CHECK(trace_open("t2.db", err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "not a racesim trace database");

  remove("t3.db");
  exec_sql("t3.db", "CREATE TABLE other(x)");
  CHECK(trace_open("t3.db", err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "not a racesim trace database");

  remove("t4.db");
  Trace *t = trace_open("t4.db", err, sizeof err);
  trace_close(t);
  exec_sql("t4.db", "PRAGMA user_version=99");
  CHECK(trace_open("t4.db", err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "schema version 99");

  mkdir("t5.db", 0755);
  CHECK(trace_open("t5.db", err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "directory");
  rmdir("t5.db");

  CHECK(trace_open("no/such/dir/t.db", err, sizeof err) == NULL);
  CHECK_CONTAINS(err, "does not exist");
}

int main(void) {
  test_begin(60);
  RUN_TEST(test_create_and_record);
  RUN_TEST(test_refusals);
  RUN_TEST(test_waiting_rows);
  RUN_TEST(test_provisional_rows);
  return test_end("test_trace");
}
