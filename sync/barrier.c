/*
** barrier.c - Barrier(parties, [action], [timeout], [name]): Python's
** threading.Barrier, state machine and all (filling, draining, resetting,
** broken).  wait([timeout]) returns the arrival index 0..parties-1; the last
** arrival runs the action (if any) before the others are released.  A
** timeout, abort() or reset() while threads wait (asyncio's reset(): also
** while they drain), or an action that raises breaks the barrier: the
** waiters get BrokenBarrierError, as do later arrivals until reset().
**
** wait() is made of visible operations: "wait" (arrive: blocks while the
** previous generation drains), then "pass" for the early arrivals (blocks
** until released or broken), or "trip" for the last one (after the action).
** The Lua part of wait() is in sync/prelude.lua.
*/
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "lapi.h"
#include "sync.h"

enum { B_FILLING = 0, B_DRAINING = 1, B_RESETTING = -1, B_BROKEN = -2, B_TRIPPING = 2 };

typedef struct BarrierState {
  int32_t parties;
  int32_t count;  /* threads inside wait() */
  int32_t state;  /* B_* */
  int32_t broke_ev; /* the event that broke it last, or -1 */
  double timeout; /* default timeout, INFINITY for none */
} BarrierState;

OBJ_STATE_TYPE(BarrierState);
#define BS(o) OBJ_STATE(BarrierState, o)

/* ---- semantics -------------------------------------------------------- */

static int barrier_ready(const SimRun *r, const SimObject *o, const SimThread *t) {
  const BarrierState *b = BS(o);
  if (t->pend.op == OP_BAR_WAIT) return b->state == B_FILLING || b->state == B_BROKEN;
  /* pass: released, broken or reset; or timed out while still filling */
  if (b->state == B_FILLING) return r->vtime >= t->pend.deadline;
  return b->state != B_TRIPPING;
}

/* Does thread 'x' run the same code as one of tids[0..n) (spawn site and
   function), or did it use the barrier before? */
static int a_party(const SimRun *r, const SimObject *o, int32_t x, const int32_t *tids,
                   int n) {
  uint64_t site = obj_site(r, &r->objs[r->threads[x].obj]);
  for (int i = 0; i < n; i++)
    if (obj_site(r, &r->objs[r->threads[tids[i]].obj]) == site) return 1;
  for (int32_t i = o->last_ev; i >= 0; i = r->events[i].prev_obj)
    if (r->events[i].tid == x) return 1;
  return 0;
}

/* How thread 'x', which will never arrive, got there; 1 if it raised (its
   error is then a cause of the wait). */
static int never_arrived(const SimRun *r, int32_t x, StrBuf *out, int32_t *because) {
  const SimThread *t = &r->threads[x];
  const char *name = thread_name(r, x);
  if (thread_alive(t)) {
    sb_printf(out, "%s is blocked", name);
    run_puts_where(r, t->pend.site, t->pend.line, out);
    sb_puts(out, " and never arrives");
    return 0;
  }
  int32_t err = run_error_of(r, x);
  if (err >= 0) {
    run_format_raised(r, &r->events[err], out);
    sb_puts(out, " and never arrived");
    run_because(because, err);
    return 1;
  }
  int32_t last = -1;
  for (int32_t i = t->last_ev; i >= 0 && last < 0; i--) {
    const SimEvent *e = &r->events[i];
    if (e->tid != x) continue;
    if (e->op == OP_START) break;
    if (e->line > 0) last = i;
  }
  if (t->state == TS_KILLED) sb_printf(out, "%s was stopped before it arrived", name);
  else sb_printf(out, "%s returned without arriving", name);
  if (last >= 0) {
    sb_puts(out, " (its last step was");
    run_puts_event_where(r, &r->events[last], out);
    sb_putc(out, ')');
  }
  return 0;
}

static const char *const advice_raised =
    "A party that raises before wait() leaves the others waiting forever: call abort() "
    "when a party fails (the waiters get BrokenBarrierError), or give wait() a timeout";

