/*
** lockgraph.h - the lock-order graph of an exploration (Goodlock).  Runs
** are added in run-index order (whatever worker executed them), so the
** potential deadlocks found, and the run each is reported in, do not depend
** on --jobs.  Plain C.
*/
#ifndef RACESIM_LOCKGRAPH_H
#define RACESIM_LOCKGRAPH_H

#include <stdint.h>

#include "run.h"

typedef struct LockGraph LockGraph;

LockGraph *lockgraph_new(void);
void lockgraph_free(LockGraph *g);

/*
** Add the lock edges of run 'r' (r->ledges); every new cycle (edges from
** distinct threads, no lock held in common by two of them) is reported once,
** as a potential_deadlock finding in 'r'.
*/
void lockgraph_add_run(LockGraph *g, SimRun *r);

/*
** The second acquisitions of the cycle reported with signature 'sig' (the
** lock taken and where): up to 'max'; returns how many.
*/
int lockgraph_cycle(const LockGraph *g, uint64_t sig, const char **to, int32_t *line, int max);

/* Edge i of the graph; returns the number of edges. */
size_t lockgraph_edge(const LockGraph *g, size_t i, const char **from, const char **to,
                      const char **thread, int32_t *line, int32_t *from_line,
                      uint64_t *first_run, uint64_t *count);

#endif
