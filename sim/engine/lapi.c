/*
** lapi.c - handles, argument checks and error values for the bindings.
*/
#include "lapi.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define HANDLE_MAGIC 0x52534831u /* "RSH1" */

/* __tostring of every handle: "Lock 'a'" */
static int handle_tostring(lua_State *L) {
  SimObject *o = lapi_to_object(L, 1);
  if (!o) return luaL_error(L, "racesim: stale object handle");
  SimRun *r = sched_run_of(L);
  lua_pushfstring(L, "%s '%s'", o->cls->kind, obj_name(r, o->id));
  return 1;
}

void lapi_class(lua_State *L, const ObjClass *cls, const luaL_Reg *methods,
                lua_CFunction getfield) {
  lua_newtable(L); /* metatable */
  lua_newtable(L); /* methods */
  if (methods) luaL_setfuncs(L, methods, 0);
  if (getfield) {
    /* __index = function(h, k) return methods[k] or getfield(h, k) end */
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__methods");
    lua_pushcclosure(L, getfield, 1);
  }
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, handle_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushfstring(L, "racesim.%s", cls->kind);
  lua_setfield(L, -2, "__name");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable"); /* scenarios cannot change it */
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, cls);
  /* remember the class by name, for the API listing */
  if (lua_getfield(L, LUA_REGISTRYINDEX, "racesim.classes") != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "racesim.classes");
  }
  lua_insert(L, -2);
  lua_setfield(L, -2, cls->kind);
  lua_pop(L, 1);
}

Handle *lapi_push_handle(lua_State *L, const ObjClass *cls, int32_t oid) {
  Handle *h = lua_newuserdatauv(L, sizeof(Handle), 1);
  h->magic = HANDLE_MAGIC;
  h->gen = sched_generation(L);
  h->oid = oid;
  lua_rawgetp(L, LUA_REGISTRYINDEX, cls);
  SIM_CHECK(lua_istable(L, -1));
  lua_setmetatable(L, -2);
  return h;
}

SimObject *lapi_to_object(lua_State *L, int idx) {
  Handle *h = lua_touserdata(L, idx); /* (NULL for any other type) */
  if (!h || lua_rawlen(L, idx) != sizeof(Handle)) return NULL; /* (0 for a light one) */
  SimRun *r = sched_run_of(L);
  if (h->magic != HANDLE_MAGIC || h->gen != sched_generation(L) || h->oid < 0 ||
      h->oid >= r->nobjs)
    return NULL;
  return &r->objs[h->oid];
}

static const char *type_of(lua_State *L, int idx) {
  SimObject *o = lapi_to_object(L, idx);
  return o ? o->cls->kind : luaL_typename(L, idx);
}

SimObject *lapi_check(lua_State *L, int idx, const ObjClass *const *cls,
                      const char *what) {
  SimObject *o = lapi_to_object(L, idx);
  if (o)
    for (int i = 0; cls[i]; i++)
      if (o->cls == cls[i]) return o;
  /* a method called with '.' finds its first argument where its object
     should be; a wrong object given as an argument is no such mistake */
  int dot = idx == 1 && !o;
  return sched_raise(L, "TypeError", "%s expected, got %s%s", what, type_of(L, idx),
                     dot ? " (call methods with ':')" : ""),
         NULL;
}

SimObject *lapi_check1(lua_State *L, int idx, const ObjClass *cls) {
  const ObjClass *one[2] = {cls, NULL};
  return lapi_check(L, idx, one, cls->kind);
}

int lapi_type_error(lua_State *L, int arg, const char *fname,
                    const char *expected) {
  /* a method's arguments are counted after its object, as the call reads
     (q:get(true, "x"): argument 2 is "x") and as Lua's own messages count */
  int shown = arg > 1 && lapi_to_object(L, 1) ? arg - 1 : arg;
  return sched_raise(L, "TypeError", "%s: argument %d must be %s, not %s", fname,
                    shown, expected, type_of(L, arg));
}

