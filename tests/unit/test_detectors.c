/*
** test_detectors.c - every detector on synthetic event streams, without
** Lua: a run is assembled event by event, as the scheduler would record it,
** and the findings are checked, including the cases that must NOT be
** reported (properly synchronized accesses through each kind of primitive,
** a gate lock, RLock re-entry, a cycle within one thread).  The stuck tests
** use the real primitives' classes (sync/), whose explanations read the
** synthetic events and objects as they read a real run's.
*/
#include <math.h>

#include "detect.h"
#include "lockgraph.h"
#include "object.h"
#include "sync.h"
#include "test.h"

/* ---- a tiny world: locations, mutexes, a generic primitive ------------ */

static int32_t owner_of(const SimObject *o) { return *(const int32_t *)(const void *)o->st; }
static int32_t mutex_waits_for(const SimRun *r, const SimObject *o, const SimThread *t) {
  (void)r, (void)t;
  return owner_of(o);
}
static const char *mutex_explain(const SimRun *r, const SimObject *o, const int32_t *tids,
                                 int n, StrBuf *b, int32_t *because) {
  (void)tids, (void)because;
  sb_printf(b, "%s to acquire Lock '%s', held by %s", obj_verb(n, "waits", "wait"),
            obj_name(r, o->id), thread_name(r, owner_of(o)));
  return NULL;
}
static const char *ev_explain(const SimRun *r, const SimObject *o, const int32_t *tids,
                              int n, StrBuf *b, int32_t *because) {
  (void)tids, (void)because;
  sb_printf(b, "%s for Event '%s', which is never set", obj_verb(n, "waits", "wait"),
            obj_name(r, o->id));
  return NULL;
}

static const ObjClass loc_class = {"Shared", NULL, NULL, NULL, NULL, 0, 1, NULL, 0};
static const ObjClass lock_cls = {"Lock", NULL, mutex_waits_for, mutex_explain,
                                  NULL, 1, 0, NULL, OBJ_MUTEX};
static const ObjClass rlock_cls = {"RLock", NULL, mutex_waits_for, mutex_explain,
                                   NULL, 1, 0, NULL, OBJ_MUTEX | OBJ_REENTRANT};
static const ObjClass prim_cls = {"Event", NULL, NULL, ev_explain, NULL, 0, 0, NULL, 0};
static const ObjClass barrier_cls = {"Barrier", NULL, NULL, NULL, NULL, 0, 0, NULL, 0};

typedef struct World {
  SimRun r;
  DetectorSet dets;
} World;

static void world_open(World *w, const char *only) {
  run_init(&w->r);
  char err[128];
  CHECK_EQ_INT(detect_open(&w->dets, only, err, sizeof err), 0);
}

static void world_begin(World *w, int nthreads) {
  run_reset(&w->r);
  w->r.script = "t.lua";
  for (int i = 0; i < nthreads; i++) {
    char name[16];
    snprintf(name, sizeof name, "T%d", i);
    w->r.cur = i > 0 ? 0 : -1;
    run_new_thread(&w->r, name, i > 0 ? 0 : -1);
  }
  w->r.cur = -1;
  detect_begin_run(&w->dets, &w->r);
}

static int32_t obj(World *w, const ObjClass *c, const char *name) {
  return run_new_object(&w->r, c, name, 1, -1)->id;
}

/* Record and dispatch an event ('aux': a spawned thread, a count). */
static SimEvent *eva(World *w, int32_t tid, int op, int32_t o, int64_t value, int32_t line,
                     int32_t aux) {
  w->r.steps++;
  SimEvent *e = run_event(&w->r, tid, op, o);
  e->line = line;
  e->aux = aux;
  e->value.tag = VAL_INT;
  e->value.u.i = value;
  if (op == OP_ACQUIRE) e->value.tag = VAL_BOOL, e->value.u.i = 1;
  detect_event(&w->dets, &w->r, w->r.nevents - 1);
  return &w->r.events[w->r.nevents - 1];
}

static SimEvent *ev(World *w, int32_t tid, int op, int32_t o, int64_t value, int32_t line) {
  return eva(w, tid, op, o, value, line, -1);
}

/* An event with the facets and flags a primitive gave it (op.h, run.h). */
static void evf(World *w, int32_t tid, int op, int32_t o, int32_t line, int rd, int wr, int up,
                int flags) {
  w->r.steps++;
  SimEvent *e = run_event(&w->r, tid, op, o);
  e->line = line;
  e->frd = (uint8_t)rd, e->fwr = (uint8_t)wr, e->fup = (uint8_t)up;
  e->flags |= (uint16_t)flags;
  detect_event(&w->dets, &w->r, w->r.nevents - 1);
}

static int count(World *w, int kind) {
  int n = 0;
  for (uint32_t i = 0; i < w->r.nfindings; i++) n += w->r.findings[i].kind == kind;
  return n;
}

static const char *message(World *w, int kind) {
  for (uint32_t i = 0; i < w->r.nfindings; i++)
    if (w->r.findings[i].kind == kind) {
      static StrBuf m; /* (a test: the last message asked for) */
      return run_finding_msg(&w->r, &w->r.findings[i], &m);
    }
  return "";
}

