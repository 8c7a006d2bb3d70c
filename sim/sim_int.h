/*
** sim_int.h - the engine's private state, shared by sched.c (which runs the
** coroutines) and scenario.c (which builds the sandbox and the globals).
** Nothing outside sim/ includes it.
*/
#ifndef RACESIM_SIM_INT_H
#define RACESIM_SIM_INT_H

#include <stdatomic.h>

#include "sched.h"
#include "step.h"

/* Slots of the per-run Lua table (the "run table"). */
enum { RT_COS = 1, RT_HANDLES = 2, RT_FINALLY = 3, RT_ENV = 4, RT_SIZE = 4 };

struct Sim {
  lua_State *L;
  SimConfig cfg; /* cfg.params: this engine's own copy (its 'used' flags) */
  SimRun run;
  Strategy *strat;
  DetectorSet *dets;
  const ObjClass *thread_class;

  char *source; /* the script */
  size_t source_len;
  char sha[65];
  const char *chunk_source; /* lua_Debug.source of the scenario's functions */
  FuncNames *fnames;        /* their names, and the helpers' (site.h) */

  /* registry references */
  int ref_chunk;       /* the compiled scenario */
  int ref_env_meta;    /* metatable of each run's globals: __index = base */
  int ref_runtab;      /* the current run table */
  int ref_pool;        /* finished coroutines, reset for reuse */
  int ref_thread_main; /* prelude: function(fn, ...) run a thread */
  int ref_run_finally; /* prelude: function(list) run finally callbacks */
  int ref_mt_handle;   /* metatable of thread handles */

  Stepper step; /* which thread goes next (step.h) */

  /* memory cap */
  size_t mem_used, mem_peak;
  int cap_active;   /* the cap applies (scenario code is running) */
  int mem_refused;  /* allocations refused in this run */

  /* instruction budget */
  uint64_t ticks, max_ticks;
  int runaway;       /* a thread exceeded the budget */
  int32_t runaway_line;

  /* cutting a run short (sched_set_cut) */
  const atomic_int *cut_flag;
  double cut_deadline; /* util_now() seconds; 0: none */
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

/* scenario.c */
int scenario_setup(Sim *s, char *err, size_t errlen);
/* Push a fresh globals table for a run and point the chunk's _ENV at it. */
void scenario_begin_run(Sim *s);
/* Every global of the sandbox and every method of every class, one per line
   ("global spawn", "method Lock:acquire"), sorted. */
void scenario_list_api(Sim *s, StrBuf *out);

/* sched.c, for scenario.c: an error escaped a thread's function. */
void sched_thread_error(lua_State *L, int idx);

#endif
