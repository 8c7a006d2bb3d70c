/*
** sim_int.h - the scheduler's private state (sched.c).  Nothing else
** includes it: the explorer sees engine.h, the primitives and the sandbox
** prim.h.
*/
#ifndef RACESIM_SIM_INT_H
#define RACESIM_SIM_INT_H

#include <stdatomic.h>

#include "pool.h"
#include "prim.h"
#include "sched.h"
#include "step.h"

/* Slots of the per-run Lua table (the "run table"). */
enum { RT_COS = 1, RT_HANDLES = 2, RT_FINALLY = 3, RT_SIZE = 3 };

struct Sim {
  lua_State *L;
  int op_sites; /* take the call path of every operation (engine_set_op_sites) */
  SimConfig cfg; /* cfg.params: this engine's own copy (its 'used' flags) */
  SimRun run;
  Strategy *strat;
  DetectorSet *dets;
  const ObjClass *thread_class;
  const SandboxOps *sandbox_ops;
  Sandbox *sandbox;

  char *source; /* the script */
  size_t source_len;
  char sha[65];
  const char *chunk_source; /* lua_Debug.source of the scenario's functions */
  FuncNames *fnames;        /* their names, and the helpers' (site.h) */

  /* registry references */
  int ref_rt[RT_SIZE + 1]; /* the run's tables (RT_*): emptied after each run */
  int ref_pool;        /* finished coroutines, for reuse (end_run) */
  int runs_pooled;     /* runs since the pool was last let go (end_run) */

  Stepper step; /* which thread goes next (step.h) */

  /* memory cap */
  MemPool pool; /* where Lua's small blocks come from */
  size_t mem_used, mem_peak, mem_begin; /* now, the run's peak, at its start */
  int cap_active;   /* the cap applies (scenario code is running) */
  int mem_refused;  /* allocations refused in this run */

  /* instruction budget */
  uint64_t ticks, max_ticks;
  int runaway;       /* a thread exceeded the budget */
  const char *broken_rule; /* ... or broke the sandbox's (SandboxOps.watch) */
  int32_t runaway_line;

  /* cutting a run short (sched_set_cut) */
  const atomic_int *cut_flag;
  double cut_deadline; /* util_now() seconds; 0: none */
  void (*tick)(void *ud); /* now and then within a run (sched_set_tick) */
  void *tick_ud;
  int cut;             /* this run is being cut */

  /* per-thread math.random streams */
  Prng *rng;
  uint8_t *rng_ready;
  size_t cap_rng;

  uint32_t gen;       /* run generation, stamped in handles */
  uint8_t spawned;    /* a second thread exists in this run */
  uint8_t abort_end;  /* END_* requested from inside an operation */
  char err[1024];
};

#endif
