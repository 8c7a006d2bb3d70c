/*
** step.c - the scheduling step (step.h).
*/
#include "step.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "wait.h"

void step_reset(Stepper *p) {
  p->prev = -1;
  p->dispatched = 0;
  p->err[0] = '\0';
}

void step_free(Stepper *p) {
  free(p->enabled);
  memset(p, 0, sizeof *p);
}

int step_enabled_wait(const SimRun *r, const SimThread *t) {
  const PendingOp *op = &t->pend;
  if (op->op == OP_SLEEP) return r->vtime >= op->deadline + op->jitter; /* (see next_timer) */
  const SimObject *o = &r->objs[op->obj];
  if (r->vtime >= op->deadline && !(op->flags & PEND_SELF_TIMED)) return 1;
  return o->cls->ready ? o->cls->ready(r, o, t) : 1;
}

/* The enabled threads into p->enabled (the others have waited); how many.
   A thread of the ready queue that cannot proceed leaves it: it ran and
   suspended again (a woken Condition waiter that must wait for its lock). */
static int collect_enabled(Stepper *p, SimRun *r) {
  UTIL_GROW(p->enabled, (size_t)r->nthreads + 1, p->cap_enabled);
  int n = 0;
  for (int32_t i = 0; i < r->nthreads; i++) {
    SimThread *t = &r->threads[i];
    if (t->state != TS_READY) continue;
    if (step_enabled(r, t)) p->enabled[n++] = i;
    else t->waited = 1, t->rseq = 0;
  }
  return n;
}

/* Does a wait on 'a' end before one on 'b' when both end on time: by
   deadline, then by arrival? */
static int ends_before(const SimThread *a, const SimThread *b) {
  if (a->pend.deadline != b->pend.deadline) return a->pend.deadline < b->pend.deadline;
  return a->ticket < b->ticket;
}

void step_queue_ready(SimRun *r) {
  if (!wait_fifo(r)) return;
  for (;;) {
    int32_t next = -1;
    for (int32_t i = 0; i < r->nthreads; i++) {
      const SimThread *t = &r->threads[i];
      if (t->state == TS_READY && !t->rseq && step_enabled(r, t) &&
          (next < 0 || ends_before(t, &r->threads[next])))
        next = i;
    }
    if (next < 0) return;
    r->threads[next].rseq = ++r->next_rseq;
  }
}

/*
** asyncio's ready queue (wait.h): the first of the n enabled threads in it,
** after queueing those that became able to proceed without a wake-up (a
** timer that went off, a join of a task that ended), by deadline then
** arrival.
*/
static int32_t fifo_head(SimRun *r, const int32_t *enabled, int n) {
  for (;;) {
    int32_t next = -1;
    for (int i = 0; i < n; i++) {
      const SimThread *t = &r->threads[enabled[i]];
      if (!t->rseq && (next < 0 || ends_before(t, &r->threads[next]))) next = enabled[i];
    }
    if (next < 0) break;
    r->threads[next].rseq = ++r->next_rseq;
  }
  int32_t head = enabled[0];
  for (int i = 1; i < n; i++)
    if (r->threads[enabled[i]].rseq < r->threads[head].rseq) head = enabled[i];
  return head;
}

/* Is 't' a timer still to go off: a wait whose deadline (or, for a sleep
   with a jitter, whose window) has not passed? */
static int pending_timer(const SimRun *r, const SimThread *t) {
  return t->state == TS_READY && !isinf(t->pend.deadline) &&
         t->pend.deadline + t->pend.jitter > r->vtime;
}

