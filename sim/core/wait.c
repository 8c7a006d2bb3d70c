/*
** wait.c - the waiting core (wait.h).
*/
#include "wait.h"

static int waits(const SimRun *r, const SimThread *t, int32_t obj, uint64_t ops,
                 unsigned flags) {
  return t->state == TS_READY && t->pend.obj == obj && (ops & WAIT_OP(t->pend.op)) &&
         !((flags & WAIT_UNWOKEN) && t->woken) &&
         !((flags & WAIT_BLOCKING) && (t->pend.flags & PEND_NOWAIT)) &&
         !((flags & WAIT_UNEXPIRED) && r->vtime >= t->pend.deadline);
}

int wait_list(const SimRun *r, int32_t obj, uint64_t ops, unsigned flags, int32_t *out,
              int max) {
  int n = 0;
  for (int32_t i = 0; i < r->nthreads; i++) {
    if (!waits(r, &r->threads[i], obj, ops, flags)) continue;
    /* insert by arrival among the oldest 'max' kept so far */
    uint64_t ticket = r->threads[i].ticket;
    int j = n < max ? n : max;
    if (j == max && (j == 0 || r->threads[out[j - 1]].ticket < ticket)) {
      n++;
      continue;
    }
    if (j == max) j--; /* the newest kept one drops out */
    for (; j > 0 && r->threads[out[j - 1]].ticket > ticket; j--) out[j] = out[j - 1];
    out[j] = i;
    n++;
  }
  return n;
}

void wait_ready(SimRun *r, int32_t tid) {
  if (wait_fifo(r) && !r->threads[tid].rseq) r->threads[tid].rseq = ++r->next_rseq;
}

void wait_wake(SimRun *r, int32_t tid, int32_t ev) {
  r->threads[tid].woken = 1;
  r->threads[tid].wake_ev = ev;
  wait_ready(r, tid);
}

int wait_wake_all(SimRun *r, int32_t obj, uint64_t ops, unsigned flags, int32_t ev) {
  int n = 0;
  if (!wait_fifo(r)) { /* (the order matters only to the ready queue) */
    for (int32_t i = 0; i < r->nthreads; i++)
      if (waits(r, &r->threads[i], obj, ops, flags)) wait_wake(r, i, ev), n++;
    return n;
  }
  for (uint64_t after = 0;; n++) { /* by arrival: tickets are unique */
    int32_t next = -1;
    for (int32_t i = 0; i < r->nthreads; i++) {
      const SimThread *t = &r->threads[i];
      if (waits(r, t, obj, ops, flags) && (!n || t->ticket > after) &&
          (next < 0 || t->ticket < r->threads[next].ticket))
        next = i;
    }
    if (next < 0) return n;
    after = r->threads[next].ticket;
    wait_wake(r, next, ev);
  }
}

int32_t wait_first(const SimRun *r, int32_t obj, uint64_t ops, unsigned flags) {
  int32_t first = -1;
  wait_list(r, obj, ops, flags, &first, 1);
  return first;
}