static const char *barrier_explain(const SimRun *r, const SimObject *o,
                                   const int32_t *tids, int n, StrBuf *out,
                                   int32_t *because) {
  const BarrierState *b = BS(o);
  const char *verb = obj_verb(n, "waits", "wait");
  if (r->threads[tids[0]].pend.op == OP_BAR_WAIT) {
    sb_printf(out, "%s to enter Barrier '%s', whose previous round never drains", verb,
              obj_name(r, o->id));
    return NULL;
  }
  sb_printf(out, "%s at Barrier '%s' with %d of %d parties: ", verb, obj_name(r, o->id),
            (int)b->count, (int)b->parties);
  int32_t missing[4];
  int k = 0, more = 0, raised = 0;
  for (int32_t x = 0; x < r->nthreads; x++) {
    const SimThread *t = &r->threads[x];
    if (t->state == TS_READY && t->pend.obj == o->id) continue; /* at the barrier */
    if (t->state == TS_RUNNING || !a_party(r, o, x, tids, n)) continue;
    if (k < 4) missing[k++] = x;
    else more++;
  }
  for (int i = 0; i < k; i++) {
    if (i) sb_puts(out, i == k - 1 && !more ? ", and " : ", ");
    raised |= never_arrived(r, missing[i], out, because);
  }
  if (more) sb_printf(out, ", and %d more", more);
  if (!k) {
    sb_puts(out, "nobody else is coming");
    /* no party known by its code or its use of the barrier: one that
       raised before it got there may well have been one */
    for (int32_t x = 0; x < r->nthreads && k < 4; x++) {
      int32_t err = thread_alive(&r->threads[x]) ? -1 : run_error_of(r, x);
      if (err < 0) continue;
      sb_puts(out, k++ ? ", and " : "; ");
      run_format_raised(r, &r->events[err], out);
      sb_puts(out, " and ended (perhaps a party)");
      run_because(because, err);
      raised = 1;
    }
  }
  return raised ? advice_raised : NULL;
}

/* Could 'e' have happened just before event 'before'?  A pass could if it
   was released by then, or if its timeout had come while the barrier was
   still filling (not once the last party has arrived and it trips). */
static int barrier_enabled_before(const SimEvent *e, const SimEvent *ev, uint32_t before) {
  int64_t st = ev[before].snap;
  if (e->op == OP_BAR_WAIT) return st == B_FILLING || st == B_BROKEN;
  if (e->aux >= 0 && (uint32_t)e->aux < before) return 1;
  return st == B_FILLING && ev[before].vtime >= e->deadline;
}

const ObjClass barrier_class = {"Barrier", barrier_ready, NULL, barrier_explain,
                                barrier_enabled_before, 0, 0, NULL, 0};

/* Wake every thread waiting to pass. */
static void wake_all(SimRun *r, SimObject *o, int32_t ev) {
  wait_wake_all(r, o->id, WAIT_OP(OP_BAR_PASS) | WAIT_OP(OP_BAR_WAIT), WAIT_UNWOKEN, ev);
}

/* A thread leaves wait(); the last one out ends draining or resetting. */
static void leave(BarrierState *b) {
  b->count--;
  if (b->count == 0 && (b->state == B_RESETTING || b->state == B_DRAINING))
    b->state = B_FILLING;
}

static int broken_error(lua_State *L) {
  return sched_raise(L, "BrokenBarrierError", "%s", "");
}

/* ---- operations ------------------------------------------------------- */

static SimEvent *bar_event(lua_State *L, int op, SimObject *o) {
  SimEvent *e = sched_event(L, op, o->id);
  e->snap = BS(o)->state;
  return e;
}

/* arrive: returns index, is_last */
static int arrive_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  BarrierState *b = BS(o);
  SimEvent *e = bar_event(L, OP_BAR_WAIT, o);
  if (b->state == B_BROKEN) {
    e->flags |= EV_RAISED;
    return broken_error(L);
  }
  int32_t index = b->count++;
  e->value.tag = VAL_INT;
  e->value.u.i = index;
  e->aux = b->parties;
  int last = index + 1 == b->parties;
  if (!last && (sched_self(L)->pend.flags & PEND_OVERFLOW)) {
    leave(b); /* its wait overflows at once; the barrier stays whole */
    e->flags |= EV_RAISED;
    return lapi_raise_overflow(L, sched_self(L)->pend.flags);
  }
  if (last) b->state = B_TRIPPING;
  lua_pushinteger(L, index);
  lua_pushboolean(L, last);
  return 2;
}

/* B_arrive(barrier, timeout) */
static int B_arrive(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &barrier_class);
  lapi_wait_timeout(L, 2, "wait"); /* check it now, before any state changes */
  double t = lua_type(L, 2) == LUA_TNUMBER ? lua_tonumber(L, 2) : BS(o)->timeout;
  PendingOp op = {.op = OP_BAR_WAIT, .obj = o->id, .deadline = INFINITY};
  if (lua_type(L, 2) == LUA_TNUMBER || !isinf(t)) /* (INFINITY: no default timeout) */
    op.flags = (uint16_t)lapi_overflow(L, t, 0);
  return sched_op(L, &op, arrive_k, o->id);
}

