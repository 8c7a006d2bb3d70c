/*
** strategy.h - exploration strategies.  A strategy decides, at every point
** where more than one thread could run, which one does, and the value of
** every data choice (choose(n), which waiter a notify wakes).  It knows
** nothing of Lua or of the scheduler: it sees the enabled threads and, at the
** end of a run, the run's trace.  Strategies are registered by name in
** registry.c; adding one is adding a file and a table entry.  Replay is a
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
  /* replay of a version 2 token: what every step was (the thread picks come
     from it, 'replay' holds the data choices); checked step by step */
  const struct TokenStep *trail;
  uint32_t ntrail;
  int64_t deviate_at;    /* guided: the decision where not to preempt, -1 */
  /* directed: the acquisitions to hold back (lock name and line) */
  const char *const *target_names;
  const int32_t *target_lines;
  int ntargets;
  /* dfs sharding/splitting: explore only the subtrees of this shard */
  uint32_t shard, nshards;
  /* dfs: explore only this subtree (see dfs_split), or NULL for all */
  const struct DfsTask *dfs_task;
  /* dfs, internal: > 0 probes the first levels of the tree (dfs_split) */
  int dfs_probe_depth;
} StrategyConfig;

typedef struct Strategy Strategy;

/*
** An option of a strategy on the command line (--depth D).  The strategy
** declares it; the CLI lists it in the help, parses and checks it, and
** stores it in the StrategyConfig given to the strategy: an integer from
** 'lo' to 'hi' at 'offset' (an int, or a uint32_t if 'u32'), or, for a
** flag (arg NULL), the value 'lo'.
*/
typedef struct StrategyOption {
  const char *name; /* "--depth" */
  const char *arg;  /* "D", or NULL for a flag */
  const char *help; /* what it does, after "<strategy>: " */
  int64_t lo, hi;
  size_t offset;
  uint8_t u32;
} StrategyOption;

/* What a strategy says of an exploration it made (StrategyOps.report). */
typedef struct StrategyReport {
  uint64_t runs;    /* runs made */
  int nthreads;     /* the most threads of any run */
  uint32_t max_steps; /* the longest run, in steps */
  uint64_t gave_way; /* runs in which a thread gave way (run.h pend_gives_way) */
  StrBuf *line;     /* a line for the summary, with its newline (or nothing) */
  StrBuf *json;     /* members for the JSON summary, each after ", " */
  const char *scope; /* set: what a complete search covered, after "every
                        interleaving" (" within the preemption bound") */
} StrategyReport;

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
  /* For --strategy NAME (STRAT_USER): what it does, in a line of help. */
  const char *summary;
  uint8_t flags; /* STRAT_* */
  /* Its command-line options, ending with a {NULL} entry; or NULL. */
  const StrategyOption *options;
  /* Say what the exploration shows (a bound, a scope); may be NULL. */
  void (*report)(const Strategy *s, StrategyReport *out);
} StrategyOps;

enum {
  STRAT_USER = 1 << 0,    /* chosen with --strategy (the others serve racesim itself) */
  STRAT_BY_SEED = 1 << 1, /* its run i depends only on i's seed: replayed by --seed */
  STRAT_TREE = 1 << 2,    /* an exhaustive search of the tree (explored by subtrees) */
  STRAT_RUN_LENGTH = 1 << 3 /* needs cfg.pct_steps, a run's length: 0 = measure it */
};

/* The common part of every strategy; implementations embed it first. */
struct Strategy {
  const StrategyOps *ops;
  StrategyConfig cfg;
  int complete;     /* exhaustive exploration finished within its bounds */
  uint64_t pruned;  /* runs abandoned as redundant */
  int pick_single;  /* call pick() also where only one thread can run */
  char err[256];    /* why a replay diverged */
};

/* Create the strategy registered as 'name'; NULL if there is none. */
Strategy *strategy_create(const char *name, const StrategyConfig *cfg);
/* Create a strategy of 'ops' (without the registry). */
Strategy *strategy_new(const StrategyOps *ops, const StrategyConfig *cfg);
void strategy_destroy(Strategy *s);
/* Names of the registered strategies, NULL-terminated. */
const char *const *strategy_names(void);
/* The strategy registered as 'name' (NULL if none), without making one. */
const StrategyOps *strategy_find(const char *name);
/* The names --strategy takes, "random, pct or dfs", for messages. */
const char *strategy_user_list(void);
/* The same joined by 'sep' ("random|pct|dfs"), leaving out those with
   any of the flags 'without'.  Returns 'buf'. */
