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

/* One footprint entry: an object (by stable key) and the facets accessed. */
typedef struct FpEntry {
  uint64_t key;
  uint8_t rd, wr; /* facets read and written (op.h) */
} FpEntry;

typedef struct Dpor Dpor;

Dpor *dpor_new(void);
void dpor_free(Dpor *d);

/*
** A race between transition 'step' (the earlier) and a later one of thread
** 'tid2': the reversal must be started, in the state just before 'step', by
** one of the threads in 'initials' (a bit per thread id).  'pending' says the
** later one is the pending operation of a thread still blocked when the run
** ended: what that thread would do afterwards was never seen, so the
** reversal should start with that thread itself where it can.
*/
typedef void (*DporRaceFn)(void *ud, uint32_t step, uint64_t initials, int32_t tid2,
                           int pending);

/*
** Analyse a finished run.  Transitions are the run's steps (1..r->steps);
** returns -1 if the run has threads the analysis cannot track (ids >= 64).
*/
int dpor_analyse(Dpor *d, const SimRun *r, DporRaceFn fn, void *ud);

/*
** What each transition left its thread waiting in, where that waiting is
** itself state another thread's operation depends on (an Event.wait that a
** set() will wake; in async mode the first-come first-served line of a
** Lock or Queue): out[step] for steps 1..r->steps, {-1, 0} where none.
*/
typedef struct Arrival {
  int32_t obj;
  uint8_t rd, wr; /* as a footprint: facets read and written */
} Arrival;
void dpor_arrivals(const SimRun *r, Arrival *out);

/* Append the footprint of transition 'step' of run 'r' to 'out'. */
void dpor_footprint(const SimRun *r, uint32_t step, FpEntry **out, size_t *n,
                    size_t *cap);

/*
** Does footprint 'fp' conflict with any access of events [from, to) of 'r',
** or with a thread that has run since 'from' and now waits where waiting is
** state (dpor_arrivals)?  'r' is the run in progress.
*/
int dpor_conflicts(const FpEntry *fp, size_t n, const SimRun *r, uint32_t from,
                   uint32_t to);

#endif
