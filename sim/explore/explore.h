/*
** explore.h - an exploration: many runs of one scenario under a strategy,
** their findings merged by signature, every run recorded in the trace
** database, and a summary (human or JSON).  Used by `racesim run`,
** `racesim replay` and `racesim check`.
*/
#ifndef RACESIM_EXPLORE_H
#define RACESIM_EXPLORE_H

#include <stdint.h>

#include "detect.h"
#include "engine.h"
#include "finding.h"
#include "lockgraph.h"

enum { RECORD_NONE, RECORD_FAILING, RECORD_ALL };
/* --record failing: events of the first 10 failing runs of each signature */
#define EXPLORE_RECORD_KEEP 10

/* Which command explores: run (then shrinks the bugs and confirms
   lock-order cycles), replay (one run, shown step by step), or check. */
typedef enum { EXPLORE_RUN, EXPLORE_REPLAY, EXPLORE_CHECK } ExploreCommand;

typedef struct ExploreOptions {
  ExploreCommand command;
  const char *prog;    /* racesim as invoked, for the commands printed (or NULL) */
  const char *script;
  const char *strategy; /* random, pct, dfs */
  uint64_t runs;        /* run budget (a cap for dfs) */
  int has_seed;
  uint64_t seed;        /* run: the base seed; replay: the run seed */
  StrategyConfig strategy_cfg; /* the strategies' own options (--depth, ...) */
  uint32_t max_steps;
  uint64_t max_instructions;
  size_t max_memory;
  double time_limit; /* seconds, 0 = none */
  const char *db;    /* NULL: no database */
  int record;           /* RECORD_*: whose events the database gets ... */
  uint64_t record_keep; /* ... failing: of the first this many runs of each signature */
  int jobs;
  uint32_t shard, nshards;
  int stop_first, json, quiet, no_shrink, echo;
  int strict;           /* state racesim cannot see is an error (exit 2) */
  uint64_t shrink_runs; /* --shrink-budget: runs per bug ... */
  double shrink_seconds; /* ... and seconds */
  const char *schedule; /* replay --schedule */
  const char *lock_graph; /* write the lock-order graph (dot) here */
  const char *detectors;  /* comma list of detectors, "none", or NULL for all */
  Param *params;
  int nparams;
  int max_findings_shown;
} ExploreOptions;

/*
** State the threads share that racesim cannot see (a plain Lua local
** captured by several threads, a global written by threads), or numbers a
** dfs run drew from math.random: said once per variable, from the first
** run that showed it.
*/
typedef struct ExploreWarning {
  uint64_t sig;
  int kind;          /* WARN_LOCAL, WARN_GLOBAL, WARN_RANDOM (run.h) */
  char *name, *msg;
  uint64_t runs, first_run; /* first_run: the run whose words are kept */
  uint32_t writers;
} ExploreWarning;

typedef struct WarningList {
  ExploreWarning *v;
  size_t n, cap;
} WarningList;

void warnings_free(WarningList *w);

/* What an exploration found, for callers such as `racesim check`. */
typedef struct ExploreResult {
  uint64_t runs, steps, pruned;
  int complete, interrupted;
  int status; /* exit status: 0 clean, 1 findings, 2 error, 130/143 signal */
  char expect[256]; /* the scenario's expect list, "a,b" */
  char mode[16];
  FindingStore findings;
  WarningList warnings; /* the caller frees them with warnings_free */
  char err[1024];
} ExploreResult;

void explore_options_init(ExploreOptions *o);

/* Run the exploration and print its outcome; returns the exit status. */
int explore_main(const ExploreOptions *o);

/*
** Run it and fill 'res' without printing (for check); the caller frees
** res->findings with finding_free.
*/
int explore_collect(const ExploreOptions *o, ExploreResult *res);

/* A lock as cycles are compared: its table's name, or its own (bug.h). */
uint64_t explore_lock_hash(const char *name);

/*
** Cycle i of 'g' (lockgraph_cycles) as a new potential_deadlock observation
** of 'fs': its locks, message, and the run that completed it (no schedule
** or replay: the caller adds them).
*/
Distinct *explore_cycle_observation(FindingStore *fs, const LockGraph *g, size_t i);

/* Parameters from "name=value" lines (a token's), into a new array; returns how many. */
int explore_params_from_text(const char *text, Param **out);

/*
** A directed search toward the lock-order cycle over locks 'names' (each
** taken at 'lines'): up to EXPLORE_DIRECTED_RUNS runs of 'sim', steered to
** take them in the cycle's orders.  The first run that deadlocked on one of
** them (valid until the next run of 'sim'), or NULL; '*tries' is how many
** runs were made.  racesim run confirms its potential deadlocks with it, and
** racesim merge those that only the shards' edges together show.
*/
#define EXPLORE_DIRECTED_RUNS 300
SimRun *explore_directed_search(Sim *sim, DetectorSet *dets, uint64_t base_seed,
                                const char **names, const int32_t *lines, int n,
                                uint64_t *tries);

#endif