static void world_close(World *w) {
  detect_close(&w->dets);
  run_free(&w->r);
}

/* ---- lost updates ------------------------------------------------------ */

static void test_lost_update(void) {
  World w;
  world_open(&w, "lost_update");
  world_begin(&w, 3);
  int32_t x = obj(&w, &loc_class, "counter");
  ev(&w, 1, OP_READ, x, 0, 7);
  ev(&w, 2, OP_READ, x, 0, 7);
  ev(&w, 2, OP_WRITE, x, 1, 8);
  ev(&w, 1, OP_WRITE, x, 1, 8);
  CHECK_EQ_INT(count(&w, FIND_LOST_UPDATE), 1);
  const char *m = message(&w, FIND_LOST_UPDATE);
  CHECK_CONTAINS(m, "'counter'");
  CHECK_CONTAINS(m, "T1 read 0 at t.lua:7");
  CHECK_CONTAINS(m, "T2 wrote 1 at t.lua:8");
  CHECK_CONTAINS(m, "overwriting T2's write unseen");

  /* re-reading after the other write: no lost update */
  world_begin(&w, 3);
  x = obj(&w, &loc_class, "counter");
  ev(&w, 1, OP_READ, x, 0, 7);
  ev(&w, 2, OP_WRITE, x, 5, 8);
  ev(&w, 1, OP_READ, x, 5, 9);
  ev(&w, 1, OP_WRITE, x, 6, 10);
  CHECK_EQ_INT(count(&w, FIND_LOST_UPDATE), 0);

  /* an atomic add never reads stale */
  world_begin(&w, 3);
  x = obj(&w, &loc_class, "n");
  ev(&w, 1, OP_ADD, x, 1, 7);
  ev(&w, 2, OP_ADD, x, 2, 7);
  CHECK_EQ_INT(count(&w, FIND_LOST_UPDATE), 0);
  world_close(&w);
}

/* ---- data races -------------------------------------------------------- */

