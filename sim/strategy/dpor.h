/*
** dpor.h - the partial-order-reduction policy: given the trace of one run,
** find the races whose reversal may lead to an inequivalent run, and for each
** the threads that could start that reversal (source-DPOR's initials).
** Where to explore is decided here; the tree being explored (the path, its
** backtrack, done and sleep sets) lives in strat_dfs.c.  Plain C over the
** run's events: no Lua.
*/
#ifndef RACESIM_DPOR_H
#define RACESIM_DPOR_H

#include <stdint.h>

#include "run.h"
#include "tset.h"

/* One footprint entry: an object (by stable key) and the facets accessed. */
typedef struct FpEntry {
  uint64_t key;
  uint8_t rd, wr, up; /* facets read, written and updated (op.h) */
  uint8_t take;       /* a free take of a count (sync/count.h) ... */
  uint8_t slack;      /* ... that stays free over this many other takes */
  uint8_t give, takew; /* gives units of a count back; takes one, writing it */
} FpEntry;

typedef struct Dpor Dpor;

Dpor *dpor_new(void);
void dpor_free(Dpor *d);

/*
** A race between transition 'step' (the earlier) and a later one of thread
** 'tid2': the reversal must be started, in the state just before 'step', by
** one of the threads in 'initials'.  'pending' says the
** later one is the pending operation of a thread still blocked when the run
** ended: what that thread would do afterwards was never seen, so the
** reversal should start with that thread itself where it can.
*/
typedef void (*DporRaceFn)(void *ud, uint32_t step, const TSet *initials, int32_t tid2,
                           int pending);

/* Analyse a finished run.  Transitions are the run's steps (1..r->steps). */
void dpor_analyse(Dpor *d, const SimRun *r, DporRaceFn fn, void *ud);

/*
** After dpor_analyse of run 'r': lb[k] (k = 0..r->steps) receives how many
** preemptions every interleaving equivalent to the run's first k steps
** makes at least: one per forced switch, a thread's step that happens after
** another thread's step that happens after the thread's previous one, when
** the step's operation cannot block (its thread could go on all along).
** The same for every equivalent run, and it only grows with the run.
*/
void dpor_forced(Dpor *d, const SimRun *r, uint32_t *lb);

/* Append the footprint of transition 'step' of run 'r' to 'out'. */
void dpor_footprint(const SimRun *r, uint32_t step, FpEntry **out, size_t *n,
                    size_t *cap);

/* Does footprint 'fp' conflict with any access of events [from, to) of 'r'?
   (A give and a take of a count do not, either way round: sync/count.h.)
   With a take (dpor_fp_takes), 'from' must be where its thread fell asleep;
   if none, 'after' (n entries, or NULL) receives the footprint as it is at
   'to': its takes' slack used up by the takes since. */
int dpor_conflicts(const FpEntry *fp, size_t n, const SimRun *r, uint32_t from,
                   uint32_t to, FpEntry *after);

/* Has footprint 'fp' a free take, whose conflicts depend on all events since
   its thread fell asleep? */
int dpor_fp_takes(const FpEntry *fp, size_t n);

#endif
