/*
** test_sched.c - the scheduler, driving real Lua scenarios: the event
** stream of a run, blocked threads are not enabled, virtual time jumps,
** the step budget, and that every run starts from a fresh state.
*/
#include <math.h>

#include "engine.h"
#include "strategy.h"
#include "test.h"

static char path[256];

static Sim *open_script(const char *src) {
  snprintf(path, sizeof path, "sched_test_%d.lua", (int)getpid());
  FILE *f = fopen(path, "w");
  fputs(src, f);
  fclose(f);
  SimConfig cfg = {0};
  cfg.script = path;
  char err[512];
  Sim *s = engine_open(&cfg, err, sizeof err);
  if (!s) fprintf(stderr, "engine_open: %s\n", err);
  CHECK(s != NULL);
  return s;
}

/* Run once with a random strategy at 'seed'; returns the run. */
static SimRun *run_once(Sim *s, Strategy **strat, DetectorSet *d, uint64_t seed) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.base_seed = seed;
  *strat = strategy_create("random", &c);
  return engine_run(s, *strat, d, 0, 0);
}

/*
** dfs over a whole scenario, unsplit (the strategy as it is): runs explored
** and how many showed a finding of 'kind'.
*/
static uint64_t dfs_all(Sim *s, int kind, uint64_t *with) {
  StrategyConfig c;
  strategy_config_init(&c);
  Strategy *st = strategy_create("dfs", &c);
  uint64_t runs = 0;
  *with = 0;
  SimRun *r;
  for (uint64_t i = 0; (r = engine_run(s, st, NULL, i, i)) != NULL; i++) {
    if (r->end == END_PRUNED) continue;
    runs++;
    int found = 0;
    for (uint32_t k = 0; k < r->nfindings; k++) found |= r->findings[k].kind == kind;
    *with += (uint64_t)found;
  }
  CHECK(st->complete);
  strategy_destroy(st);
  return runs;
}

static int find_op(const SimRun *r, int op, int32_t tid, int from) {
  for (uint32_t i = (uint32_t)from; i < r->nevents; i++)
    if (r->events[i].op == op && (tid < 0 || r->events[i].tid == tid)) return (int)i;
  return -1;
}

static void test_event_stream(void) {
  Sim *s = open_script("local x = shared('x', 0)\n"
                       "spawn('w', function() x:set(x:get() + 1) end)\n");
  Strategy *st;
  SimRun *r = run_once(s, &st, NULL, 1);
  CHECK_EQ_INT(r->end, END_OK);
  CHECK_EQ_INT(r->nthreads, 2);
  CHECK_EQ_STR(thread_name(r, 0), "MainThread");
  CHECK_EQ_STR(thread_name(r, 1), "w");
  int nw = find_op(r, OP_NEW, 0, 0), sp = find_op(r, OP_SPAWN, 0, 0);
  int rd = find_op(r, OP_READ, 1, 0), wr = find_op(r, OP_WRITE, 1, 0);
  CHECK(nw >= 0 && sp > nw && rd > sp && wr > rd);
  CHECK_EQ_INT(r->events[rd].line, 2);
  CHECK_EQ_INT(r->events[wr].value.u.i, 1);
  CHECK_EQ_INT(find_op(r, OP_END, 1, 0) > wr, 1);
  strategy_destroy(st);
  engine_close(s);
}

static void test_blocked_not_enabled_and_time(void) {
  Sim *s = open_script("local l = Lock('l')\n"
                       "spawn('holder', function() l:acquire(); sleep(2); l:release() end)\n"
                       "spawn('waiter', function() sleep(1); l:acquire(); l:release() end)\n");
  for (uint64_t seed = 1; seed <= 20; seed++) {
    Strategy *st;
    SimRun *r = run_once(s, &st, NULL, seed);
    CHECK_EQ_INT(r->end, END_OK);
    int rel = find_op(r, OP_RELEASE, 1, 0), acq = find_op(r, OP_ACQUIRE, 2, 0);
    CHECK(rel >= 0 && acq > rel); /* the waiter got the lock only after the release */
    CHECK(r->events[acq].vtime == 2.0);
    CHECK(r->vtime == 2.0);
    strategy_destroy(st);
  }
  engine_close(s);
}

static void test_step_limit(void) {
  SimConfig cfg = {0};
  Sim *s = open_script("spawn(function() while true do yield() end end)\n");
  (void)cfg;
  Strategy *st;
  SimRun *r = run_once(s, &st, NULL, 1);
  CHECK_EQ_INT(r->end, END_STEP_LIMIT);
  CHECK_EQ_INT(r->nfindings, 1);
  CHECK_EQ_INT(r->findings[0].kind, FIND_STEP_LIMIT);
  CHECK_EQ_INT(r->steps, SIM_DEFAULT_MAX_STEPS);
  strategy_destroy(st);
  engine_close(s);
}