static void test_data_race(void) {
  World w;
  world_open(&w, "data_race");
  world_begin(&w, 3);
  int32_t x = obj(&w, &loc_class, "x");
  eva(&w, 0, OP_SPAWN, -1, 0, 1, 1);
  eva(&w, 0, OP_SPAWN, -1, 0, 1, 2);
  ev(&w, 1, OP_WRITE, x, 1, 5);
  ev(&w, 2, OP_READ, x, 1, 9);
  CHECK_EQ_INT(count(&w, FIND_DATA_RACE), 1);
  CHECK_CONTAINS(message(&w, FIND_DATA_RACE), "T1 wrote 1 at t.lua:5, and T2 read it at t.lua:9");

  /* ordered through each kind of primitive operation: no race.  Every
     operation on an object synchronizes with the earlier ones on it (lock
     release -> acquire, set -> wait, notify -> wake, put -> get, barrier,
     semaphore release -> acquire, task_done -> join). */
  static const int pairs[][2] = {{OP_RELEASE, OP_ACQUIRE}, {OP_EV_SET, OP_EV_WAIT},
                                 {OP_NOTIFY, OP_CV_WAKE},  {OP_Q_PUT, OP_Q_GET},
                                 {OP_BAR_WAIT, OP_BAR_PASS}, {OP_Q_TASK_DONE, OP_Q_JOIN}};
  for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
    world_begin(&w, 3);
    x = obj(&w, &loc_class, "x");
    int32_t p = obj(&w, &prim_cls, "p");
    eva(&w, 0, OP_SPAWN, -1, 0, 1, 1);
    eva(&w, 0, OP_SPAWN, -1, 0, 1, 2);
    ev(&w, 1, OP_WRITE, x, 1, 5);
    ev(&w, 1, pairs[k][0], p, 0, 6);
    ev(&w, 2, pairs[k][1], p, 0, 8);
    ev(&w, 2, OP_READ, x, 1, 9);
    CHECK_EQ_INT(count(&w, FIND_DATA_RACE), 0);
  }

  /* commuting updates order nothing (sync/count.h): a release before an
     acquire that took a permit to spare, a put before a task_done; an
     acquire that needed the release (a write) is ordered after it, and a
     FIFO get after the put of its item (its partner, not the tail) */
  static const struct {
    int op1, rd1, wr1, up1, fl1, op2, rd2, wr2, up2, fl2, race;
  } upd[] = {
      {OP_RELEASE, 0, 0, F_MAIN, 0, OP_ACQUIRE, 0, 0, F_MAIN, EV_TAKE, 1},
      {OP_ACQUIRE, 0, 0, F_MAIN, EV_TAKE, OP_ACQUIRE, 0, 0, F_MAIN, EV_TAKE, 1},
      {OP_RELEASE, 0, 0, F_MAIN, 0, OP_ACQUIRE, 0, F_MAIN, 0, 0, 0},
      {OP_RELEASE, 0, 0, F_MAIN, 0, OP_LOCKED, F_MAIN, 0, 0, 0, 0},
      {OP_Q_PUT, 0, F_TAIL, F_TASKS, EV_FIFO, OP_Q_TASK_DONE, 0, 0, F_TASKS, EV_TAKE, 1},
      {OP_Q_TASK_DONE, 0, 0, F_TASKS, EV_TAKE, OP_Q_JOIN, F_TASKS, 0, 0, 0, 0},
      {OP_Q_PUT, 0, F_TAIL, F_TASKS, EV_FIFO, OP_Q_GET, 0, F_ITEMS, 0, EV_FIFO, 0},
  };
  for (size_t k = 0; k < sizeof upd / sizeof upd[0]; k++) {
    world_begin(&w, 3);
    x = obj(&w, &loc_class, "x");
    int32_t p = obj(&w, &prim_cls, "p");
    eva(&w, 0, OP_SPAWN, -1, 0, 1, 1);
    eva(&w, 0, OP_SPAWN, -1, 0, 1, 2);
    ev(&w, 1, OP_WRITE, x, 1, 5);
    evf(&w, 1, upd[k].op1, p, 6, upd[k].rd1, upd[k].wr1, upd[k].up1, upd[k].fl1);
    evf(&w, 2, upd[k].op2, p, 8, upd[k].rd2, upd[k].wr2, upd[k].up2, upd[k].fl2);
    ev(&w, 2, OP_READ, x, 1, 9);
    CHECK_EQ_INT(count(&w, FIND_DATA_RACE), upd[k].race);
  }

  /* spawn orders the parent's earlier writes; join the child's */
  world_begin(&w, 2);
  x = obj(&w, &loc_class, "x");
  int32_t t1 = obj(&w, &prim_cls, "T1-object");
  ev(&w, 0, OP_WRITE, x, 1, 2);
  eva(&w, 0, OP_SPAWN, -1, 0, 3, 1);
  ev(&w, 1, OP_READ, x, 1, 5);
  ev(&w, 1, OP_WRITE, x, 2, 6);
  ev(&w, 1, OP_END, t1, 0, 6);
  ev(&w, 0, OP_JOIN, t1, 0, 4);
  ev(&w, 0, OP_READ, x, 2, 7);
  CHECK_EQ_INT(count(&w, FIND_DATA_RACE), 0);

  /* finally runs after every thread: its read is ordered after all the
     writes.  Threads 4..11 exist but have no events yet (spawned from the
     finally callback itself, as a fuzzed scenario did): joining them grows
     the clock array under the main thread's clock (it was a use after
     free, seen by ASan). */
  world_begin(&w, 12);
  int32_t own[4];
  for (int32_t k = 1; k <= 3; k++) {
    own[k] = obj(&w, &loc_class, "own");
    eva(&w, 0, OP_SPAWN, -1, 0, 1, k);
  }
  for (int32_t k = 1; k <= 3; k++) ev(&w, k, OP_WRITE, own[k], k, 5);
  for (int32_t k = 1; k <= 3; k++) {
    w.r.steps++;
    SimEvent *fin = run_event(&w.r, 0, OP_READ, own[k]);
    fin->line = 9;
    fin->value.tag = VAL_INT;
    fin->value.u.i = k;
    fin->flags |= EV_FINALLY;
    detect_event(&w.dets, &w.r, w.r.nevents - 1);
  }
  CHECK_EQ_INT(count(&w, FIND_DATA_RACE), 0);

  /* async mode: nothing is reported */
  world_begin(&w, 3);
  w.r.mode = MODE_ASYNC;
  x = obj(&w, &loc_class, "x");
  ev(&w, 1, OP_WRITE, x, 1, 5);
  ev(&w, 2, OP_WRITE, x, 2, 9);
  CHECK_EQ_INT(count(&w, FIND_DATA_RACE), 0);
  world_close(&w);
}

/* ---- deadlock and stuck ----------------------------------------------- */

static void block(World *w, int32_t tid, int op, int32_t o, int32_t line) {
  SimThread *t = &w->r.threads[tid];
  t->state = TS_READY;
  t->pend.op = (uint16_t)op;
  t->pend.obj = o;
  t->pend.line = line;
  t->pend.deadline = INFINITY;
}

static void set_owner(World *w, int32_t o, int32_t tid) {
  *(int32_t *)(void *)w->r.objs[o].st = tid;
}

