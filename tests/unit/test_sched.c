/*
** test_sched.c - the scheduler, driving real Lua scenarios: the event
** stream of a run, blocked threads are not enabled, virtual time jumps,
** the step budget, and that every run starts from a fresh state.
*/
#include <math.h>

#include "../../sim/sched.h"
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
  Sim *s = sched_open(&cfg, err, sizeof err);
  if (!s) fprintf(stderr, "sched_open: %s\n", err);
  CHECK(s != NULL);
  return s;
}

/* Run once with a random strategy at 'seed'; returns the run. */
static SimRun *run_once(Sim *s, Strategy **strat, DetectorSet *d, uint64_t seed) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.base_seed = seed;
  *strat = strategy_create("random", &c);
  sched_set_strategy(s, *strat);
  sched_set_detectors(s, d);
  uint64_t rs;
  (*strat)->ops->begin_run(*strat, 0, &rs);
  sched_run(s, 0, rs);
  (*strat)->ops->end_run(*strat, sched_result(s));
  return sched_result(s);
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
  sched_close(s);
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
  sched_close(s);
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
  sched_close(s);
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
  sched_close(s);
}

static void test_setup_error(void) {
  Sim *s = open_script("local x = nosuch.field\n");
  Strategy *st;
  SimRun *r = run_once(s, &st, NULL, 1);
  CHECK_EQ_INT(r->end, END_SETUP);
  CHECK_CONTAINS(sched_error(s), "nosuch");
  strategy_destroy(st);
  sched_close(s);
  char err[512];
  FILE *f = fopen(path, "w");
  fputs("local x = = 1\n", f);
  fclose(f);
  SimConfig cfg = {0};
  cfg.script = path;
  CHECK(sched_open(&cfg, err, sizeof err) == NULL);
  CHECK_CONTAINS(err, ":1:");
  CHECK_CONTAINS(err, "syntax error");
}

int main(void) {
  test_begin(120);
  RUN_TEST(test_event_stream);
  RUN_TEST(test_blocked_not_enabled_and_time);
  RUN_TEST(test_step_limit);
  RUN_TEST(test_fresh_state_each_run);
  RUN_TEST(test_setup_error);
  remove(path);
  return test_end("test_sched");
}