static void test_fresh_state_each_run(void) {
  Sim *s = open_script("local t = {}\n"
                       "t.n = (t.n or 0) + 1\n"
                       "g = (rawget(_G, 'g') or 0) + 1\n"
                       "local x = shared('x', g * 10 + t.n)\n"
                       "spawn(function() x:set(math.random(1000)) end)\n");
  int32_t first_val = -1;
  for (uint64_t i = 0; i < 30; i++) {
    Strategy *st;
    SimRun *r = run_once(s, &st, NULL, 5);
    int nw = find_op(r, OP_NEW, 0, 0);
    CHECK_EQ_INT(r->events[nw].value.u.i, 11); /* g and t.n start over */
    int wr = find_op(r, OP_WRITE, 1, 0);
    if (first_val < 0) first_val = (int32_t)r->events[wr].value.u.i;
    CHECK_EQ_INT(r->events[wr].value.u.i, first_val); /* same seed, same random */
    strategy_destroy(st);
  }
  engine_close(s);
}

static void test_setup_error(void) {
  Sim *s = open_script("local x = nosuch.field\n");
  Strategy *st;
  SimRun *r = run_once(s, &st, NULL, 1);
  CHECK_EQ_INT(r->end, END_SETUP);
  CHECK_CONTAINS(engine_error(s, NULL), "nosuch");
  strategy_destroy(st);
  engine_close(s);
  char err[512];
  FILE *f = fopen(path, "w");
  fputs("local x = = 1\n", f);
  fclose(f);
  SimConfig cfg = {0};
  cfg.script = path;
  CHECK(engine_open(&cfg, err, sizeof err) == NULL);
  CHECK_CONTAINS(err, ":1:");
  CHECK_CONTAINS(err, "syntax error");
}

/*
** A notified Condition waiter takes its lock back when it resumes: whether
** it does so before or after another thread takes the lock are different
** runs, and partial-order reduction must try both.  Here the waiter checks
** its predicate a third time only if it beats w2 to the lock.
*/
static void test_dfs_condition_reacquire(void) {
  Sim *s = open_script(
      "local lk = Lock('lk')\n"
      "local arrival = Condition(lk, 'arrival')\n"
      "local arrived = shared('arrived', 0)\n"
      "local evals = 0\n"
      "spawn('w1', function() lk:acquire(); arrived:set(arrived:get() + 1); arrival:notify(); "
      "lk:release() end)\n"
      "spawn('w2', function() lk:acquire(); arrived:set(arrived:get() + 1); arrival:notify(); "
      "lk:release() end)\n"
      "spawn('n', function() lk:acquire(); arrival:wait_for(function() evals = evals + 1; "
      "return arrived:get() == 2 end); lk:release() end)\n"
      "finally(function() check(evals < 3, 'checked %d times', evals) end)\n");
  uint64_t failing;
  uint64_t runs = dfs_all(s, FIND_ASSERTION, &failing);
  CHECK_EQ_INT(runs, 8);
  CHECK(failing >= 1);
  engine_close(s);
}

/* ---- partial-order reduction against plain dfs, on real primitives ---- */

/* Every outcome (what finally() printed) of a whole dfs; returns runs. */
static uint64_t outcomes(Sim *s, int por, char out[][160], int *n, int max) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.por = por;
  c.max_runs = 3000000;
  /* plain: every schedule with at most 3 preemptions (enough for these
     outcomes, and the whole of some of the trees would take minutes) */
  if (!por) c.preemption_bound = 3;
  Strategy *st = strategy_create("dfs", &c);
  uint64_t runs = 0;
  *n = 0;
  SimRun *r;
  for (uint64_t i = 0; (r = engine_run(s, st, NULL, i, i)) != NULL; i++) {
    if (r->end == END_PRUNED) continue;
    runs++;
    char o[160] = "";
    for (uint32_t k = 0; k < r->nevents; k++)
      if (r->events[k].op == OP_PRINT && r->events[k].value.tag == VAL_STR)
        snprintf(o, sizeof o, "%.*s", (int)r->events[k].value.u.s.len,
                 run_str(r, r->events[k].value.u.s.off));
    if (r->end == END_STALL) snprintf(o + strlen(o), sizeof o - strlen(o), " STUCK");
    int seen = 0;
    for (int k = 0; k < *n && !seen; k++) seen = !strcmp(out[k], o);
    if (!seen && *n < max) snprintf(out[(*n)++], 160, "%s", o);
  }
  CHECK(st->complete);
  strategy_destroy(st);
  return runs;
}

