/*
** test_wait.c - the waiting core (wait.c) on synthetic runs: who waits on
** an object, oldest arrival first, with each filter, a short buffer, and
** waking.
*/
#include <math.h>

#include "wait.h"
#include "test.h"

/* Thread i waits in 'op' on 'obj', arrived with ticket tickets[i]. */
static void waiter(SimRun *r, int op, int32_t obj, uint64_t ticket) {
  SimThread *t = run_new_thread(r, "t", r->nthreads ? 0 : -1);
  t->state = TS_READY;
  t->pend.op = (uint16_t)op;
  t->pend.obj = obj;
  t->pend.deadline = INFINITY;
  t->ticket = ticket;
}

static void test_order_and_filters(void) {
  SimRun r;
  run_init(&r);
  run_reset(&r);
  waiter(&r, OP_ACQUIRE, 1, 40); /* 0 */
  waiter(&r, OP_ACQUIRE, 1, 10); /* 1: the oldest */
  waiter(&r, OP_ACQUIRE, 2, 5);  /* 2: another object */
  waiter(&r, OP_RELEASE, 1, 1);  /* 3: another operation */
  waiter(&r, OP_ACQUIRE, 1, 30); /* 4 */
  waiter(&r, OP_ACQUIRE, 1, 20); /* 5 */
  int32_t out[8];
  CHECK_EQ_INT(wait_list(&r, 1, WAIT_OP(OP_ACQUIRE), 0, out, 8), 4);
  CHECK_EQ_INT(out[0], 1);
  CHECK_EQ_INT(out[1], 5);
  CHECK_EQ_INT(out[2], 4);
  CHECK_EQ_INT(out[3], 0);
  /* a short buffer keeps the oldest, and the count is all of them */
  CHECK_EQ_INT(wait_list(&r, 1, WAIT_OP(OP_ACQUIRE), 0, out, 2), 4);
  CHECK_EQ_INT(out[0], 1);
  CHECK_EQ_INT(out[1], 5);
  CHECK_EQ_INT(wait_list(&r, 1, WAIT_OP(OP_ACQUIRE), 0, out, 0), 4);
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE), 0), 1);
  /* two operations at once */
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE) | WAIT_OP(OP_RELEASE), 0), 3);
  /* a thread that is not waiting (running, done) does not count */
  r.threads[1].state = TS_DONE;
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE), 0), 5);
  /* the filters */
  r.threads[5].woken = 1;
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE), 0), 5);
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE), WAIT_UNWOKEN), 4);
  r.threads[4].pend.flags |= PEND_NOWAIT;
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE), WAIT_UNWOKEN), 4);
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE), WAIT_UNWOKEN | WAIT_BLOCKING), 0);
  r.threads[0].pend.deadline = 2.0;
  r.vtime = 1.0;
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE), WAIT_BLOCKING | WAIT_UNEXPIRED), 5);
  r.vtime = 2.0; /* its timeout has come */
  CHECK_EQ_INT(wait_list(&r, 1, WAIT_OP(OP_ACQUIRE),
                         WAIT_UNWOKEN | WAIT_BLOCKING | WAIT_UNEXPIRED, out, 8),
               0);
  CHECK_EQ_INT(wait_first(&r, 1, WAIT_OP(OP_ACQUIRE),
                          WAIT_UNWOKEN | WAIT_BLOCKING | WAIT_UNEXPIRED),
               -1);
  run_free(&r);
}

static void test_wake(void) {
  SimRun r;
  run_init(&r);
  run_reset(&r);
  for (int i = 0; i < 5; i++)
    waiter(&r, i == 2 ? OP_EV_SET : OP_EV_WAIT, 7, (uint64_t)(10 - i));
  r.threads[3].woken = 1, r.threads[3].wake_ev = 4;
  CHECK_EQ_INT(wait_wake_all(&r, 7, WAIT_OP(OP_EV_WAIT), WAIT_UNWOKEN, 9), 3);
  for (int i = 0; i < 5; i++) {
    CHECK_EQ_INT(r.threads[i].woken, i != 2);
    CHECK_EQ_INT(r.threads[i].wake_ev, i == 2 ? -1 : i == 3 ? 4 : 9);
  }
  CHECK_EQ_INT(wait_wake_all(&r, 7, WAIT_OP(OP_EV_WAIT), WAIT_UNWOKEN, 11), 0);
  wait_wake(&r, 2, 12);
  CHECK_EQ_INT(r.threads[2].woken, 1);
  CHECK_EQ_INT(r.threads[2].wake_ev, 12);
  run_free(&r);
}

int main(void) {
  test_begin(30);
  RUN_TEST(test_order_and_filters);
  RUN_TEST(test_wake);
  return test_end("test_wait");
}
