/*
** lapi.h - helpers for the Lua bindings of the primitives: object handles,
** argument checks, and the error values of DESIGN.md section 3.
**
** A handle is a small userdata naming an object of the current run by id.
** Its user value slot 1 holds the object's Lua payload (a Shared variable's
** value, a Queue's items).  Bindings check every argument before they change
** any state, then raise error tables {type=..., message=...} (prim.h).
*/
#ifndef RACESIM_LAPI_H
#define RACESIM_LAPI_H

#include <lauxlib.h>
#include <lua.h>

#include "object.h"
#include "prim.h"
#include "util.h"

typedef struct Handle {
  uint32_t magic;
  uint32_t gen;
  int32_t oid;
} Handle;

/*
** Register a class: its metatable holds the methods (and __index getters
** for fields such as 'name' or 'parties').  'methods' may be NULL.
*/
void lapi_class(lua_State *L, const ObjClass *cls, const luaL_Reg *methods,
                lua_CFunction getfield);

/* Create a handle for object 'oid' of class 'cls' and push it. */
Handle *lapi_push_handle(lua_State *L, const ObjClass *cls, int32_t oid);

/* The object named by the handle at 'idx', if its class is one of 'cls'. */
SimObject *lapi_check(lua_State *L, int idx, const ObjClass *const *cls,
                      const char *what);
SimObject *lapi_check1(lua_State *L, int idx, const ObjClass *cls);
/* The object at 'idx', or NULL if the value is not a racesim handle. */
SimObject *lapi_to_object(lua_State *L, int idx);

/* A wrong-type argument: TypeError naming the function and argument. */
int lapi_type_error(lua_State *L, int arg, const char *fname,
                    const char *expected);

/* A constructor whose only argument is a name (Lock, RLock, Event): anything
   but a string or nil there is a TypeError, as Python's take no value. */
void lapi_only_name(lua_State *L, const char *fname);

/*
** A timeout argument: nil (or absent) means none; otherwise a number >= 0.
** Returns the absolute deadline in virtual time (INFINITY for none).
*/
double lapi_timeout(lua_State *L, int idx, const char *fname);
/* The same for a wait that threading makes through Condition.wait, where a
   negative timeout is no error: it gives up at once (deadline: now). */
double lapi_wait_timeout(lua_State *L, int idx, const char *fname);

/*
** Threads mode: does a wait of 't' seconds overflow what Python's lock
** waits take?  0 if not (and always in async mode: asyncio's timeouts are
** floats), else PEND_OVERFLOW, with PEND_OVERFLOW_TS when 't' is beyond
** _PyTime_t itself (inf, 1e100, TIMEOUT_MAX + 1) rather than beyond
** threading.TIMEOUT_MAX.  A negative 't' is checked only if 'negative'.
*/
unsigned lapi_overflow(lua_State *L, double t, int negative);
/* Raise Python's OverflowError for 'flags' (from lapi_overflow). */
int lapi_raise_overflow(lua_State *L, unsigned flags);

/* An optional boolean argument (nil/absent -> dflt). */
int lapi_optbool(lua_State *L, int idx, int dflt, const char *fname);

/*
** The optional trailing name of a constructor: if the argument at 'idx' is
** a string it is the name, else a default "<Kind>@<line>" is made.
*/
const char *lapi_objname(lua_State *L, int idx, const char *kind,
                         int32_t line, char *buf, size_t buflen);

/* Turn the Lua value at 'idx' into a SimValue (strings are copied, capped;
   a handle names its object). */
void lapi_value(lua_State *L, int idx, SimValue *out);

/* Create an object of the current run with a handle (pushed). */
SimObject *lapi_new_object(lua_State *L, const ObjClass *cls, int nameidx,
                           int32_t link);

#endif