/*
** Small scenarios over every blocking primitive: dfs with partial-order
** reduction must reach every outcome plain dfs reaches (all interleavings
** with up to 3 preemptions), and no other.
** Each thread logs what it saw in a plain Lua table (no events), printed at
** the end.
*/
static void test_por_sound_on_primitives(void) {
  /* L(i, v): thread i logs v (per thread, so that the log itself does not
     depend on the order of independent steps) */
#define LOGS "local L = {{}, {}, {}}; local function log(i, v) local t = L[i]; t[#t + 1] = v end\n"
#define PRINT "finally(function() print(table.concat(L[1], ',') .. '|' .. table.concat(L[2], ',') " \
              ".. '|' .. table.concat(L[3], ',')) end)\n"
  static const char *const progs[] = {
      /* Condition: wake-up order and lock re-acquire */
      LOGS "local lk = Lock(); local cv = Condition(lk); local x = shared('x', 0)\n"
      "spawn(function() lk:acquire(); x:set(1); cv:notify(); lk:release() end)\n"
      "spawn(function() lk:acquire(); local v = x:get(); log(2, v); lk:release() end)\n"
      "spawn(function() lk:acquire(); cv:wait_for(function() local v = x:get(); log(3, v); "
      "return v > 0 end); lk:release() end)\n" PRINT,
      /* Condition wait with a timeout against a notify */
      LOGS "local cv = Condition()\n"
      "spawn(function() cv:acquire(); local v = cv:wait(1); log(1, tostring(v)); cv:release() end)\n"
      "spawn(function() sleep(0.5); cv:acquire(); cv:notify(); cv:release() end)\n" PRINT,
      /* Event: set, clear, wait */
      LOGS "local e = Event(); local x = shared('x', 0)\n"
      "spawn(function() x:set(1); e:set() end)\n"
      "spawn(function() e:wait(); local v = x:get(); log(2, v) end)\n"
      "spawn(function() e:clear(); local v = e:is_set(); log(3, tostring(v)) end)\n" PRINT,
      /* Semaphore(1) as a lock, and a non-blocking try */
      LOGS "local s = Semaphore(1); local x = shared('x', 0)\n"
      "spawn(function() s:acquire(); x:set(1); s:release() end)\n"
      "spawn(function() if s:acquire(false) then local v = x:get(); log(2, v); s:release() "
      "else log(2, 'busy') end end)\n"
      "spawn(function() s:acquire(); local v = x:get(); log(3, v); s:release() end)\n" PRINT,
      /* Queue of one slot: put blocks, get blocks */
      LOGS "local q = Queue(1)\n"
      "spawn(function() q:put(1); q:put(2) end)\n"
      "spawn(function() local v = q:get(); log(2, v) end)\n"
      "spawn(function() local v = q:get(); log(3, v) end)\n" PRINT,
      /* Barrier of two, and a read around it */
      LOGS "local b = Barrier(2); local x = shared('x', 0)\n"
      "spawn(function() x:set(1); local i = b:wait(); log(1, i) end)\n"
      "spawn(function() local v = x:get(); log(2, v); b:wait(); v = x:get(); log(2, v) end)\n"
      PRINT,
      /* a lock with a timeout, in virtual time */
      LOGS "local lk = Lock()\n"
      "spawn(function() lk:acquire(); sleep(1); lk:release() end)\n"
      "spawn(function() local v = lk:acquire(true, 0.5); log(2, tostring(v)) end)\n" PRINT,
      /* join and a shared write */
      LOGS "local x = shared('x', 0)\n"
      "local t = spawn(function() x:set(1) end)\n"
      "spawn(function() local v = x:get(); log(2, v); t:join(); v = x:get(); log(2, v) end)\n"
      PRINT,
      /* async mode: first come, first served locks */
      "scenario{ name = 'a', mode = 'async' }\n" LOGS "local lk = Lock(); local n = shared('n', 0)\n"
      "for i = 1, 3 do spawn(function() lk:acquire(); local v = n:get(); n:set(v + 1); log(i, v); "
      "yield(); lk:release() end) end\n" PRINT,
  };
#undef LOGS
#undef PRINT
  for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
    static char a[64][160], b[64][160];
    int na, nb;
    Sim *s = open_script(progs[i]);
    uint64_t por = outcomes(s, 1, a, &na, 64);
    uint64_t plain = outcomes(s, 0, b, &nb, 64);
    for (int k = 0; k < nb; k++) {
      int found = 0;
      for (int j = 0; j < na; j++) found |= !strcmp(a[j], b[k]);
      if (!found) fprintf(stderr, "program %zu: dfs missed outcome '%s'\n", i, b[k]);
      CHECK(found);
    }
    CHECK_EQ_INT(na, nb);
    CHECK(por <= plain);
    if (getenv("POR_VERBOSE")) fprintf(stderr, "program %zu: %llu runs with reduction, %llu without\n", i, (unsigned long long)por, (unsigned long long)plain);
    engine_close(s);
  }
}

int main(void) {
  test_begin(280); /* under 1 s here; ctest's TIMEOUT is 300 */
  RUN_TEST(test_event_stream);
  RUN_TEST(test_blocked_not_enabled_and_time);
  RUN_TEST(test_step_limit);
  RUN_TEST(test_fresh_state_each_run);
  RUN_TEST(test_setup_error);
  RUN_TEST(test_dfs_condition_reacquire);
  RUN_TEST(test_por_sound_on_primitives);
  remove(path);
  return test_end("test_sched");
}