const char *strategy_user_names(const char *sep, unsigned without, char *buf, size_t n);
/* The option 'name' of a user strategy, and the strategy (NULL if none). */
const StrategyOption *strategy_option(const char *name, const StrategyOps **owner);
/* The i-th registered strategy (NULL past the end), to list them. */
const StrategyOps *strategy_at(int i);
/* Store 'v' (checked against o->lo..hi by the caller) in 'cfg'. */
void strategy_option_set(const StrategyOption *o, StrategyConfig *cfg, int64_t v);

/* Default-initialised configuration. */
void strategy_config_init(StrategyConfig *cfg);

/*
** Splitting dfs into subtrees at fixed levels, for --shard.  The first levels of
** the tree (the first D decisions of every run) are explored in full, each
** thread a branch, with the sleep sets of the branches explored before it:
** every path through them is a subtree, a DfsTask, that a dfs strategy
** explores on its own (cfg.dfs_task).  Races found inside a subtree never
** need a backtrack point above it (those levels try every thread already),
** so the subtrees are independent: explored one after another or at the
** same time, in any order, they give the same runs.  D is the smallest
** depth with at least 'want' subtrees (or the whole tree).
**
** 'run' makes one run of the strategy it is given, as run 'index'
** (begin_run, the run, end_run) and returns 1, 0 if begin_run had nothing
** left, or -1 to stop (an error: the run's end and the strategy's err tell).
*/
typedef struct DfsTask DfsTask;
typedef int (*DfsRunFn)(void *ud, Strategy *s, uint64_t index);
typedef struct DfsTasks {
  DfsTask **v;
  size_t n;
  int depth;       /* D */
  uint64_t probes; /* runs made to find them */
  uint64_t pruned; /* redundant paths within the first D levels */
} DfsTasks;
int dfs_split(const StrategyConfig *cfg, size_t want, DfsRunFn run, void *ud, DfsTasks *out);
void dfs_tasks_free(DfsTasks *t);

/*
** Splitting dfs as it goes (strat_dfs.c, "planning"), for --jobs: no level
** is explored in full, so no run is made that one dfs would not make.  The
** plan's first task is the whole tree (dfs_plan_root).  After each round,
** in task order, dfs_plan_collect takes what a task found for the frozen
** levels (the races whose backtrack point is there) and, if 'split', cuts
** the task at its shallowest decision with branches left; dfs_plan_tasks
** then gives out the new tasks, in an order that depends on nothing but
** the runs (each costs a run to its next decision, by 'run', for the
** footprint that later tasks' sleep sets need).  A plan's task is
** explored with cfg.dfs_task as a subtree of dfs_split is.
*/
typedef struct DfsPlan DfsPlan;
DfsPlan *dfs_plan_new(const StrategyConfig *cfg);
void dfs_plan_free(DfsPlan *p);
DfsTask *dfs_plan_root(DfsPlan *p);
void dfs_plan_collect(DfsPlan *p, Strategy *task, int split);
int dfs_plan_tasks(DfsPlan *p, DfsRunFn run, void *ud, DfsTasks *out);
uint64_t dfs_plan_probes(const DfsPlan *p);
/* Has dfs explored all of its tree (or subtree)? */
int strategy_dfs_finished(const Strategy *s);
/* An estimate of the fraction of its tree (or subtree) dfs has explored:
   the runs it made over strategy_dfs_estimate, the runs it will take. */
double strategy_dfs_fraction(const Strategy *s);
double strategy_dfs_estimate(const Strategy *s);
uint64_t strategy_dfs_runs(const Strategy *s); /* made so far, not pruned */
/* Races whose reversal could not start where they were (diagnostics). */
uint64_t strategy_dfs_fallbacks(const Strategy *s);

/* The guided strategy (shrinking): where its last run preempted. */
uint32_t strategy_guided_preemptions(const Strategy *s, const uint32_t **idx);

#endif
