/*
** sched.h - the scheduler: runs a scenario once under a strategy.  Each
** simulated thread is a Lua coroutine; before every visible operation it
** yields here with a description of that operation (a PendingOp), and the
** scheduler picks one enabled thread to perform its operation.  Only this
** module resumes coroutines.  The explorer does not include this header:
** it makes runs through engine.h.
**
** The second half of this header is the interface of the primitives in
** sync/: perform a visible operation, record its event, wake a thread, make
** a data choice.
*/
#ifndef RACESIM_SCHED_H
#define RACESIM_SCHED_H

#include <lua.h>
#include <stdatomic.h>
#include <stdint.h>

#include "detect.h"
#include "engine.h"
#include "object.h"
#include "prng.h"
#include "run.h"
#include "strategy.h"


/*
** Load and compile the scenario, build the sandbox.  On failure returns NULL
** and a message in 'err' (a syntax error says file:line).
*/
Sim *sched_open(const SimConfig *cfg, char *err, size_t errlen);
void sched_close(Sim *s);

void sched_set_strategy(Sim *s, Strategy *strat);

/*
** Cut a run short when '*flag' becomes non-zero (a signal) or the wall clock
** (util_now) passes 'deadline' (0: no deadline): checked every thousand Lua
** instructions and every few thousand steps, so that Ctrl-C or --time-limit
** stops even a run that would take hours.  The run ends END_CUT: it is not
** a result, and explorations drop it.
*/
void sched_set_cut(Sim *s, const atomic_int *flag, double deadline);
void sched_set_detectors(Sim *s, DetectorSet *dets);

/*
** Execute run 'index' with run seed 'seed' under the current strategy.  The
** result is in sched_result(s): its trace, decisions, findings and end.
*/
void sched_run(Sim *s, uint64_t index, uint64_t seed);
SimRun *sched_result(Sim *s);

/* The script's text and digest. */
const char *sched_source(const Sim *s, size_t *len);
const char *sched_sha256(const Sim *s);

/* Peak Lua memory of the last run, bytes. */
size_t sched_mem_peak(const Sim *s);

/* The scenario API, one line per global and method (for the editor
   definitions' test). */
void sched_list_api(Sim *s, StrBuf *out);

/* A message for END_SETUP / END_DIVERGED runs. */
const char *sched_error(const Sim *s);

/* ---- interface for the primitives (sync/) ----------------------------- */

/* The engine driving the calling Lua state. */
Sim *sched_sim(lua_State *L);
SimRun *sched_run_of(lua_State *L);
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

/* Mark 't's pending operation as signalled by event 'ev' (notify, set...). */
void sched_wake(SimRun *r, SimThread *t, int32_t ev);

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
/* An error (at idx) is escaping the current thread: note where it was
   raised (t->err_line, t->err_site), from here or from sched_mark_raise. */
void sched_where_raised(lua_State *L, int idx);

/* The math.random stream of the calling thread. */
Prng *sched_rng(lua_State *L);

/* The class of thread objects (registered by sync/thread.c). */
void sched_register_thread_class(lua_State *L, const ObjClass *cls);

/* Push the handle of thread 'tid' (the same handle every time in a run). */
void sched_push_thread_handle(lua_State *L, int32_t tid);

/*
** Create a thread running the function below 'nargs' arguments on top of the
** stack (both popped); 'name' NULL gives Thread-N (Task-N in async mode).
*/
int32_t sched_spawn(lua_State *L, const char *name, int nargs, int daemon);

/* Turn the Lua value at 'idx' into a SimValue (strings are copied, capped). */
void sched_value(lua_State *L, int idx, SimValue *out);

/* Scenario parameter lookup (-D): NULL if not given. */
const char *sched_param(lua_State *L, const char *name);
/* The name of -D parameter i if no run of this engine called param() for
   it (a typo on the command line?), else NULL. */
const char *sched_unused_param(const Sim *s, int i);

#endif
