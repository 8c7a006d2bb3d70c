/*
** prim.h - the scheduler's op protocol: what the primitives in sync/ and the
** sandbox (scenario.c) may ask of the engine, and nothing more.  A visible
** operation is performed with sched_op (the thread blocks until its object
** says it may proceed, or its deadline passes), recorded with sched_event,
** and may wake the threads that wait on an object (the waiting core,
** wait.h); data choices go through sched_choose.  The engine's
** state (struct Sim), its strategies and its detectors are not visible
** here: a primitive sees the run (run.h) and its own ObjClass (object.h).
*/
#ifndef RACESIM_PRIM_H
#define RACESIM_PRIM_H

#include <lua.h>
#include <stdint.h>

#include "object.h"
#include "prng.h"
#include "run.h"
#include "wait.h"
/* The run the calling Lua state is making. */
SimRun *sched_run_of(lua_State *L);
/* The run's generation, stamped in handles: a handle kept from an earlier
   run (in a global of the real state, say) names nothing. */
uint32_t sched_generation(lua_State *L);
/* The thread performing the current operation. */
SimThread *sched_self(lua_State *L);

/*
** Perform a visible operation of the calling thread.  In threads mode (and
** in async mode when the operation must wait, or is a yield or sleep) the
** thread yields to the scheduler and 'k' runs once the scheduler has picked
** it; otherwise 'k' runs at once.  The operation's object must be able to
** say whether 'op' can proceed (ObjClass.ready).  Returns what 'k' returns.
*/
int sched_op(lua_State *L, const PendingOp *op, lua_KFunction k,
             lua_KContext ctx);

/* Inside 'k': did the operation proceed only because its deadline passed? */
int sched_timed_out(lua_State *L);

/* Record an event of the calling thread at its operation's source line. */
SimEvent *sched_event(lua_State *L, int op, int32_t obj);
/* Record an event that is not the thread's pending operation (inline). */
SimEvent *sched_event_here(lua_State *L, int op, int32_t obj);


/* A data choice in [0, n): the strategy decides and the schedule records it. */
uint32_t sched_choose(lua_State *L, uint32_t n);

/* The scenario source line the calling thread is at (0 if unknown). */
int32_t sched_line(lua_State *L);
/* The same line, and the call path that led to it (run->sites) in *site. */
int32_t sched_where(lua_State *L, int32_t *site);
/* Name one of racesim's helpers written in Lua (the function at idx), for
   the call paths that pass through it: "with", "wait_for". */
void sched_name_helper(lua_State *L, int idx, const char *name);
/* obj:with caught the error at idx where it was raised: remember where. */
void sched_mark_raise(lua_State *L, int idx);
/* Forget the calling thread's mark (before code whose raise it will look for). */
void sched_clear_mark(lua_State *L);
/* An error (at idx) is escaping the current thread: note where it was
   raised (t->err_line, t->err_site), from here or from sched_mark_raise. */
void sched_where_raised(lua_State *L, int idx);

/* The math.random stream of the calling thread. */
Prng *sched_rng(lua_State *L);

/* Push the current run's table of thread handles, [tid + 1] = handle (the
   thread primitive fills it: one handle per thread in a run). */
void sched_push_handles(lua_State *L);

/*
** Create a thread running the function below 'nargs' arguments on top of the
** stack (both popped); 'name' NULL gives Thread-N (Task-N in async mode).
*/
int32_t sched_spawn(lua_State *L, const char *name, int nargs, int daemon);
/* Has this run a second thread yet (before it, the scenario is setting up)? */
int sched_spawned(lua_State *L);
/* Is the run being stopped (its instruction budget spent, a signal, the
   time limit)?  Then no error may be caught: the run must end. */
int sched_stopping(lua_State *L);
/* finally(fn): call the function at 'idx' once the run's threads are done,
   as the main thread (after every earlier one). */
void sched_add_finally(lua_State *L, int idx);
/* An error (at idx) escaped a thread's function: end the thread with it
   (a finding, or a broken scenario before the first spawn). */
void sched_thread_error(lua_State *L, int idx);


/*
** Raise an error value (DESIGN.md section 3): a table {type = "RuntimeError",
** message = ..., line = ...} that prints as "RuntimeError: ...".  Never
** returns.
*/
int sched_raise(lua_State *L, const char *type, const char *fmt, ...) UTIL_PRINTF(3, 4);
/*
** Raise ValueError for a bad argument value (Semaphore(-1), sleep(-1)...):
** before the first spawn it means the scenario is broken (exit 2), where a
** ValueError the program raises by its own doing is a finding.
*/
int sched_arg_error(lua_State *L, const char *fmt, ...) UTIL_PRINTF(2, 3);
/* Push (without raising) an error table. */
void sched_push_error(lua_State *L, const char *type, const char *msg);

/* Scenario parameter lookup (-D): NULL if not given. */
const char *sched_param(lua_State *L, const char *name);

#endif