static int pass_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  SimThread *t = sched_self(L);
  BarrierState *b = BS(o);
  SimEvent *e = bar_event(L, OP_BAR_PASS, o);
  e->aux = t->woken ? t->wake_ev : -1;
  int32_t ev = (int32_t)(r->nevents - 1);
  if (b->state == B_FILLING) { /* timed out: break it */
    e->flags |= EV_TIMEOUT | EV_BROKE | EV_RAISED;
    e->value.tag = VAL_INT;
    e->value.u.i = b->count;
    b->state = B_BROKEN;
    b->broke_ev = ev;
    wake_all(r, o, ev);
    leave(b);
    return broken_error(L);
  }
  int ok = b->state == B_DRAINING;
  leave(b);
  if (!ok) {
    r->events[ev].flags |= EV_RAISED;
    return broken_error(L);
  }
  return 0;
}

/* B_pass(barrier, timeout) */
static int B_pass(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &barrier_class);
  double deadline = lua_isnoneornil(L, 2) ? sched_run_of(L)->vtime + BS(o)->timeout
                                          : lapi_wait_timeout(L, 2, "wait");
  PendingOp op = {.op = OP_BAR_PASS, .flags = PEND_SELF_TIMED, .obj = o->id,
                  .deadline = deadline};
  return sched_op(L, &op, pass_k, o->id);
}

/* ctx: object id | broke << 32 (the action raised) */
static int trip_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  int broke = (int)(ctx >> 32);
  SimObject *o = &r->objs[ctx & 0xffffffff];
  BarrierState *b = BS(o);
  SimEvent *e = bar_event(L, broke ? OP_BAR_BREAK : OP_BAR_TRIP, o);
  int32_t ev = (int32_t)(r->nevents - 1);
  e->value.tag = VAL_INT;
  e->value.u.i = b->count - 1;
  if (broke) {
    e->flags |= EV_BROKE;
    b->broke_ev = ev;
  }
  b->state = broke ? B_BROKEN : B_DRAINING;
  wake_all(r, o, ev);
  leave(b);
  return 0;
}

static int B_trip(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &barrier_class);
  int broke = lua_toboolean(L, 2);
  PendingOp op = {.op = broke ? OP_BAR_BREAK : OP_BAR_TRIP, .obj = o->id,
                  .deadline = INFINITY};
  const SimThread *t = sched_self(L);
  if (broke && t->mark_line > 0) /* where the action raised (its xpcall marked it) */
    op.line = t->mark_line, op.site = t->mark_site;
  return sched_op(L, &op, trip_k, (lua_KContext)o->id | (lua_KContext)broke << 32);
}

/* The action, for the last party to run; no raise is marked before it runs
   (so that a break tells where it raised, or else the wait: B_trip). */
static int B_action(lua_State *L) {
  lapi_check1(L, 1, &barrier_class);
  sched_clear_mark(L);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

static int reset_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  BarrierState *b = BS(o);
  SimEvent *e = bar_event(L, OP_BAR_RESET, o);
  int32_t ev = (int32_t)(r->nevents - 1);
  e->value.tag = VAL_INT;
  e->value.u.i = b->count;
  /* threading leaves a draining barrier alone; asyncio's reset() breaks
     the waiters not yet out as well */
  int draining = r->mode == MODE_ASYNC && b->state == B_DRAINING;
  if (b->count > 0) {
    if (b->state == B_FILLING || draining) {
      e->flags |= EV_BROKE; /* the waiters get BrokenBarrierError */
      b->broke_ev = ev;
      b->state = B_RESETTING;
    } else if (b->state == B_BROKEN) {
      b->state = B_RESETTING;
    }
  } else {
    b->state = B_FILLING;
  }
  wake_all(r, o, ev);
  return 0;
}

static int abort_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  BarrierState *b = BS(o);
  SimEvent *e = bar_event(L, OP_BAR_ABORT, o);
  int32_t ev = (int32_t)(r->nevents - 1);
  e->value.tag = VAL_INT;
  e->value.u.i = b->count;
  if (b->state != B_BROKEN && b->count > 0) { /* (with nobody waiting, nobody is broken) */
    e->flags |= EV_BROKE;
    b->broke_ev = ev;
  }
  b->state = B_BROKEN;
  wake_all(r, o, ev);
  return 0;
}

static int simple(lua_State *L, int opcode, lua_KFunction k) {
  SimObject *o = lapi_check1(L, 1, &barrier_class);
  PendingOp op = {.op = (uint16_t)opcode, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, k, o->id);
}

