/*
** step.c - the scheduling step (step.h).
*/
#include "step.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"

void step_reset(Stepper *p) {
  p->prev = -1;
  p->dispatched = 0;
  p->err[0] = '\0';
}

void step_free(Stepper *p) {
  free(p->enabled);
  memset(p, 0, sizeof *p);
}

int step_enabled(const SimRun *r, const SimThread *t) {
  const PendingOp *op = &t->pend;
  if (!op_table[op->op].blocking || (op->flags & PEND_NOWAIT)) return 1;
  if (op->op == OP_SLEEP) return r->vtime >= op->deadline;
  const SimObject *o = &r->objs[op->obj];
  if (r->vtime >= op->deadline && !(op->flags & PEND_SELF_TIMED)) return 1;
  return o->cls->ready ? o->cls->ready(r, o, t) : 1;
}

/* The enabled threads into p->enabled (the others have waited); how many. */
static int collect_enabled(Stepper *p, SimRun *r) {
  UTIL_GROW(p->enabled, (size_t)r->nthreads + 1, p->cap_enabled);
  int n = 0;
  for (int32_t i = 0; i < r->nthreads; i++) {
    SimThread *t = &r->threads[i];
    if (t->state != TS_READY) continue;
    if (step_enabled(r, t)) p->enabled[n++] = i;
    else t->waited = 1;
  }
  return n;
}

/* The earliest deadline still ahead of the clock. */
static double next_deadline(const SimRun *r) {
  double d = INFINITY;
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    if (t->state == TS_READY && t->pend.deadline > r->vtime && t->pend.deadline < d)
      d = t->pend.deadline;
  }
  return d;
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
    double d = next_deadline(r);
    if (d == INFINITY) {
      r->end = only_daemons_left(r) ? END_OK : END_STALL;
      return -1;
    }
    r->vtime = d; /* nothing can run before it: time jumps */
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
