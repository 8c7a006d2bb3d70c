/*
** thread.c - threads and time: spawn, join, is_alive, yield, sleep, now,
** current_thread.  Python's threading.Thread semantics: join(timeout)
** returns nothing (check is_alive() afterwards); joining oneself raises
** RuntimeError.  Each thread has an object of this class (its 'link' is the
** thread id), on which its end and every join are recorded.
*/
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "lapi.h"
#include "sync.h"

typedef struct ThreadState {
  int32_t fn_line; /* where the thread's function is defined, 0 if unknown */
} ThreadState;

OBJ_STATE_TYPE(ThreadState);
#define THS(o) OBJ_STATE(ThreadState, o)

/* ---- semantics -------------------------------------------------------- */

static int32_t target_of(const SimObject *o) { return o->link; }

static int finished(const SimRun *r, const SimObject *o) {
  const SimThread *t = &r->threads[target_of(o)];
  return t->state == TS_DONE || t->state == TS_KILLED;
}

static int thread_ready(const SimRun *r, const SimObject *o, const SimThread *t) {
  (void)t;
  return finished(r, o);
}

static int32_t thread_waits_for(const SimRun *r, const SimObject *o,
                                const SimThread *t) {
  (void)r, (void)t;
  return target_of(o);
}

static const char *thread_explain(const SimRun *r, const SimObject *o,
                                  const int32_t *tids, int n, StrBuf *out,
                                  int32_t *because) {
  (void)tids, (void)because;
  sb_printf(out, "%s in join() for %s, which never finishes",
            obj_verb(n, "waits", "wait"), thread_name(r, target_of(o)));
  return NULL;
}

/*
** A thread is known by its spawn site and the function it runs, not by its
** name or its place in the spawn order: the workers of a pool spawned in a
** loop are one site, and a stuck state is the same whichever of them was
** left behind.
*/
static uint64_t thread_site(const SimRun *r, const SimObject *o) {
  (void)r;
  uint64_t h = util_fnv_u64(UTIL_FNV_INIT, 0x746872656164ULL); /* "thread" */
  h = util_fnv_u64(h, (uint64_t)(int64_t)o->line);
  return util_fnv_u64(h, (uint64_t)(int64_t)THS(o)->fn_line);
}

/* A join could proceed before 'before' only if the thread had ended. */
static int thread_enabled_before(const SimEvent *e, const SimEvent *ev, uint32_t before) {
  (void)e;
  return ev[before].op != OP_END && ev[before].snap != 0;
}

const ObjClass thread_class = {"Thread", thread_ready, thread_waits_for,
                               thread_explain, thread_enabled_before, 0, 0, thread_site, 0};

/* ---- bindings ------------------------------------------------------- */

/* ctx: index of the function | daemon << 8 */
/* Push the handle of thread 'tid': the same one every time in a run (made
   once, kept in the run's table of handles). */
static void push_handle(lua_State *L, int32_t tid) {
  sched_push_handles(L);
  if (lua_rawgeti(L, -1, tid + 1) == LUA_TNIL) {
    lua_pop(L, 1);
    lapi_push_handle(L, &thread_class, sched_run_of(L)->threads[tid].obj);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, tid + 1);
  }
  lua_remove(L, -2);
}

static int spawn_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  int fn = (int)(ctx & 0xff), daemon = (int)(ctx >> 8);
  const char *name = fn == 2 ? lua_tostring(L, 1) : NULL;
  int nargs = lua_gettop(L) - fn;
  lua_Debug ar;
  lua_pushvalue(L, fn);
  lua_getinfo(L, ">S", &ar);
  int32_t tid = sched_spawn(L, name, nargs, daemon);
  SimRun *r = sched_run_of(L);
  THS(&r->objs[r->threads[tid].obj])->fn_line = ar.linedefined > 0 ? ar.linedefined : 0;
  SimEvent *e = sched_event(L, OP_SPAWN, -1);
  e->aux = tid;
  e->value.tag = VAL_THREAD;
  e->value.u.i = tid;
  push_handle(L, tid);
  return 1;
}

/*
** spawn{fn, arg..., name = "x", daemon = true}: the table form, like
** Python's Thread(target=..., args=..., name=..., daemon=...).  Rewrites the
** stack into the positional form: [name,] fn, args.
*/
static int spawn_table(lua_State *L, int *daemon) {
  luaL_checkstack(L, 64, "spawn");
  lua_settop(L, 1);
  static const char *const known[] = {"name", "daemon", NULL};
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) {
      int ok = 0;
      for (int i = 0; known[i]; i++) ok |= !strcmp(lua_tostring(L, -1), known[i]);
      if (!ok)
        return sched_raise(L, "TypeError", "spawn{}: unknown field '%s' (name, daemon)",
                          lua_tostring(L, -1));
    }
  }
  lua_getfield(L, 1, "daemon");
  *daemon = lua_toboolean(L, -1);
  lua_pop(L, 1);
  int has_name = lua_getfield(L, 1, "name") == LUA_TSTRING;
  if (!has_name) lua_pop(L, 1);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  if (n > 60) return sched_arg_error(L, "spawn{}: too many arguments");
  for (lua_Integer i = 1; i <= n; i++) lua_rawgeti(L, 1, i);
  lua_remove(L, 1);
  return has_name ? 2 : 1;
}

