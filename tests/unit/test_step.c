/*
** test_step.c - the scheduling step (step.c) on synthetic runs, without
** Lua: the enabled set, virtual time, the ends of a run, the strategy's
** pick with its preemptions and decisions, data choices, and the events
** handed to the detectors.
*/
#include <math.h>

#include "object.h"
#include "step.h"
#include "test.h"
#include "wait.h"

/* An object whose blocking operations proceed when its state byte is 1. */
static int gate_ready(const SimRun *r, const SimObject *o, const SimThread *t) {
  (void)r, (void)t;
  return o->st[0] == 1;
}
static const ObjClass gate_class = {"Gate", gate_ready, NULL, NULL, NULL, 0, 0, NULL, 0};

/* A strategy that picks what it is told to, and counts its calls. */
typedef struct Fake {
  Strategy base;
  int32_t answer; /* -1: the first enabled thread */
  int64_t value;  /* for choose */
  int picks;
} Fake;

static int32_t fake_pick(Strategy *s, const SchedView *v) {
  Fake *f = (Fake *)s;
  f->picks++;
  return f->answer == -1 ? v->enabled[0] : f->answer;
}
static int64_t fake_choose(Strategy *s, const SimRun *r, uint32_t n) {
  (void)r, (void)n;
  return ((Fake *)s)->value;
}
static const StrategyOps fake_ops = {"fake", NULL, NULL, fake_pick, fake_choose, NULL, NULL,
                                     NULL, 0, NULL, NULL};

static void fake_init(Fake *f, int32_t answer) {
  memset(f, 0, sizeof *f);
  f->base.ops = &fake_ops;
  f->answer = answer;
}

/* n threads, each with a pending operation 'op' on object 'obj' (-1: none). */
static void world(SimRun *r, int n, int op, int32_t obj) {
  run_reset(r);
  r->max_steps = 100;
  for (int i = 0; i < n; i++) {
    SimThread *t = run_new_thread(r, "t", i ? 0 : -1);
    t->pend.op = (uint16_t)op;
    t->pend.obj = obj;
    t->pend.deadline = INFINITY;
  }
}

static void test_pick_and_preempt(void) {
  SimRun r;
  run_init(&r);
  world(&r, 3, OP_YIELD, -1);
  Stepper p;
  memset(&p, 0, sizeof p);
  step_reset(&p);
  Fake f;
  fake_init(&f, 2);
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 2);
  CHECK_EQ_INT(r.steps, 1);
  CHECK_EQ_INT(r.ndecisions, 1);
  CHECK_EQ_INT(r.decisions[0].value, 2);
  CHECK_EQ_INT(r.decisions[0].n, 3);
  CHECK_EQ_INT(r.preemptions, 0); /* no previous thread to switch away from */
  f.answer = 0;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 0);
  CHECK_EQ_INT(r.preemptions, 1); /* thread 2 could have gone on */
  f.answer = 0;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 0);
  CHECK_EQ_INT(r.preemptions, 1);
  CHECK_EQ_INT(r.ndecisions, 3);
  step_free(&p);
  run_free(&r);
}

static void test_blocked_and_time(void) {
  SimRun r;
  run_init(&r);
  world(&r, 2, OP_YIELD, -1);
  SimObject *g = run_new_object(&r, &gate_class, "g", 0, -1);
  r.threads[0].pend.op = OP_EV_WAIT, r.threads[0].pend.obj = g->id; /* blocked */
  r.threads[1].pend.op = OP_SLEEP, r.threads[1].pend.deadline = 2.5;
  Stepper p;
  memset(&p, 0, sizeof p);
  step_reset(&p);
  Fake f;
  fake_init(&f, -1);
  /* nothing can run before t = 2.5: time jumps, the sleeper goes, alone */
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 1);
  CHECK(r.vtime == 2.5);
  CHECK_EQ_INT(r.threads[0].waited, 1);
  CHECK_EQ_INT(r.ndecisions, 0); /* one thread: not a decision */
  CHECK_EQ_INT(f.picks, 0);
  /* the sleeper done, the waiter stuck: a stall */
  r.threads[1].state = TS_DONE;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), -1);
  CHECK_EQ_INT(r.end, END_STALL);
  /* ... but a daemon left waiting is a run that is over */
  r.end = END_NONE;
  r.threads[0].daemon = 1;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), -1);
  CHECK_EQ_INT(r.end, END_OK);
  /* the gate opens: the waiter goes */
  r.end = END_NONE;
  r.objs[g->id].st[0] = 1;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 0);
  step_free(&p);
  run_free(&r);
}

