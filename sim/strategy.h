/*
** strategy.h - exploration strategies.  A strategy decides, at every point
** where more than one thread could run, which one does, and the value of
** every data choice (choose(n), which waiter a notify wakes).  It knows
** nothing of Lua or of the scheduler: it sees the enabled threads and, at the
** end of a run, the run's trace.  Strategies are registered by name in
** strategy.c; adding one is adding a file and a table entry.  Replay is a
** strategy too.
*/
#ifndef RACESIM_STRATEGY_H
#define RACESIM_STRATEGY_H

#include <stdint.h>

#include "run.h"

/* What a strategy sees at a scheduling point. */
typedef struct SchedView {
  const SimRun *run;
  const int32_t *enabled; /* enabled thread ids, ascending */
  int nenabled;           /* >= 2 */
  int32_t prev;           /* the thread that ran the previous step, or -1 */
} SchedView;

typedef struct StrategyConfig {
  uint64_t base_seed;
  uint64_t fixed_seed;   /* replay by seed: every run uses this run seed */
  int has_fixed_seed;
  int pct_depth;         /* PCT: bug depth d (d-1 change points) */
  uint32_t pct_steps;    /* PCT: the step count k change points are drawn from */
  int preemption_bound;  /* dfs: -1 = unbounded */
  int por;               /* dfs: 1 = source-DPOR with sleep sets, 0 = plain */
  uint64_t max_runs;     /* a cap on runs (dfs), 0 = none */
  const Decision *replay; /* replay: the decisions of a schedule */
  uint32_t nreplay;
  uint64_t replay_seed;  /* replay: the run seed recorded in the token */
  int64_t deviate_at;    /* guided: the decision where not to preempt, -1 */
  /* directed: the acquisitions to hold back (lock name and line) */
  const char *const *target_names;
  const int32_t *target_lines;
  int ntargets;
  /* dfs sharding/splitting: explore only the subtrees of this shard */
  uint32_t shard, nshards;
} StrategyConfig;

typedef struct Strategy Strategy;

typedef struct StrategyOps {
  const char *name;
  Strategy *(*create)(const StrategyConfig *cfg);
  /*
  ** Prepare run 'index'.  Sets '*seed', the run seed (math.random streams).
  ** Returns 0, or 1 when the exploration is over (dfs explored everything).
  */
  int (*begin_run)(Strategy *s, uint64_t index, uint64_t *seed);
  /*
  ** The thread to run next, one of v->enabled.  -1 abandons the run as
  ** redundant (pruned); -2 reports a divergence (replay).
  */
  int32_t (*pick)(Strategy *s, const SchedView *v);
  /* A data choice in [0, n), n >= 2; -1 abandons, -2 diverges. */
  int64_t (*choose)(Strategy *s, const SimRun *r, uint32_t n);
  /* The run is over; 'r' holds its whole trace. */
  void (*end_run)(Strategy *s, const SimRun *r);
  void (*destroy)(Strategy *s);
} StrategyOps;

/* The common part of every strategy; implementations embed it first. */
struct Strategy {
  const StrategyOps *ops;
  StrategyConfig cfg;
  int complete;     /* exhaustive exploration finished within its bounds */
  uint64_t pruned;  /* runs abandoned as redundant */
  char err[256];    /* why a replay diverged */
};

/* Create the strategy registered as 'name'; NULL if there is none. */
Strategy *strategy_create(const char *name, const StrategyConfig *cfg);
void strategy_destroy(Strategy *s);
/* Names of the registered strategies, NULL-terminated. */
const char *const *strategy_names(void);

/* Default-initialised configuration. */
void strategy_config_init(StrategyConfig *cfg);

/* The guided strategy (shrinking): where its last run preempted. */
uint32_t strategy_guided_preemptions(const Strategy *s, const uint32_t **idx);

#endif