static void test_deadlock_and_stuck(void) {
  World w;
  world_open(&w, "deadlock");
  world_begin(&w, 3);
  int32_t a = obj(&w, &lock_cls, "a"), b = obj(&w, &lock_cls, "b");
  set_owner(&w, a, 1), set_owner(&w, b, 2);
  block(&w, 1, OP_ACQUIRE, b, 5);
  block(&w, 2, OP_ACQUIRE, a, 8);
  w.r.threads[0].state = TS_DONE;
  w.r.end = END_STALL;
  detect_end_run(&w.dets, &w.r);
  CHECK_EQ_INT(count(&w, FIND_DEADLOCK), 1);
  const char *m = message(&w, FIND_DEADLOCK);
  CHECK_CONTAINS(m, "T1 at t.lua:5 waits to acquire Lock 'b', held by T2");
  CHECK_CONTAINS(m, "T2 at t.lua:8 waits to acquire Lock 'a', held by T1");
  uint64_t sig1 = w.r.findings[0].sig;

  /* the same cycle found from the other thread has the same signature */
  world_begin(&w, 3);
  a = obj(&w, &lock_cls, "a"), b = obj(&w, &lock_cls, "b");
  set_owner(&w, a, 2), set_owner(&w, b, 1);
  block(&w, 2, OP_ACQUIRE, b, 5);
  block(&w, 1, OP_ACQUIRE, a, 8);
  w.r.threads[0].state = TS_DONE;
  w.r.end = END_STALL;
  detect_end_run(&w.dets, &w.r);
  CHECK_EQ_INT(count(&w, FIND_DEADLOCK), 1);

  /* self-deadlock */
  world_begin(&w, 2);
  a = obj(&w, &lock_cls, "l");
  set_owner(&w, a, 1);
  block(&w, 1, OP_ACQUIRE, a, 4);
  w.r.threads[0].state = TS_DONE;
  w.r.end = END_STALL;
  detect_end_run(&w.dets, &w.r);
  CHECK_EQ_INT(count(&w, FIND_DEADLOCK), 1);
  CHECK_CONTAINS(message(&w, FIND_DEADLOCK), "self-deadlock");
  CHECK_CONTAINS(message(&w, FIND_DEADLOCK), "not re-entrant");

  /* no cycle: stuck, each wait explained */
  world_begin(&w, 2);
  int32_t e = obj(&w, &prim_cls, "done");
  block(&w, 1, OP_EV_WAIT, e, 9);
  w.r.threads[0].state = TS_DONE;
  w.r.end = END_STALL;
  detect_end_run(&w.dets, &w.r);
  CHECK_EQ_INT(count(&w, FIND_DEADLOCK), 0);
  CHECK_EQ_INT(count(&w, FIND_STUCK), 1);
  CHECK_CONTAINS(message(&w, FIND_STUCK), "T1 at t.lua:9 waits for Event 'done', which is never set");
  (void)sig1;
  world_close(&w);
}

/* ---- stuck: signatures, grouping, causes ------------------------------ */