static int always(void *ud) {
  (void)ud;
  return 1;
}

static void test_ends(void) {
  SimRun r;
  run_init(&r);
  Stepper p;
  memset(&p, 0, sizeof p);
  Fake f;
  /* over the step limit: a step_limit finding naming who still runs */
  world(&r, 2, OP_YIELD, -1);
  step_reset(&p);
  fake_init(&f, -1);
  r.steps = r.max_steps;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), -1);
  CHECK_EQ_INT(r.end, END_STEP_LIMIT);
  CHECK_EQ_INT(r.nfindings, 1);
  CHECK_EQ_INT(r.findings[0].kind, FIND_STEP_LIMIT);
  /* the strategy diverges (a replay that does not fit) */
  world(&r, 2, OP_YIELD, -1);
  step_reset(&p);
  fake_init(&f, -2);
  snprintf(f.base.err, sizeof f.base.err, "schedule does not fit");
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), -1);
  CHECK_EQ_INT(r.end, END_DIVERGED);
  CHECK_EQ_STR(p.err, "schedule does not fit");
  /* a pick on a single thread, where the strategy wants one, may prune */
  world(&r, 1, OP_YIELD, -1);
  step_reset(&p);
  fake_init(&f, -5);
  f.base.pick_single = 1;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), -1);
  CHECK_EQ_INT(r.end, END_PRUNED);
  CHECK_EQ_INT(f.picks, 1);
  /* a cut is asked for every 4096 steps */
  world(&r, 1, OP_YIELD, -1);
  step_reset(&p);
  fake_init(&f, -1);
  r.max_steps = 10000;
  r.steps = 4094;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, always, NULL), 0);
  CHECK_EQ_INT(step_next(&p, &r, &f.base, always, NULL), -1);
  CHECK_EQ_INT(r.end, END_CUT);
  step_free(&p);
  run_free(&r);
}

/* A detector that counts the events it is given. */
typedef struct Counter {
  Detector base;
  int seen;
} Counter;
static void count_event(Detector *d, SimRun *r, uint32_t ev) {
  (void)r, (void)ev;
  ((Counter *)d)->seen++;
}
static const DetectorOps counter_ops = {"counter", NULL, NULL, count_event, NULL, NULL,
                                        ~UINT64_C(0), 0};

static void test_choose_and_observe(void) {
  SimRun r;
  run_init(&r);
  world(&r, 1, OP_YIELD, -1);
  Stepper p;
  memset(&p, 0, sizeof p);
  step_reset(&p);
  Fake f;
  fake_init(&f, -1);
  f.value = 3;
  uint8_t end = END_NONE;
  CHECK_EQ_INT(step_choose(&p, &r, &f.base, 5, &end), 3);
  CHECK_EQ_INT(r.ndecisions, 1);
  CHECK_EQ_INT(r.decisions[0].kind, DEC_DATA);
  f.value = 7; /* out of range: abandoned */
  CHECK_EQ_INT(step_choose(&p, &r, &f.base, 5, &end), -1);
  CHECK_EQ_INT(end, END_PRUNED);
  Counter c;
  memset(&c, 0, sizeof c);
  c.base.ops = &counter_ops;
  DetectorSet set;
  memset(&set, 0, sizeof set);
  set.d[set.n++] = &c.base;
  set.opmask = ~UINT64_C(0);
  run_event(&r, 0, OP_YIELD, -1);
  run_event(&r, 0, OP_YIELD, -1);
  step_observe(&p, &r, &set);
  CHECK_EQ_INT(c.seen, 2);
  run_event(&r, 0, OP_YIELD, -1);
  step_observe(&p, &r, &set); /* only the new one */
  CHECK_EQ_INT(c.seen, 3);
  step_observe(&p, &r, NULL);
  step_free(&p);
  run_free(&r);
}

