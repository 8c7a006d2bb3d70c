/*
** engine.h - a compiled scenario that makes runs: the explorer's view of
** the engine.  Plain C: nothing of Lua or of the scheduler shows here.
**
**   Sim *e = engine_open(&cfg, err, sizeof err);
**   SimRun *r = engine_run(e, strategy, detectors, i, i);  (run i, again and again)
**   engine_close(e);
**
** engine_run is the only way to make a run: it asks the strategy for the
** run's seed, runs the scenario under it with the detectors given, and
** tells the strategy how the run went.  The engine keeps no strategy or
** detectors between runs.
*/
#ifndef RACESIM_ENGINE_H
#define RACESIM_ENGINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "run.h"
#include "strategy.h"
#include "util.h"

typedef struct Param {
  char *name, *value;
  int used;
} Param;

/* Everything that shapes a run, besides the strategy's choices. */
typedef struct SimConfig {
  const char *script;     /* path as the user gave it */
  const char *source;     /* the scenario's text, if not read from 'script' */
  size_t source_len;
  uint32_t max_steps;     /* per run */
  uint64_t max_instructions; /* Lua instructions per step */
  size_t max_memory;      /* bytes of Lua memory */
  int echo_print;         /* print() writes to stdout (replay) */
  Param *params;          /* -D NAME=VALUE */
  int nparams;
} SimConfig;

#define SIM_DEFAULT_MAX_STEPS 100000u
#define SIM_DEFAULT_MAX_INSTRUCTIONS 10000000u
#define SIM_DEFAULT_MAX_MEMORY ((size_t)256 << 20)

typedef struct Sim Sim;

/*
** Load and compile the scenario, build the sandbox.  On failure returns NULL
** and a message in 'err' (a syntax error says file:line).
*/
Sim *engine_open(const SimConfig *cfg, char *err, size_t errlen);
void engine_close(Sim *e);

/*
** Make the strategy's run 'i', numbered 'number' in the exploration (the
** same but for a search that replays one run, such as shrinking), watched
** by 'dets' (NULL: no detectors).  Returns the run, valid until the next;
** NULL if the strategy has no run left.
*/
SimRun *engine_run(Sim *e, Strategy *s, DetectorSet *dets, uint64_t i, uint64_t number);
/* The last run made. */
SimRun *engine_result(Sim *e);
/* Move the last run made into 'out' (run_take): the engine reuses out's
   memory for its next run. */
void engine_take_run(Sim *e, SimRun *out);
/* Why the last run failed before any thread (END_SETUP) or diverged: the
   strategy's word if it has one, else the engine's. */
const char *engine_error(const Sim *e, const Strategy *s);

/*
** Cut runs short when '*flag' becomes non-zero (a signal) or the wall clock
** (util_now) passes 'deadline' (0: no deadline): checked every thousand Lua
** instructions and every few thousand steps, so that Ctrl-C or --time-limit
** stops even a run that would take hours.  A cut run ends END_CUT: it is not
** a result, and explorations drop it.
*/
void engine_set_cut(Sim *e, const atomic_int *flag, double deadline);

/*
** Call 'fn(ud)' now and then while a run runs (every 256 steps, and every
** million or so Lua instructions within a step): the explorer commits its
** trace database's batch there, so that a long run does not hold the file
** from other writers.  NULL: none.
*/
void engine_set_tick(Sim *e, void (*fn)(void *ud), void *ud);

/*
** Take the call path of every operation (the default), or its line only
** (SimRun.op_sites says which): the path costs about a tenth of a step, and
** an exploration needs it only for the few runs it tells or records, which
** it replays with it (explore_merge.c).  The runs are the same either way.
*/
void engine_set_op_sites(Sim *e, int on);

/* The script's text and digest. */
const char *engine_source(const Sim *e, size_t *len);
const char *engine_sha256(const Sim *e);
/* Peak Lua memory of the last run, bytes. */
size_t engine_mem_peak(const Sim *e);
/* The scenario API, one line per global and method. */
void engine_list_api(Sim *e, StrBuf *out);
/* The name of -D parameter i if no run of this engine read it, else NULL. */
const char *engine_unused_param(const Sim *e, int i);
/* Count the parameters runs of 'other' (another thread's engine) read as read by e's. */
void engine_adopt_params(Sim *e, const Sim *other);

#endif
