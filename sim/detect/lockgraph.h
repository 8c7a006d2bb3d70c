/*
** lockgraph.h - the lock-order graph of an exploration (Goodlock).  Runs
** may be added in any order: the potential deadlocks found, and the run
** each is reported in, depend only on the set of runs (lockgraph.c).
** Plain C.
*/
#ifndef RACESIM_LOCKGRAPH_H
#define RACESIM_LOCKGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

typedef struct LockGraph LockGraph;

/* A run kept to replay: the first run that showed an edge. */
typedef struct LockGraphRun {
  uint64_t seed;
  uint32_t steps, preemptions, max_steps;
  Decision *dec;
  uint32_t ndec;
} LockGraphRun;

LockGraph *lockgraph_new(void);
void lockgraph_free(LockGraph *g);

/* Add the lock edges of run 'r' (r->ledges). */
void lockgraph_add_run(LockGraph *g, const SimRun *r);

/* Renumber the runs (dfs subtrees: see explore_dfs.c). */
void lockgraph_remap(LockGraph *g, uint64_t (*fn)(void *ud, uint64_t idx), void *ud);

/*
** Search the cycles (edges from distinct threads, no lock held in common by
** two of them): each is a potential deadlock.  Returns how many; 'script'
** names the file in the messages.  Sorts the edges by first run.
*/
size_t lockgraph_cycles(LockGraph *g, const char *script);

/* The longest cycle reported: a graph with longer ones is searched up to
   this length, and the search says so (lockgraph_search_cut). */
#define LOCKGRAPH_MAX_CYCLE 32

/*
** Did the last lockgraph_cycles stop short of a complete search: 1 a path
** still open at LOCKGRAPH_MAX_CYCLE locks, 2 its budget of steps spent, 0
** no.  Cycles it did not reach may exist; *longest: the most locks one
** could have (distinct threads and locks of the graph).
*/
int lockgraph_search_cut(const LockGraph *g, int *longest);

/*
** Cycle i: its message; its finding signature, the run that completed it
** and how to replay that run.
*/
const char *lockgraph_cycle_info(const LockGraph *g, size_t i, uint64_t *sig, uint64_t *run,
                                 const LockGraphRun **how);

/*
** The edges of the cycle with signature 'sig', up to 'max': the lock taken
** second and where, and (if not NULL) the lock held and the thread.
** Returns how many.
*/
int lockgraph_cycle(const LockGraph *g, uint64_t sig, const char **to, int32_t *line,
                    const char **from, const char **thread, int max);

/*
** An edge as the trace database keeps it (lock_edges.graph), for a merge of
** shards to search the cycles of all their runs: the stable keys of its
** locks and thread (the nodes), the locks its thread held (gate locks), its
** place among its first run's edges, and that run (no decisions: its
** schedule token is kept beside it).
*/
typedef struct LockGraphEdge {
  uint64_t from, to, thread;
  uint64_t held[LOCKEDGE_MAX_HELD];
  int nheld;
  const char *from_name, *to_name, *thread_name;
  int32_t from_line, to_line;
  uint64_t first_run, count;
  uint32_t ordinal;
  LockGraphRun run;
} LockGraphEdge;

/* Edge i in full ('out' points into the graph); returns the number of edges. */
size_t lockgraph_edge_full(const LockGraph *g, size_t i, LockGraphEdge *out);

/*
** Add an edge of another graph (another shard's): counted into an equal one
** (the lower first run kept), else added.  'e->run.dec' is not kept.
*/
void lockgraph_add_edge(LockGraph *g, const LockGraphEdge *e);

/* Edge i of the graph; returns the number of edges. */
size_t lockgraph_edge(const LockGraph *g, size_t i, const char **from, const char **to,
                      const char **thread, int32_t *line, int32_t *from_line,
                      uint64_t *first_run, uint64_t *count);

#endif