/* asyncio's ready queue: the first queued of the enabled threads goes, with
   no decision; a thread that became enabled without a place (a timer) is
   queued behind by deadline then arrival, and a thread leaves the queue
   when it runs. */
static void test_fifo_ready_queue(void) {
  SimRun r;
  run_init(&r);
  world(&r, 3, OP_YIELD, -1); /* created in order: places 1, 2, 3 */
  r.mode = MODE_ASYNC;
  Stepper p;
  memset(&p, 0, sizeof p);
  step_reset(&p);
  Fake f;
  fake_init(&f, 2); /* would pick thread 2 if asked */
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 0);
  CHECK_EQ_INT(r.threads[0].rseq, 0); /* left the queue */
  CHECK_EQ_INT(r.ndecisions, 0);
  CHECK_EQ_INT(f.picks, 0);
  wait_ready(&r, 0); /* thread 0 yields: behind 1 and 2 */
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 1);
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 2);
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 0);
  CHECK_EQ_INT(r.preemptions, 0);
  /* order "any": every enabled thread is the strategy's choice again */
  r.order = ORDER_ANY;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 2);
  CHECK_EQ_INT(r.ndecisions, 1);
  step_free(&p);
  run_free(&r);
}

/* Timers: overlapping jitter windows make the order in which they go off a
   data decision, choice 0 the nominal order; windows that do not overlap,
   or no jitter, make none. */
static void test_jitter_timers(void) {
  SimRun r;
  run_init(&r);
  world(&r, 2, OP_SLEEP, -1);
  r.mode = MODE_ASYNC;
  for (int i = 0; i < 2; i++) r.threads[i].rseq = 0; /* asleep, not queued */
  r.threads[0].pend.deadline = 0.10, r.threads[0].pend.jitter = 0.05;
  r.threads[1].pend.deadline = 0.12, r.threads[1].pend.jitter = 0.05;
  Stepper p;
  memset(&p, 0, sizeof p);
  step_reset(&p);
  Fake f;
  fake_init(&f, -1);
  f.value = 1; /* the later one first */
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 1);
  CHECK_EQ_INT(r.ndecisions, 1);
  CHECK_EQ_INT(r.decisions[0].kind, DEC_DATA);
  CHECK_EQ_INT(r.decisions[0].n, 2);
  CHECK(r.vtime == 0.12); /* at its deadline, before the first window closes (0.15) */
  r.threads[1].state = TS_DONE;
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 0); /* alone now: no choice */
  CHECK_EQ_INT(r.ndecisions, 1);
  CHECK(r.vtime == 0.12); /* a little late, within its window; time never goes back */
  /* no overlap: nominal order, no decision */
  world(&r, 2, OP_SLEEP, -1);
  r.mode = MODE_ASYNC;
  for (int i = 0; i < 2; i++) r.threads[i].rseq = 0;
  r.threads[0].pend.deadline = 0.10, r.threads[0].pend.jitter = 0.001;
  r.threads[1].pend.deadline = 0.12, r.threads[1].pend.jitter = 0.001;
  step_reset(&p);
  CHECK_EQ_INT(step_next(&p, &r, &f.base, NULL, NULL), 0);
  CHECK_EQ_INT(r.ndecisions, 0);
  CHECK(r.vtime == 0.10);
  step_free(&p);
  run_free(&r);
}

int main(void) {
  test_begin(30);
  RUN_TEST(test_pick_and_preempt);
  RUN_TEST(test_blocked_and_time);
  RUN_TEST(test_ends);
  RUN_TEST(test_choose_and_observe);
  RUN_TEST(test_fifo_ready_queue);
  RUN_TEST(test_jitter_timers);
  return test_end("test_step");
}