/* spawn([name,] fn, ...) or spawn{fn, ..., name=, daemon=} -> Thread */
static int l_spawn(lua_State *L) {
  int fn = 1, daemon = 0;
  if (lua_type(L, 1) == LUA_TTABLE) fn = spawn_table(L, &daemon);
  else if (lua_type(L, 1) == LUA_TSTRING) fn = 2;
  if (lua_type(L, fn) != LUA_TFUNCTION)
    return lapi_type_error(L, fn, "spawn", "a function (spawn([name,] fn, ...))");
  PendingOp op = {.op = OP_SPAWN, .obj = -1, .deadline = INFINITY};
  return sched_op(L, &op, spawn_k, fn | daemon << 8);
}

static int join_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  SimObject *o = lapi_check1(L, 1, &thread_class);
  SimRun *r = sched_run_of(L);
  int done = finished(r, o);
  SimEvent *e = sched_event(L, OP_JOIN, o->id);
  e->aux = target_of(o);
  e->snap = done;
  e->value.tag = VAL_BOOL;
  e->value.u.i = done;
  if (!done) e->flags |= EV_TIMEOUT;
  return 0;
}

/* t:join([timeout]) */
static int Thread_join(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &thread_class);
  double deadline = lapi_wait_timeout(L, 2, "join");
  if (target_of(o) == sched_self(L)->id)
    return sched_raise(L, "RuntimeError", "cannot join current thread");
  /* (Python's join() does not convert the timeout once it has seen the
     thread end, in a join or is_alive(); racesim always does) */
  unsigned over = lua_type(L, 2) == LUA_TNUMBER ? lapi_overflow(L, lua_tonumber(L, 2), 0) : 0;
  if (over) return lapi_raise_overflow(L, over);
  PendingOp op = {.op = OP_JOIN, .obj = o->id, .deadline = deadline};
  return sched_op(L, &op, join_k, 0);
}

static int is_alive_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  SimObject *o = lapi_check1(L, 1, &thread_class);
  int alive = !finished(sched_run_of(L), o);
  SimEvent *e = sched_event(L, OP_IS_ALIVE, o->id);
  e->value.tag = VAL_BOOL;
  e->value.u.i = alive;
  e->snap = !alive;
  lua_pushboolean(L, alive);
  return 1;
}

static int Thread_is_alive(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &thread_class);
  PendingOp op = {.op = OP_IS_ALIVE, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, is_alive_k, 0);
}

/* Fields: name, ident, daemon (methods come from upvalue 1). */
static int Thread_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  SimObject *o = lapi_check1(L, 1, &thread_class);
  SimRun *r = sched_run_of(L);
  const char *k = lua_tostring(L, 2);
  if (!k) return 0;
  if (strcmp(k, "name") == 0) lua_pushstring(L, thread_full_name(r, target_of(o)));
  else if (strcmp(k, "ident") == 0) lua_pushinteger(L, target_of(o));
  else if (strcmp(k, "daemon") == 0)
    lua_pushboolean(L, r->threads[target_of(o)].daemon);
  else return 0;
  return 1;
}

static int yield_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  sched_event(L, OP_YIELD, -1);
  return 0;
}

static int l_yield(lua_State *L) {
  PendingOp op = {.op = OP_YIELD, .obj = -1, .deadline = INFINITY};
  return sched_op(L, &op, yield_k, 0);
}

static int sleep_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  SimEvent *e = sched_event(L, OP_SLEEP, -1);
  e->value.tag = VAL_NUM;
  e->value.u.d = lua_tonumber(L, 1);
  return 0;
}

/* sleep(seconds, [jitter]): virtual time; sleep(0) just yields.  With a
   jitter it ends within [seconds - jitter, seconds + jitter], in either
   order with the waits it overlaps (a modelled I/O wait; step.c). */
static int l_sleep(lua_State *L) {
  if (lua_type(L, 1) != LUA_TNUMBER)
    return lapi_type_error(L, 1, "sleep", "a number of seconds");
  double t = lua_tonumber(L, 1), jitter = 0;
  if (isnan(t) || t < 0)
    return sched_arg_error(L, "sleep length must be non-negative");
  if (!lua_isnoneornil(L, 2)) {
    if (lua_type(L, 2) != LUA_TNUMBER)
      return lapi_type_error(L, 2, "sleep", "a number of seconds (the jitter)");
    jitter = lua_tonumber(L, 2);
    if (!(jitter >= 0) || isinf(jitter))
      return sched_arg_error(L, "sleep: jitter must be a non-negative number of seconds");
  }
  PendingOp op = {.op = OP_SLEEP, .obj = -1, .jitter = t > 0 ? jitter : 0,
                  .deadline = sched_run_of(L)->vtime + t};
  return sched_op(L, &op, sleep_k, 0);
}

static int l_now(lua_State *L) {
  lua_pushnumber(L, sched_run_of(L)->vtime);
  return 1;
}

static int l_current_thread(lua_State *L) {
  push_handle(L, sched_self(L)->id);
  return 1;
}

void thread_open(lua_State *L, int base) {
  static const luaL_Reg methods[] = {{"join", Thread_join},
                                     {"is_alive", Thread_is_alive},
                                     {NULL, NULL}};
  lapi_class(L, &thread_class, methods, Thread_index);
  static const luaL_Reg globals[] = {{"spawn", l_spawn},
                                     {"yield", l_yield},
                                     {"sleep", l_sleep},
                                     {"now", l_now},
                                     {"current_thread", l_current_thread},
                                     {NULL, NULL}};
  lua_pushvalue(L, base);
  luaL_setfuncs(L, globals, 0);
  lua_pop(L, 1);
}