static int occurrences(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* The details object of the first finding of 'kind', or "". */
static const char *details_of(World *w, int kind) {
  for (uint32_t i = 0; i < w->r.nfindings; i++)
    if (w->r.findings[i].kind == kind && w->r.findings[i].details != UINT32_MAX)
      return run_str(&w->r, w->r.findings[i].details);
  return "";
}

/*
** A deadlock highlights where each thread of the cycle took the lock the
** other waits for, not its last step; an RLock taken twice and released
** once is held since its first acquire.  Its details carry the wait-for
** graph, and a stuck run's every wait.
*/
static void test_deadlock_events(void) {
  World w;
  world_open(&w, "deadlock");
  world_begin(&w, 3);
  int32_t a = obj(&w, &lock_cls, "a"), b = obj(&w, &rlock_cls, "b");
  int32_t x = obj(&w, &loc_class, "x");
  ev(&w, 1, OP_ACQUIRE, a, 1, 3);       /* event 0: T1 takes a */
  ev(&w, 2, OP_ACQUIRE, b, 1, 10);      /* 1: T2 takes b */
  ev(&w, 2, OP_ACQUIRE, b, 1, 11);      /* 2: and again (re-entrant) */
  eva(&w, 2, OP_RELEASE, b, 0, 12, 1);  /* 3: gives one back */
  ev(&w, 1, OP_READ, x, 0, 4);          /* 4: T1's last step is not an acquire */
  ev(&w, 2, OP_WRITE, x, 1, 13);        /* 5: nor T2's */
  ev(&w, 1, OP_ACQUIRE, a, 0, 5)->flags |= EV_FAILED; /* 6: a failed try is no take */
  set_owner(&w, a, 1), set_owner(&w, b, 2);
  block(&w, 1, OP_ACQUIRE, b, 6);
  block(&w, 2, OP_ACQUIRE, a, 14);
  w.r.threads[0].state = TS_DONE;
  w.r.end = END_STALL;
  detect_end_run(&w.dets, &w.r);
  CHECK_EQ_INT(count(&w, FIND_DEADLOCK), 1);
  const RunFinding *f = &w.r.findings[0];
  int seen_a = 0, seen_b = 0, n = 0;
  for (int i = 0; i < FINDING_EVS; i++) {
    if (f->evs[i] < 0) continue;
    n++;
    seen_a += f->evs[i] == 0;
    seen_b += f->evs[i] == 1;
  }
  CHECK_EQ_INT(n, 2);
  CHECK_EQ_INT(seen_a, 1);
  CHECK_EQ_INT(seen_b, 1);
  const char *d = details_of(&w, FIND_DEADLOCK);
  CHECK_CONTAINS(d, "{\"waits\":[");
  CHECK_CONTAINS(d, "{\"thread\":\"T1\",\"tid\":1,\"object\":\"b\",\"oid\":1,"
                    "\"kind\":\"RLock\",\"op\":\"acquire\",\"line\":6,\"holder\":\"T2\","
                    "\"holder_tid\":2}");
  CHECK_CONTAINS(d, "{\"thread\":\"T2\",\"tid\":2,\"object\":\"a\",\"oid\":0,"
                    "\"kind\":\"Lock\",\"op\":\"acquire\",\"line\":14,\"holder\":\"T1\","
                    "\"holder_tid\":1}");
  CHECK(strstr(d, "\"cycle\":[1,2]") || strstr(d, "\"cycle\":[2,1]"));
  CHECK_EQ_INT(occurrences(d, "\"thread\":"), 2);

  /* stuck: every blocked thread's wait, no holder where there is none, a
     holder that ended said so; no cycle */
  world_begin(&w, 3);
  int32_t e = obj(&w, &prim_cls, "done"), l = obj(&w, &lock_cls, "l");
  ev(&w, 2, OP_ACQUIRE, l, 1, 20);
  w.r.threads[2].state = TS_DONE;
  set_owner(&w, l, 2);
  block(&w, 0, OP_EV_WAIT, e, 9);
  block(&w, 1, OP_ACQUIRE, l, 21);
  w.r.end = END_STALL;
  detect_end_run(&w.dets, &w.r);
  CHECK_EQ_INT(count(&w, FIND_STUCK), 1);
  d = details_of(&w, FIND_STUCK);
  CHECK_CONTAINS(d, "{\"thread\":\"T0\",\"tid\":0,\"object\":\"done\",\"oid\":0,"
                    "\"kind\":\"Event\",\"op\":\"wait\",\"line\":9,\"holder\":null,"
                    "\"holder_tid\":-1}");
  CHECK_CONTAINS(d, "\"holder\":\"T2\",\"holder_tid\":2,\"holder_ended\":true}");
  CHECK(strstr(d, "cycle") == NULL);
  world_close(&w);
}

static void stall(World *w) {
  w->r.end = END_STALL;
  detect_end_run(&w->dets, &w->r);
}

/* The thread object of 'tid', spawned at 'line' (as sched_spawn makes it). */
static int32_t thread_obj(World *w, int32_t tid, int32_t line) {
  int32_t o =
      run_new_object(&w->r, &thread_class, thread_name(&w->r, tid), line, tid)->id;
  w->r.threads[tid].obj = o;
  return o;
}

/*
** A pool of three identical workers (spawned at line 5) fed one sentinel too
** few: worker 'left' still waits in get() at line 8, the others ended, and
** the main thread waits in join() for it at line 16.
*/
static uint64_t pool_left(World *w, int32_t left, int32_t spawn_line) {
  world_begin(w, 4);
  int32_t q = obj(w, &queue_class, "q");
  int32_t t[4];
  for (int32_t i = 1; i <= 3; i++) t[i] = thread_obj(w, i, spawn_line);
  for (int32_t i = 1; i <= 3; i++) w->r.threads[i].state = TS_DONE;
  block(w, left, OP_Q_GET, q, 8);
  block(w, 0, OP_JOIN, t[left], 16);
  stall(w);
  CHECK_EQ_INT(count(w, FIND_STUCK), 1);
  char want[96];
  snprintf(want, sizeof want,
           "T0 at t.lua:16 waits in join() for T%d, which never finishes", (int)left);
  CHECK_CONTAINS(message(w, FIND_STUCK), want);
  return w->r.nfindings ? w->r.findings[0].sig : 0;
}

static void test_stuck_signature(void) {
  World w;
  world_open(&w, "deadlock");
  /* whichever identical worker was left behind: one signature */
  uint64_t sig = pool_left(&w, 1, 5);
  CHECK_EQ_INT(pool_left(&w, 2, 5), sig);
  CHECK_EQ_INT(pool_left(&w, 3, 5), sig);
  /* workers spawned elsewhere are other code: another signature */
  CHECK(pool_left(&w, 2, 6) != sig);

  /* per-worker objects made at one line, named at run time ("done1",
     "done2"): the same wait whichever worker is left waiting on its own */
  uint64_t sigs[2];
  for (int k = 0; k < 2; k++) {
    world_begin(&w, 3);
    int32_t e1 = obj(&w, &event_class, "done1"), e2 = obj(&w, &event_class, "done2");
    block(&w, k ? 2 : 1, OP_EV_WAIT, k ? e2 : e1, 9);
    w.r.threads[k ? 1 : 2].state = TS_DONE;
    w.r.threads[0].state = TS_DONE;
    stall(&w);
    CHECK_EQ_INT(count(&w, FIND_STUCK), 1);
    sigs[k] = w.r.nfindings ? w.r.findings[0].sig : 0;
  }
  CHECK_EQ_INT(sigs[0], sigs[1]);

  /* the same waits with one more identical waiter: a different state */
  world_begin(&w, 4);
  int32_t q = obj(&w, &queue_class, "q");
  for (int32_t i = 1; i <= 3; i++) block(&w, i, OP_Q_GET, q, 8);
  w.r.threads[0].state = TS_DONE;
  stall(&w);
  uint64_t three = w.r.nfindings ? w.r.findings[0].sig : 0;
  world_begin(&w, 4);
  q = obj(&w, &queue_class, "q");
  for (int32_t i = 1; i <= 2; i++) block(&w, i, OP_Q_GET, q, 8);
  w.r.threads[0].state = w.r.threads[3].state = TS_DONE;
  stall(&w);
  CHECK(w.r.nfindings && w.r.findings[0].sig != three);
  world_close(&w);
}

static void test_stuck_grouping(void) {
  World w;
  world_open(&w, "deadlock");
  /* three workers waiting the same way: one clause naming all three */
  world_begin(&w, 4);
  int32_t q = obj(&w, &queue_class, "q");
  for (int32_t i = 1; i <= 3; i++) block(&w, i, OP_Q_GET, q, 8);
  w.r.threads[0].state = TS_DONE;
  stall(&w);
  const char *m = message(&w, FIND_STUCK);
  CHECK_EQ_STR(
      m, "stuck: no thread can proceed and no timeout is pending: T1, T2 and T3 at "
         "t.lua:8 wait in get() on Queue 'q', which stays empty: no live thread will "
         "put()");

  /* waiters on one Condition at two lines: two clauses, the advice once */
  world_begin(&w, 4);
  int32_t lk = obj(&w, &lock_class, "cond.lock");
  int32_t c = run_new_object(&w.r, &condition_class, "cond", 1, lk)->id;
  block(&w, 1, OP_CV_WAKE, c, 15);
  block(&w, 2, OP_CV_WAKE, c, 25);
  block(&w, 3, OP_CV_WAKE, c, 15);
  w.r.threads[0].state = TS_DONE;
  stall(&w);
  m = message(&w, FIND_STUCK);
  CHECK_CONTAINS(
      m, "T1 and T3 at t.lua:15 wait on Condition 'cond' and nobody is left to "
         "notify them; T2 at t.lua:25 waits on Condition 'cond' and nobody is left "
         "to notify it. A lost wake-up");
  CHECK_EQ_INT(occurrences(m, "A lost wake-up"), 1);
  CHECK_EQ_INT(occurrences(m, "notify_all()"), 1);
  world_close(&w);
}

/*
** The bounded buffer on one Condition with notify(): T1 (a producer) and T2
** (a consumer) wait; T3's notify() wakes T2, which finds its predicate still
** false and waits again (or, with 'proceeds', releases the lock and goes on).
*/
static void lost_wakeup_run(World *w, int proceeds) {
  world_begin(w, 4);
  int32_t lk = obj(w, &lock_class, "cond.lock");
  int32_t c = run_new_object(&w->r, &condition_class, "cond", 1, lk)->id;
  ev(w, 1, OP_CV_WAIT, c, 0, 15); /* step 1 */
  ev(w, 1, OP_RELEASE, lk, 0, 15);
  ev(w, 2, OP_CV_WAIT, c, 0, 25); /* step 3 */
  ev(w, 2, OP_RELEASE, lk, 0, 25);
  ev(w, 3, OP_ACQUIRE, lk, 1, 30);
  ev(w, 3, OP_NOTIFY, c, 1, 32); /* step 6: wakes T2 */
  ev(w, 3, OP_RELEASE, lk, 0, 33);
  eva(w, 2, OP_CV_WAKE, c, 1, 25, 5); /* aux: the notify's event */
  ev(w, 2, OP_ACQUIRE, lk, 1, 25);
  if (proceeds) ev(w, 2, OP_RELEASE, lk, 0, 27);
  ev(w, 2, OP_CV_WAIT, c, 0, proceeds ? 28 : 25); /* step 10 or 11 */
  ev(w, 2, OP_RELEASE, lk, 0, 25);
  w->r.threads[0].state = w->r.threads[3].state = TS_DONE;
  block(w, 1, OP_CV_WAKE, c, 15);
  block(w, 2, OP_CV_WAKE, c, proceeds ? 28 : 25);
  stall(w);
}

static void test_stuck_lost_wakeup(void) {
  World w;
  world_open(&w, "deadlock");
  lost_wakeup_run(&w, 0);
  const char *m = message(&w, FIND_STUCK);
  CHECK_CONTAINS(
      m, "T1 at t.lua:15 waits on Condition 'cond' and nobody is left to notify "
         "it: the notify() by T3 at step 6 (t.lua:32) woke T2, which could not "
         "proceed and waited again at t.lua:25, and no notify() reached T1; T2 at "
         "t.lua:25 waits on Condition 'cond' and nobody is left to notify it. A "
         "notify() wakes one waiter");
  CHECK_EQ_INT(occurrences(m, "notify_all()"), 1);

  /* the woken thread went on: no notify was wasted, nothing is named */
  lost_wakeup_run(&w, 1);
  m = message(&w, FIND_STUCK);
  CHECK(strstr(m, "which could not proceed") == NULL);
  CHECK_CONTAINS(m, "A lost wake-up");

  /* a notify() that came before the wait and woke nobody */
  world_begin(&w, 3);
  int32_t lk = obj(&w, &lock_class, "cond.lock");
  int32_t c = run_new_object(&w.r, &condition_class, "cond", 1, lk)->id;
  ev(&w, 2, OP_ACQUIRE, lk, 1, 6);
  ev(&w, 2, OP_NOTIFY, c, 0, 6); /* step 2, woke 0 */
  ev(&w, 2, OP_RELEASE, lk, 0, 6);
  ev(&w, 1, OP_ACQUIRE, lk, 1, 3);
  ev(&w, 1, OP_CV_WAIT, c, 0, 3); /* step 5 */
  ev(&w, 1, OP_RELEASE, lk, 0, 3);
  w.r.threads[0].state = w.r.threads[2].state = TS_DONE;
  block(&w, 1, OP_CV_WAKE, c, 3);
  stall(&w);
  CHECK_CONTAINS(
      message(&w, FIND_STUCK),
      "T1 at t.lua:3 waits on Condition 'cond' and nobody is left to notify it: "
      "the last notify() on it, by T2 at step 2 (t.lua:6), came before its wait() "
      "at step 5 and woke nobody. A Condition does not remember a notify()");
  world_close(&w);
}

/* Two consumers drain a queue with while not q:empty() do q:get() end. */
static void test_stuck_check_then_get(void) {
  World w;
  world_open(&w, "deadlock");
  world_begin(&w, 3);
  int32_t q = obj(&w, &queue_class, "jobs");
  ev(&w, 1, OP_Q_EMPTY, q, 0, 6)->value.tag = VAL_BOOL; /* step 1: false */
  ev(&w, 2, OP_Q_EMPTY, q, 0, 6)->value.tag = VAL_BOOL;
  ev(&w, 2, OP_Q_GET, q, 1, 7); /* step 3: the last item */
  ev(&w, 2, OP_Q_EMPTY, q, 1, 6)->value.tag = VAL_BOOL;
  w.r.threads[0].state = w.r.threads[2].state = TS_DONE;
  block(&w, 1, OP_Q_GET, q, 7);
  stall(&w);
  const char *m = message(&w, FIND_STUCK);
  CHECK_CONTAINS(
      m, "T1 at t.lua:7 waits in get() on Queue 'jobs', which stays empty: its "
         "empty() at step 1 (t.lua:6) returned false, but T2 took the last item at "
         "step 3 (t.lua:7) before this get(), and no live thread will put(). "
         "Checking empty()");

  /* its last look said empty: no check-then-act to blame */
  world_begin(&w, 3);
  q = obj(&w, &queue_class, "jobs");
  ev(&w, 2, OP_Q_GET, q, 1, 7);
  ev(&w, 1, OP_Q_EMPTY, q, 1, 6)->value.tag = VAL_BOOL;
  w.r.threads[0].state = w.r.threads[2].state = TS_DONE;
  block(&w, 1, OP_Q_GET, q, 7);
  stall(&w);
  CHECK_EQ_STR(
      message(&w, FIND_STUCK),
      "stuck: no thread can proceed and no timeout is pending: T1 at t.lua:7 waits in "
      "get() on Queue 'jobs', which stays empty: no live thread will put()");
  world_close(&w);
}

/* ---- lock-order graph ------------------------------------------------- */

static void acq(World *w, int32_t tid, int32_t o, int32_t line) { ev(w, tid, OP_ACQUIRE, o, 1, line); }
static void rel(World *w, int32_t tid, int32_t o) { eva(w, tid, OP_RELEASE, o, 0, 0, 1); }

/* The lock-order detector records each run's edges; the exploration's graph
   (lockgraph.c) finds the cycles across runs, at the end. */
static LockGraph *graph;
static void end_lock_run(World *w, uint64_t index) {
  w->r.end = END_OK;
  w->r.index = index;
  detect_end_run(&w->dets, &w->r);
  lockgraph_add_run(graph, &w->r);
}

/* The cycles now; the first one's message, signature and run. */
static size_t cycles(const char **msg, uint64_t *sig, uint64_t *run) {
  size_t n = lockgraph_cycles(graph, "t.lua");
  const LockGraphRun *how;
  *msg = n ? lockgraph_cycle_info(graph, 0, sig, run, &how) : "";
  return n;
}

static void two_orders(World *w, int both) {
  world_begin(w, 3);
  int32_t a = obj(w, &lock_cls, "a"), b = obj(w, &lock_cls, "b");
  acq(w, 1, a, 5), acq(w, 1, b, 6), rel(w, 1, b), rel(w, 1, a);
  if (both) acq(w, 2, b, 9), acq(w, 2, a, 10), rel(w, 2, a), rel(w, 2, b);
}

static void one_order(World *w) {
  world_begin(w, 3);
  int32_t a = obj(w, &lock_cls, "a"), b = obj(w, &lock_cls, "b");
  acq(w, 2, b, 9), acq(w, 2, a, 10), rel(w, 2, a), rel(w, 2, b);
}

static void test_lock_order(void) {
  const char *m;
  uint64_t sig, run, sig2, run2;
  graph = lockgraph_new();
  World w;
  world_open(&w, "potential_deadlock");
  /* opposite orders in two threads, never at the same time: reported */
  two_orders(&w, 1);
  end_lock_run(&w, 0);
  CHECK_EQ_INT(cycles(&m, &sig, &run), 1);
  CHECK_CONTAINS(m, "T1 takes 'b' at t.lua:6 while holding 'a' (taken at t.lua:5)");
  CHECK_CONTAINS(m, "T2 takes 'a' at t.lua:10 while holding 'b' (taken at t.lua:9)");
  CHECK_EQ_INT(run, 0);
  /* the same cycle again (next run): reported once per exploration */
  two_orders(&w, 1);
  end_lock_run(&w, 1);
  CHECK_EQ_INT(cycles(&m, &sig2, &run), 1);
  CHECK_EQ_INT(sig2, sig);
  CHECK_EQ_INT(run, 0);
  world_close(&w);

  /* the two orders in different runs: the cycle is the second run's, and it
     says where the other order was seen -- whichever run is added first */
  for (int reverse = 0; reverse < 2; reverse++) {
    lockgraph_free(graph);
    graph = lockgraph_new();
    world_open(&w, "potential_deadlock");
    if (reverse) one_order(&w), end_lock_run(&w, 7);
    two_orders(&w, 0);
    end_lock_run(&w, 3);
    if (!reverse) one_order(&w), end_lock_run(&w, 7);
    CHECK_EQ_INT(cycles(&m, &sig2, &run2), 1);
    CHECK_EQ_INT(sig2, sig);
    CHECK_EQ_INT(run2, 7);
    CHECK_CONTAINS(m, "[seen in run 3]");
    world_close(&w);
  }

  /* under a common gate lock: not reported */
  lockgraph_free(graph);
  graph = lockgraph_new();
  world_open(&w, "potential_deadlock");
  world_begin(&w, 3);
  int32_t g = obj(&w, &lock_cls, "gate");
  int32_t a = obj(&w, &lock_cls, "a"), b = obj(&w, &lock_cls, "b");
  acq(&w, 1, g, 1), acq(&w, 1, a, 2), acq(&w, 1, b, 3), rel(&w, 1, b), rel(&w, 1, a), rel(&w, 1, g);
  acq(&w, 2, g, 1), acq(&w, 2, b, 4), acq(&w, 2, a, 5), rel(&w, 2, a), rel(&w, 2, b), rel(&w, 2, g);
  end_lock_run(&w, 0);
  CHECK_EQ_INT(cycles(&m, &sig, &run), 0);
  world_close(&w);

  /* a cycle within one thread only: not reported */
  lockgraph_free(graph);
  graph = lockgraph_new();
  world_open(&w, "potential_deadlock");
  world_begin(&w, 2);
  a = obj(&w, &lock_cls, "a"), b = obj(&w, &lock_cls, "b");
  acq(&w, 1, a, 1), acq(&w, 1, b, 2), rel(&w, 1, b), rel(&w, 1, a);
  acq(&w, 1, b, 3), acq(&w, 1, a, 4), rel(&w, 1, a), rel(&w, 1, b);
  end_lock_run(&w, 0);
  CHECK_EQ_INT(cycles(&m, &sig, &run), 0);
  world_close(&w);

  /* RLock re-entry adds no edge: r -> r is no cycle, and a later a -> r
     with r -> a from re-entry would be a false alarm */
  lockgraph_free(graph);
  graph = lockgraph_new();
  world_open(&w, "potential_deadlock");
  world_begin(&w, 3);
  int32_t r = obj(&w, &rlock_cls, "r");
  a = obj(&w, &lock_cls, "a");
  acq(&w, 1, r, 1), acq(&w, 1, r, 2), rel(&w, 1, r), rel(&w, 1, r);
  acq(&w, 2, r, 3), acq(&w, 2, a, 4), acq(&w, 2, r, 5), rel(&w, 2, r), rel(&w, 2, a), rel(&w, 2, r);
  end_lock_run(&w, 0);
  CHECK_EQ_INT(cycles(&m, &sig, &run), 0);
  world_close(&w);
  lockgraph_free(graph);
}

/* ---- barrier breaks ----------------------------------------------------- */

static void test_barrier(void) {
  World w;
  world_open(&w, "barrier_broken");
  world_begin(&w, 3);
  int32_t b = obj(&w, &barrier_cls, "b");
  SimEvent *e = ev(&w, 1, OP_BAR_PASS, b, 2, 7);
  CHECK_EQ_INT(count(&w, FIND_BARRIER_BROKEN), 0); /* a normal pass */
  w.r.nfindings = 0;
  w.r.events[w.r.nevents - 1].flags |= EV_BROKE | EV_TIMEOUT;
  (void)e;
  detect_event(&w.dets, &w.r, w.r.nevents - 1);
  CHECK_EQ_INT(count(&w, FIND_BARRIER_BROKEN), 1);
  CHECK_CONTAINS(message(&w, FIND_BARRIER_BROKEN), "Barrier 'b' broke: T1's wait timed out");
  world_close(&w);
}

int main(void) {
  test_begin(60);
  RUN_TEST(test_lost_update);
  RUN_TEST(test_data_race);
  RUN_TEST(test_deadlock_and_stuck);
  RUN_TEST(test_deadlock_events);
  RUN_TEST(test_stuck_signature);
  RUN_TEST(test_stuck_grouping);
  RUN_TEST(test_stuck_lost_wakeup);
  RUN_TEST(test_stuck_check_then_get);
  RUN_TEST(test_lock_order);
  RUN_TEST(test_barrier);
  return test_end("test_detectors");
}