void lapi_only_name(lua_State *L, const char *fname) {
  if (lua_gettop(L) > 1)
    sched_raise(L, "TypeError", "%s() takes at most a name (%d arguments given)", fname,
                lua_gettop(L));
  if (!lua_isnoneornil(L, 1) && lua_type(L, 1) != LUA_TSTRING)
    lapi_type_error(L, 1, fname, "a name (a string)");
}

double lapi_timeout(lua_State *L, int idx, const char *fname) {
  if (lua_isnoneornil(L, idx)) return INFINITY;
  if (lua_type(L, idx) != LUA_TNUMBER)
    return lapi_type_error(L, idx, fname, "a number of seconds or nil"), 0;
  double t = lua_tonumber(L, idx);
  if (isnan(t) || t < 0)
    return sched_arg_error(L, "%s: timeout value must be a non-negative number",
                      fname),
           0;
  return sched_run_of(L)->vtime + t;
}

/* threading.TIMEOUT_MAX on POSIX: PY_TIMEOUT_MAX (LLONG_MAX / 1000)
   microseconds; and 2**63 nanoseconds, where _PyTime_t ends. */
#define TIMEOUT_MAX_US 9223372036854775.0
#define PYTIME_END_NS 9223372036854775808.0

unsigned lapi_overflow(lua_State *L, double t, int negative) {
  if (sched_run_of(L)->mode != MODE_THREADS || isnan(t) || (t < 0 && !negative)) return 0;
  if (fabs(t) * 1e9 >= PYTIME_END_NS) return PEND_OVERFLOW | PEND_OVERFLOW_TS;
  return ceil(t * 1e6) > TIMEOUT_MAX_US ? PEND_OVERFLOW : 0;
}

int lapi_raise_overflow(lua_State *L, unsigned flags) {
  return sched_raise(L, "OverflowError", "%s",
                     (flags & PEND_OVERFLOW_TS) ? "timestamp too large to convert to C _PyTime_t"
                                                : "timeout value is too large");
}

double lapi_wait_timeout(lua_State *L, int idx, const char *fname) {
  if (lua_type(L, idx) == LUA_TNUMBER && lua_tonumber(L, idx) < 0) return sched_run_of(L)->vtime;
  return lapi_timeout(L, idx, fname);
}

int lapi_optbool(lua_State *L, int idx, int dflt, const char *fname) {
  if (lua_isnoneornil(L, idx)) return dflt;
  if (!lua_isboolean(L, idx)) return lapi_type_error(L, idx, fname, "a boolean");
  return lua_toboolean(L, idx);
}

/*
** The name the scenario's own line gives the object made there: `local q =
** Queue()` names it "q", `forks[i] = Lock()` "forks[3]" (i's value, read
** from the calling frame).  0 on success.
*/
static int assigned_name(lua_State *L, const char *kind, int32_t line, char *buf, size_t n) {
  const FuncNames *fn = sched_run_of(L)->fnames;
  char name[80], index[48];
  if (funcnames_assigned_name(fn, line, kind, name, sizeof name, index, sizeof index) != 0) {
    size_t len;
    const char *text = funcnames_line(fn, line, &len);
    if (!text) return -1;
    /* local a, b = Lock(), Lock(): the k-th object this thread makes on the
       line is the k-th name (the line makes them all, in order) */
    char names[8][80];
    int count = source_assigned_list(text, len, names, 8);
    if (count < 2) return -1;
    SimRun *r = sched_run_of(L);
    int made = 0;
    for (int32_t i = 0; i < r->nobjs; i++)
      made += r->objs[i].line == line && r->objs[i].creator == r->cur;
    return snprintf(buf, n, "%s", names[made % count]) >= (int)n ? -1 : 0;
  }
  if (!index[0]) {
    if (strlen(name) >= n) return -1;
    util_copy(buf, n, name);
    return 0;
  }
  if (index[0] == '"' || index[0] == '\'' || isdigit((unsigned char)index[0]))
    return snprintf(buf, n, "%s[%s]", name, index) >= (int)n ? -1 : 0;
  lua_Debug ar; /* an index variable: its value in the frame that made it */
  if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "l", &ar) || ar.currentline != line) return -1;
  int rc = -1;
  const char *local;
  for (int i = 1; (local = lua_getlocal(L, &ar, i)) != NULL; i++) {
    if (!strcmp(local, index)) { /* the innermost of that name wins: keep looking */
      if (lua_isinteger(L, -1))
        rc = snprintf(buf, n, "%s[%lld]", name, (long long)lua_tointeger(L, -1)) >= (int)n ? -1 : 0;
      else if (lua_type(L, -1) == LUA_TSTRING)
        rc = snprintf(buf, n, "%s[\"%s\"]", name, lua_tostring(L, -1)) >= (int)n ? -1 : 0;
      else rc = -1;
    }
    lua_pop(L, 1);
  }
  return rc;
}