/*
** Nothing can proceed: the time of the next timer to go off, INFINITY if
** none (*fire: that timer's thread, to run first, or -1).  Timers go off by
** deadline, then arrival.  A sleep with a jitter may end anywhere in
** [deadline - jitter, deadline + jitter]; where such windows overlap, which
** timer goes off first is a choice (a data decision, explored like
** choose(n)): the candidates are the first by deadline and every timer
** whose window opens before the earliest window closes (at 'close'), choice
** 0 the nominal order.  The one chosen goes off at its deadline, or at
** 'close' if that is earlier, and never before the clock; a sleep with a
** jitter goes off only so (step_enabled: or when its window closes), so
** the others stay candidates at the next jump.  Returns -1 if the strategy
** ends the run (r->end set).
*/
static int next_timer(Stepper *p, SimRun *r, Strategy *s, double *at, int32_t *fire) {
  int32_t first = -1;
  double close = INFINITY;
  *fire = -1;
  *at = INFINITY;
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    if (!pending_timer(r, t)) continue;
    if (first < 0 || ends_before(t, &r->threads[first])) first = i;
    if (t->pend.deadline + t->pend.jitter < close) close = t->pend.deadline + t->pend.jitter;
  }
  if (first < 0) return 0;
  int32_t *cand = p->enabled; /* (nothing is enabled: scratch) */
  int k = 0;
  cand[k++] = first;
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    if (i == first || !pending_timer(r, t) || !(t->pend.deadline - t->pend.jitter < close))
      continue;
    int j = k++; /* by deadline, then arrival, after the first */
    for (; j > 1 && ends_before(t, &r->threads[cand[j - 1]]); j--) cand[j] = cand[j - 1];
    cand[j] = i;
  }
  int64_t v = 0;
  if (k > 1) {
    uint8_t end;
    v = step_choose(p, r, s, (uint32_t)k, &end);
    if (v < 0) {
      r->end = end;
      return -1;
    }
  }
  SimThread *t = &r->threads[cand[v]];
  *at = t->pend.deadline < close ? t->pend.deadline : close;
  if (*at < r->vtime) *at = r->vtime;
  if (t->pend.jitter > 0) t->pend.deadline = *at, t->pend.jitter = 0; /* it goes off now */
  *fire = t->id;
  return 0;
}

/* Only daemon threads (or none) are left. */
static int only_daemons_left(const SimRun *r) {
  for (int32_t i = 0; i < r->nthreads; i++)
    if (thread_alive(&r->threads[i]) && !r->threads[i].daemon) return 0;
  return 1;
}

static void push_decision(SimRun *r, int kind, uint32_t value, uint32_t n) {
  UTIL_GROW(r->decisions, (size_t)r->ndecisions + 1, r->cap_decisions);
  Decision *d = &r->decisions[r->ndecisions++];
  d->kind = (uint8_t)kind, d->value = value, d->n = n, d->step = r->steps;
}

/* The run is over its step budget: a step_limit finding naming who runs. */
static void step_limit(SimRun *r) {
  StrBuf b;
  sb_init(&b);
  int shown = 0, timers = 0;
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    if (!thread_alive(t)) continue;
    timers += !isinf(t->pend.deadline) && t->pend.deadline > r->vtime;
    if (shown == 4) continue;
    sb_printf(&b, "%s%s", shown++ ? ", " : "", thread_name(r, i));
    if (t->pend.op == OP_START) { /* (no line yet) */
      sb_puts(&b, " (not started: never scheduled)");
      continue;
    }
    sb_puts(&b, " at ");
    run_format_site(r, t->pend.line, &b);
    sb_printf(&b, " (%s)", op_pending_name(t->pend.op));
  }
  /* a thread polls (yield() in a loop) while another sleeps: virtual time
     moves only when no thread can run, so the sleeper never wakes */
  run_finding(r, FIND_STEP_LIMIT, (int32_t)r->nevents - 1, -1, -1, UTIL_FNV_INIT,
              "the run exceeded %u steps (--max-steps): a livelock or an "
              "unbounded loop? Still running: %s%s",
              r->max_steps, b.s ? b.s : "-",
              timers ? ". Virtual time moves only when no thread can run; here one always "
                       "could, so a sleep or a timeout never ended: a loop of yield() polling "
                       "for a change keeps the clock still (wait on an Event or a Condition "
                       "instead)"
                     : "");
  sb_free(&b);
  r->end = END_STEP_LIMIT;
}

