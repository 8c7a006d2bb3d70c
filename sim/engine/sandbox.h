/*
** sandbox.h - the sandbox a scenario runs in, as the scheduler sees it: a
** table of operations, so that the scheduler never calls into the sandbox
** by name.  scenario.c is the one sandbox (scenario_sandbox); the
** composition root (engine.c) hands it, and the primitives it is to offer,
** to sched_open.
**
** The sandbox builds the globals a scenario sees and compiles the scenario
** once; each run it pushes the compiled scenario with fresh globals.  It
** asks the scheduler for what it needs through prim.h, as a primitive does.
*/
#ifndef RACESIM_SANDBOX_H
#define RACESIM_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct Sandbox Sandbox;

typedef struct SandboxConfig {
  const char *script; /* the file name errors and call paths show */
  const char *source; /* its text */
  size_t source_len;
  int echo_print;     /* print() also writes to stdout */
  /* Register the primitives' globals (spawn, Lock, ...) into the table at
     'base' of L's stack. */
  void (*globals)(lua_State *L, int base);
} SandboxConfig;

typedef struct SandboxOps {
  /* Build the sandbox in L and compile the scenario.  NULL, with a message
     in 'err' (a syntax error says file:line), on failure. */
  Sandbox *(*open)(lua_State *L, const SandboxConfig *cfg, char *err, size_t errlen);
  /* Free what open made outside L (before L is closed). */
  void (*close)(Sandbox *sb);
  /* Push the compiled scenario, with a fresh globals table for a run. */
  void (*begin_run)(Sandbox *sb, lua_State *L);
  /* lua_Debug.source of the scenario's own functions (for call paths). */
  const char *(*chunk_source)(const Sandbox *sb);
  /* Every global of the sandbox and every method of every class, one per
     line ("global spawn", "method Lock:acquire"), sorted. */
  void (*list_api)(Sandbox *sb, lua_State *L, StrBuf *out);
  /* thread_main(fn, ...): the body of every thread, which runs fn and turns
     an error escaping it into an error value (sched_thread_error). */
  lua_CFunction thread_main;
  /* run_finally(list): call each finally() callback of a run in order. */
  lua_CFunction run_finally;
  /* Thread 'tid' was just made, by the thread running in L, to run the
     function at 'fn'. */
  void (*spawned)(Sandbox *sb, lua_State *L, int fn, int32_t tid);
  /* Thread 'tid' ended a step (its coroutine yielded or returned).  Returns
     NULL, or why the run must end with an error: the scenario broke a rule
     of the sandbox that nothing could refuse when it happened (as watch). */
  const char *(*stepped)(Sandbox *sb, lua_State *L, int32_t tid);
  /* Called in the running thread every thousand Lua instructions: NULL, or
     why the run must end now (the scheduler ends it as for its budget: the
     error cannot be caught).  Must not raise an error. */
  const char *(*watch)(Sandbox *sb, lua_State *L);
  /* The run is over (finally() callbacks done): add the sandbox's warnings
     to it (run.h: RunWarning). */
  void (*end_run)(Sandbox *sb, lua_State *L);
} SandboxOps;

extern const SandboxOps scenario_sandbox;

#endif
