/*
** sync.h - the simulated primitives, one file each: semantics first (plain
** C on the primitive's state), Lua binding last.  A primitive reaches the
** engine only through sim/engine/prim.h (perform an operation, record its
** event, raise an error value, make a choice), the waiting core
** (sim/core/wait.h: who waits, waking them), the binding helpers
** (sim/engine/lapi.h) and sim/core/object.h (its ObjClass).
*/
#ifndef RACESIM_SYNC_H
#define RACESIM_SYNC_H

#include <lua.h>

#include "object.h"

struct luaL_Reg; /* lauxlib.h */

/* Register every primitive's globals into the table at 'base'. */
void sync_open(lua_State *L, int base);

void thread_open(lua_State *L, int base);
void shared_open(lua_State *L, int base);
void lock_open(lua_State *L, int base);
void condition_open(lua_State *L, int base);
void event_open(lua_State *L, int base);
void barrier_open(lua_State *L, int base);
void queue_open(lua_State *L, int base);
/* The methods written in Lua (sync/prelude.lua); after the classes exist. */
void prelude_open(lua_State *L, int base);

extern const ObjClass thread_class;
extern const ObjClass shared_class, shared_table_class;
extern const ObjClass lock_class, rlock_class, semaphore_class,
    bounded_semaphore_class;
extern const ObjClass condition_class;
extern const ObjClass event_class;
extern const ObjClass barrier_class;
extern const ObjClass queue_class;

/* The lock-like classes, NULL-terminated (Lock, RLock, Semaphore, ...). */
extern const ObjClass *const lock_family[];

/*
** The lock core, shared with Condition: can thread 'tid' take 'o' now, and
** take/give it (recording events).  See lock.c.
*/
int lock_can_take(const SimRun *r, const SimObject *o, int32_t tid);
/* Is 'o' held in the sense of Condition's ownership check? */
int lock_is_owned(const SimObject *o, int32_t tid);
/* The state an event on 'o' saw (SimEvent.snap), for partial-order reduction. */
int64_t lock_snapshot(const SimObject *o);
/* Release 'o' fully for a Condition wait; returns the recursion count. */
int32_t lock_release_all(lua_State *L, SimObject *o, int op_flags);
/* Re-take 'o' with recursion count 'count' (after a Condition wait). */
void lock_take_count(lua_State *L, SimObject *o, int32_t count, int op_flags);

/* Push the methods table of a class (to add methods written in Lua). */
void sync_methods(lua_State *L, const ObjClass *cls);

/* Register 'cls' with the lock methods (acquire, release, locked, hold,
   __close) plus 'extra'; used by Condition, whose lock methods act on its
   lock. */
void lock_register(lua_State *L, const ObjClass *cls, const struct luaL_Reg *extra);
/* A lock that has no handle of its own (a Condition's default lock). */
SimObject *lock_new_internal(lua_State *L, const char *name, int reentrant);

#endif
