/*
** step.h - the scheduling step, in plain C.  The scheduler's loop is
**
**   for (;;) {
**     tid = step_next(&st, run, strategy, cut, sim);  choose: -1 ends the run
**     resume thread tid until its next visible operation   (sched.c, Lua)
**     step_observe(&st, run, detectors);               observe its events
**   }
**
** step_next is everything about which thread goes next: the enabled set,
** virtual time when nothing is enabled, the end of a run (done, stalled, over
** its step limit, abandoned or diverged by the strategy), the strategy's
** pick, the preemption it makes and the decision it records.  Data choices
** (choose(n)) are recorded here too.  Nothing of Lua: tests drive it with
** synthetic runs.
*/
#ifndef RACESIM_STEP_H
#define RACESIM_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "run.h"
#include "strategy.h"

typedef struct Stepper {
  int32_t *enabled;    /* the enabled threads of this step (scratch) */
  size_t cap_enabled;
  int32_t prev;        /* the thread of the previous step, or -1 */
  uint32_t dispatched; /* events given to the detectors so far */
  char err[256];       /* why the strategy diverged (END_DIVERGED) */
} Stepper;

/* A new run (capacity kept). */
void step_reset(Stepper *p);
void step_free(Stepper *p);

/* Can 't's pending operation proceed now, by the object's state or by time?
   (Inline where it cannot block: most operations, asked at every step.) */
int step_enabled_wait(const SimRun *r, const SimThread *t);
static inline int step_enabled(const SimRun *r, const SimThread *t) {
  if (!op_table[t->pend.op].blocking || (t->pend.flags & PEND_NOWAIT)) return 1;
  return step_enabled_wait(r, t);
}

/*
** The thread that performs the next step (its step counted, 'prev' set), or
** -1 with r->end set: END_OK (every thread but daemons done), END_STALL
** (nothing can proceed, no deadline pending), END_STEP_LIMIT (with its
** finding), END_PRUNED or END_DIVERGED (the strategy's word in p->err), or
** END_CUT when 'cut' says so (asked every 4096 steps).
*/
int32_t step_next(Stepper *p, SimRun *r, Strategy *s, int (*cut)(void *ud), void *ud);

/*
** asyncio's ready queue (async mode, order fifo; wait.h): queue the threads
** that can proceed now but are not in the queue, by deadline then arrival:
** those that became able to without a wake-up (a lock released under a
** woken Condition waiter, a join of a task that ended).  The scheduler
** calls it before every operation of a task, so that they are queued in
** the order it made them ready.
*/
void step_queue_ready(SimRun *r);

/* Give the detectors (NULL: none) the events they have not seen. */
void step_observe(Stepper *p, SimRun *r, DetectorSet *d);

/*
** A data choice in [0, n), n >= 2, made by the strategy and recorded as a
** decision; -1 if the strategy abandons the run (*end = END_PRUNED) or
** diverges (*end = END_DIVERGED, its word in p->err).
*/
int64_t step_choose(Stepper *p, SimRun *r, Strategy *s, uint32_t n, uint8_t *end);

#endif
