/*
** wait.h - the waiting core the primitives share: which threads wait on an
** object, oldest arrival first.  A thread waits on 'obj' in operation 'op'
** when its pending operation is 'op' on 'obj' (it is TS_READY: blocked, or
** about to start); its arrival order is its ticket.  A primitive wakes
** waiters here too.  Plain C on the run.
*/
#ifndef RACESIM_WAIT_H
#define RACESIM_WAIT_H

#include <stdint.h>

#include "run.h"

/* The operations a query asks for, as a mask: WAIT_OP(OP_ACQUIRE) | ... */
#define WAIT_OP(op) ((uint64_t)1 << (op))

/* Which of those threads count. */
enum {
  WAIT_UNWOKEN = 1 << 0,  /* not yet signalled by a notify, set, release... */
  WAIT_BLOCKING = 1 << 1, /* a blocking call, not a non-blocking attempt */
  WAIT_UNEXPIRED = 1 << 2 /* its timeout has not come (in virtual time) */
};

/*
** The threads waiting on 'obj' in one of 'ops' that 'flags' admits, oldest
** first: the first 'max' of them in out[], and how many there are in all.
*/
int wait_list(const SimRun *r, int32_t obj, uint64_t ops, unsigned flags, int32_t *out,
              int max);
/* The oldest of them, or -1 if there is none. */
int32_t wait_first(const SimRun *r, int32_t obj, uint64_t ops, unsigned flags);

/* Mark thread 'tid's pending operation as signalled by event 'ev' (a
   notify, a set, a release): its object may now let it proceed.  In
   asyncio's order it also joins the ready queue (wait_ready). */
void wait_wake(SimRun *r, int32_t tid, int32_t ev);
/* Wake every one of them, oldest first; returns how many. */
int wait_wake_all(SimRun *r, int32_t obj, uint64_t ops, unsigned flags, int32_t ev);

/*
** asyncio's ready queue (async mode, order "fifo"): tasks run first in,
** first out.  A task joins the queue when it is created, when it yields
** (yield(), sleep(0): behind every task already ready), and when what it
** awaits is done (a wake-up here, in the order asyncio makes them; a timer
** or a join at the next step, step.c).
*/
static inline int wait_fifo(const SimRun *r) {
  return r->mode == MODE_ASYNC && r->order == ORDER_FIFO;
}
/* Put thread 'tid' at the end of the ready queue unless it is in it. */
void wait_ready(SimRun *r, int32_t tid);

#endif
