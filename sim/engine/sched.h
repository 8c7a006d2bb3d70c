/*
** sched.h - the scheduler: runs a scenario once under a strategy.  Each
** simulated thread is a Lua coroutine; before every visible operation it
** yields here with a description of that operation (a PendingOp), and the
** scheduler picks one enabled thread to perform its operation (step.h
** decides which).  Only this module resumes coroutines.
**
** This header is the engine's side of the scheduler, for the composition
** root (engine.c) alone: the explorer makes runs through engine.h, the
** primitives and the sandbox talk to the scheduler through prim.h.
*/
#ifndef RACESIM_SCHED_H
#define RACESIM_SCHED_H

#include <lua.h>
#include <stdatomic.h>
#include <stdint.h>

#include "detect.h"
#include "engine.h"
#include "object.h"
#include "run.h"
#include "sandbox.h"
#include "strategy.h"

/* What the scheduler is built from: the sandbox, and the primitives it
   offers (their globals, and the class of thread objects). */
typedef struct SchedParts {
  const SandboxOps *sandbox;
  void (*globals)(lua_State *L, int base);
  const ObjClass *thread_class;
} SchedParts;

/*
** Load the scenario and build the sandbox.  On failure returns NULL and a
** message in 'err' (a syntax error says file:line).
*/
Sim *sched_open(const SimConfig *cfg, const SchedParts *parts, char *err, size_t errlen);
void sched_close(Sim *s);

/* See engine_set_cut. */
void sched_set_cut(Sim *s, const atomic_int *flag, double deadline);
void sched_set_tick(Sim *s, void (*fn)(void *ud), void *ud);
void sched_set_op_sites(Sim *s, int on);

/*
** Execute run 'index' with run seed 'seed' under 'strat' (its begin_run
** done), feeding 'dets' (may be NULL).  The result is in sched_result(s):
** its trace, decisions, findings and end.
*/
void sched_run(Sim *s, Strategy *strat, DetectorSet *dets, uint64_t index, uint64_t seed);
SimRun *sched_result(Sim *s);

/* The script's text and digest. */
const char *sched_source(const Sim *s, size_t *len);
const char *sched_sha256(const Sim *s);

/* Peak Lua memory of the last run, bytes. */
size_t sched_mem_peak(const Sim *s);

/* The scenario API (SandboxOps.list_api). */
void sched_list_api(Sim *s, StrBuf *out);

/* A message for END_SETUP / END_DIVERGED runs. */
const char *sched_error(const Sim *s);

/* The name of -D parameter i if no run of this engine called param() for
   it (a typo on the command line?), else NULL. */
const char *sched_unused_param(const Sim *s, int i);
void sched_adopt_params(Sim *s, const Sim *other);

#endif