static int Barrier_reset(lua_State *L) { return simple(L, OP_BAR_RESET, reset_k); }
static int Barrier_abort(lua_State *L) { return simple(L, OP_BAR_ABORT, abort_k); }

static int read_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  int broken = (int)(ctx >> 32);
  SimObject *o = &r->objs[ctx & 0xffffffff];
  BarrierState *b = BS(o);
  SimEvent *e = bar_event(L, broken ? OP_BAR_BROKEN : OP_BAR_N_WAITING, o);
  if (broken) {
    lua_pushboolean(L, b->state == B_BROKEN);
    e->value.tag = VAL_BOOL;
    e->value.u.i = b->state == B_BROKEN;
  } else {
    int32_t n = b->state == B_FILLING ? b->count : 0;
    lua_pushinteger(L, n);
    e->value.tag = VAL_INT;
    e->value.u.i = n;
  }
  return 1;
}

/* Fields: parties (constant), n_waiting and broken (visible reads). */
static int Barrier_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  SimObject *o = lapi_check1(L, 1, &barrier_class);
  const char *k = lua_tostring(L, 2);
  if (!k) return 0;
  if (strcmp(k, "parties") == 0) {
    lua_pushinteger(L, BS(o)->parties);
    return 1;
  }
  if (strcmp(k, "name") == 0) {
    lua_pushstring(L, obj_full_name(sched_run_of(L), o->id));
    return 1;
  }
  int broken = strcmp(k, "broken") == 0;
  if (!broken && strcmp(k, "n_waiting") != 0) return 0;
  PendingOp op = {.op = broken ? OP_BAR_BROKEN : OP_BAR_N_WAITING, .obj = o->id,
                  .deadline = INFINITY};
  return sched_op(L, &op, read_k, (lua_KContext)o->id | (lua_KContext)broken << 32);
}

/* Barrier(parties, [action], [timeout], [name]) */
static int l_Barrier(lua_State *L) {
  if (!lua_isinteger(L, 1)) return lapi_type_error(L, 1, "Barrier", "an integer (parties)");
  lua_Integer parties = lua_tointeger(L, 1);
  if (parties < 1) return sched_arg_error(L, "parties must be >= 1");
  if (parties > 100000) return sched_arg_error(L, "parties is too large");
  int top = lua_gettop(L), nameidx = 0, action = 0;
  double timeout = INFINITY;
  for (int i = 2; i <= top; i++) {
    int tp = lua_type(L, i);
    if (tp == LUA_TFUNCTION && !action && i == 2) action = i;
    else if (tp == LUA_TNUMBER && i <= 3) {
      timeout = lua_tonumber(L, i);
      if (isnan(timeout) || timeout < 0)
        return sched_arg_error(L, "Barrier: timeout must be a non-negative number");
    } else if (tp == LUA_TSTRING && i == top) nameidx = i;
    else if (tp != LUA_TNIL)
      return lapi_type_error(L, i, "Barrier", "Barrier(parties, [action], [timeout], [name])");
  }
  if (!nameidx) {
    lua_pushnil(L);
    nameidx = lua_gettop(L);
  }
  SimObject *o = lapi_new_object(L, &barrier_class, nameidx, -1);
  BarrierState *b = BS(o);
  b->parties = (int32_t)parties;
  b->timeout = timeout;
  b->broke_ev = -1;
  if (action) {
    lua_pushvalue(L, action);
    lua_setiuservalue(L, -2, 1);
  }
  return 1;
}

void barrier_open(lua_State *L, int base) {
  static const luaL_Reg methods[] = {{"reset", Barrier_reset},
                                     {"abort", Barrier_abort},
                                     {NULL, NULL}};
  lapi_class(L, &barrier_class, methods, Barrier_index);
  lua_pushcfunction(L, l_Barrier);
  lua_setfield(L, base, "Barrier");
  /* primitives for prelude.lua's Barrier:wait */
  lua_getfield(L, LUA_REGISTRYINDEX, "racesim.prelude_args");
  lua_pushcfunction(L, B_arrive);
  lua_setfield(L, -2, "barrier_arrive");
  lua_pushcfunction(L, B_pass);
  lua_setfield(L, -2, "barrier_pass");
  lua_pushcfunction(L, B_trip);
  lua_setfield(L, -2, "barrier_trip");
  lua_pushcfunction(L, B_action);
  lua_setfield(L, -2, "barrier_action");
  lua_pop(L, 1);
}