/*
** Step r->steps + 1 is thread 'tid''s pending operation; 'preempted' the
** thread switched away from (the n enabled threads could run), or -1.
*/
static void push_step(Stepper *p, SimRun *r, int32_t tid, int32_t preempted, int n) {
  UTIL_GROW(r->trail, (size_t)r->ntrail + 1, r->cap_trail);
  const PendingOp *op = &r->threads[tid].pend;
  StepRec *k = &r->trail[r->ntrail++];
  k->tid = tid, k->op = op->op, k->obj = op->obj, k->line = op->line;
  k->preempted = preempted, k->nrunnable = 0, k->runnable = r->nrunnable;
  r->gave_way += (uint32_t)pend_gives_way(op);
  if (preempted < 0) return;
  UTIL_GROW(r->runnable, (size_t)r->nrunnable + (size_t)n, r->cap_runnable);
  memcpy(r->runnable + r->nrunnable, p->enabled, sizeof(int32_t) * (size_t)n);
  r->nrunnable += (uint32_t)n;
  k->nrunnable = (uint16_t)(n < UINT16_MAX ? n : UINT16_MAX);
}

/* The strategy's pick among n > 1 enabled threads: counted and recorded
   (*preempted: the thread switched away from, or -1). */
static int32_t pick(Stepper *p, SimRun *r, Strategy *s, int n, int32_t *preempted) {
  SchedView v = {r, p->enabled, n, p->prev};
  int32_t tid = s->ops->pick(s, &v);
  if (tid < 0) {
    r->end = tid == -2 ? END_DIVERGED : END_PRUNED;
    if (tid == -2) snprintf(p->err, sizeof p->err, "%s", s->err);
    return -1;
  }
  int ok = 0, prev_enabled = 0;
  for (int i = 0; i < n; i++) {
    ok |= p->enabled[i] == tid;
    prev_enabled |= p->enabled[i] == p->prev;
  }
  SIM_CHECK(ok);
  if (prev_enabled && tid != p->prev) {
    r->preemptions++;
    *preempted = p->prev;
  }
  push_decision(r, DEC_THREAD, (uint32_t)tid, (uint32_t)n);
  return tid;
}

int32_t step_next(Stepper *p, SimRun *r, Strategy *s, int (*cut)(void *ud), void *ud) {
  int n;
  if (r->ndaemons && only_daemons_left(r)) { /* Python exits then: daemons stop where they are */
    r->end = END_OK;
    return -1;
  }
  while ((n = collect_enabled(p, r)) == 0) {
    double d;
    int32_t fire;
    if (next_timer(p, r, s, &d, &fire) < 0) return -1;
    if (d == INFINITY) {
      r->end = only_daemons_left(r) ? END_OK : END_STALL;
      return -1;
    }
    r->vtime = d; /* nothing can run before it: time jumps */
    if (fire >= 0) wait_ready(r, fire);
  }
  if (wait_fifo(r) && n > 1) { /* asyncio: the first of the ready queue, no choice */
    p->enabled[0] = fifo_head(r, p->enabled, n);
    n = 1;
  }
  if (r->steps >= r->max_steps) {
    step_limit(r);
    return -1;
  }
  if ((r->steps & 4095) == 4095 && cut && cut(ud)) {
    r->end = END_CUT;
    return -1;
  }
  int32_t tid = p->enabled[0], preempted = -1;
  if (n > 1) {
    tid = pick(p, r, s, n, &preempted);
    if (tid < 0) return -1;
  } else if (s->pick_single) { /* not a decision: may the run go on? */
    SchedView v = {r, p->enabled, 1, p->prev};
    int32_t go = s->ops->pick(s, &v);
    if (go < 0) {
      r->end = go == -2 ? END_DIVERGED : END_PRUNED;
      if (go == -2) snprintf(p->err, sizeof p->err, "%s", s->err);
      return -1;
    }
  }
  push_step(p, r, tid, preempted, n);
  r->steps++;
  p->prev = tid;
  r->threads[tid].rseq = 0; /* it leaves the ready queue to run */
  return tid;
}

void step_observe(Stepper *p, SimRun *r, DetectorSet *d) {
  for (; p->dispatched < r->nevents; p->dispatched++)
    if (d) detect_event(d, r, p->dispatched);
}

int64_t step_choose(Stepper *p, SimRun *r, Strategy *s, uint32_t n, uint8_t *end) {
  int64_t v = s->ops->choose(s, r, n);
  if (v < 0 || v >= (int64_t)n) {
    *end = v == -2 ? END_DIVERGED : END_PRUNED;
    if (v == -2) snprintf(p->err, sizeof p->err, "%s", s->err);
    return -1;
  }
  push_decision(r, DEC_DATA, (uint32_t)v, n);
  return v;
}