const char *lapi_objname(lua_State *L, int idx, const char *kind,
                         int32_t line, char *buf, size_t buflen) {
  if (idx != 0 && lua_type(L, idx) == LUA_TSTRING) { /* (0: no name argument) */
    const char *s = lua_tostring(L, idx);
    if (*s) return s;
  }
  /* Default: the variable it is assigned to, else Kind@LINE, and #k for the
     k-th of one name that one thread makes: the same object has the same
     name whatever the interleaving (two threads running the same code make
     objects of the same name: the same code, as signatures see it). */
  SimRun *r = sched_run_of(L);
  char base[128];
  if (assigned_name(L, kind, line, base, sizeof base) != 0) { /* Kind@LINE */
    size_t k = util_copy(base, sizeof base, kind);
    util_fmt_dec(base + k, sizeof base - k, "@", line);
  }
  uint32_t same = run_name_uses(r, r->cur, base, strlen(base));
  size_t at = util_copy(buf, buflen, base);
  if (same) util_fmt_dec(buf + at, buflen - at, "#", (long long)same + 1);
  return buf;
}

SimObject *lapi_new_object(lua_State *L, const ObjClass *cls, int nameidx,
                           int32_t link) {
  char buf[160]; /* a name of up to 127, and #k */
  int32_t line = sched_line(L);
  const char *name = lapi_objname(L, nameidx, cls->kind, line, buf, sizeof buf);
  SimRun *r = sched_run_of(L);
  SimObject *o = run_new_object(r, cls, name, line, link);
  int32_t oid = o->id;
  lapi_push_handle(L, cls, oid);
  return &r->objs[oid]; /* re-fetch: pushing may not move objs, but be safe */
}

void lapi_value(lua_State *L, int idx, SimValue *out) {
  switch (lua_type(L, idx)) {
  case LUA_TNONE:
  case LUA_TNIL: out->tag = VAL_NIL; break;
  case LUA_TBOOLEAN:
    out->tag = VAL_BOOL;
    out->u.i = lua_toboolean(L, idx);
    break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      out->tag = VAL_INT;
      out->u.i = (int64_t)lua_tointeger(L, idx);
    } else {
      out->tag = VAL_NUM;
      out->u.d = lua_tonumber(L, idx);
    }
    break;
  case LUA_TSTRING: {
    size_t n;
    const char *str = lua_tolstring(L, idx, &n);
    if (n > 60) n = 60;
    out->tag = VAL_STR;
    out->u.s.off = run_text(sched_run_of(L), str, n);
    out->u.s.len = (uint32_t)n;
    break;
  }
  case LUA_TTABLE: out->tag = VAL_TABLE; break;
  case LUA_TUSERDATA: {
    SimObject *o = lapi_to_object(L, idx);
    if (o) {
      out->tag = VAL_OBJ;
      out->u.i = o->id;
      break;
    }
  }
  /* fallthrough */
  default: out->tag = VAL_OTHER; break;
  }
}
