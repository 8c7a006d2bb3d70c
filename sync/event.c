/*
** event.c - Event([name]): Python's threading.Event (asyncio.Event in async
** mode).  set() wakes every waiter; a waiter woken by set() returns true
** even if the event is cleared before it runs again, as in Python, where
** wait() returns what its condition wait returned.  wait(timeout) returns
** false when the timeout expires first.
*/
#include <lauxlib.h>
#include <math.h>

#include "lapi.h"
#include "sync.h"

typedef struct EventState {
  int32_t flag;
  int32_t set_line; /* where it was last set */
  int32_t set_ev;   /* ... the event of that set() */
} EventState;

OBJ_STATE_TYPE(EventState);
#define ES(o) OBJ_STATE(EventState, o)

/* ---- semantics -------------------------------------------------------- */

static int event_ready(const SimRun *r, const SimObject *o, const SimThread *t) {
  (void)r;
  return ES(o)->flag || t->woken;
}

static const char *event_explain(const SimRun *r, const SimObject *o, const int32_t *tids,
                                 int n, StrBuf *out, int32_t *because) {
  (void)tids, (void)because;
  sb_printf(out, "%s for Event '%s', which is never set", obj_verb(n, "waits", "wait"),
            obj_name(r, o->id));
  if (ES(o)->set_line > 0) {
    sb_puts(out, " again (it was set");
    run_puts_event_where(r, &r->events[ES(o)->set_ev], out);
    sb_puts(out, " and cleared since)");
  }
  return NULL;
}

/* A wait could come before 'before' if the flag was set then, or a set()
   that woke it came earlier. */
static int event_enabled_before(const SimEvent *e, const SimEvent *ev, uint32_t before) {
  if (ev[before].snap) return 1;
  return e->aux >= 0 && (uint32_t)e->aux < before;
}

const ObjClass event_class = {"Event", event_ready, NULL, event_explain,
                              event_enabled_before, 0, 0, NULL, 0};

/* ---- operations ------------------------------------------------------- */

static int set_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  SimEvent *e = sched_event(L, OP_EV_SET, o->id);
  e->snap = ES(o)->flag;
  int32_t ev = (int32_t)(r->nevents - 1);
  ES(o)->flag = 1;
  ES(o)->set_line = e->line;
  ES(o)->set_ev = ev;
  int woke = wait_wake_all(r, o->id, WAIT_OP(OP_EV_WAIT), WAIT_UNWOKEN, ev);
  r->events[ev].value.tag = VAL_INT;
  r->events[ev].value.u.i = woke;
  return 0;
}

static int clear_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  SimEvent *e = sched_event(L, OP_EV_CLEAR, o->id);
  e->snap = ES(o)->flag;
  ES(o)->flag = 0;
  return 0;
}

static int is_set_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  SimEvent *e = sched_event(L, OP_EV_IS_SET, o->id);
  e->snap = ES(o)->flag;
  e->value.tag = VAL_BOOL;
  e->value.u.i = ES(o)->flag;
  lua_pushboolean(L, ES(o)->flag);
  return 1;
}

static int wait_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  SimThread *t = sched_self(L);
  int ok = ES(o)->flag || t->woken;
  SimEvent *e = sched_event(L, OP_EV_WAIT, o->id);
  e->snap = ES(o)->flag;
  e->aux = t->woken ? t->wake_ev : -1;
  e->value.tag = VAL_BOOL;
  e->value.u.i = ok;
  if (!ok && (t->pend.flags & PEND_OVERFLOW)) { /* it would have waited */
    e->flags |= EV_FAILED | EV_RAISED;
    return lapi_raise_overflow(L, t->pend.flags);
  }
  if (!ok) e->flags |= EV_TIMEOUT;
  lua_pushboolean(L, ok);
  return 1;
}

static int simple_op(lua_State *L, int opcode, lua_KFunction k) {
  SimObject *o = lapi_check1(L, 1, &event_class);
  PendingOp op = {.op = (uint16_t)opcode, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, k, o->id);
}

static int Event_set(lua_State *L) { return simple_op(L, OP_EV_SET, set_k); }
static int Event_clear(lua_State *L) { return simple_op(L, OP_EV_CLEAR, clear_k); }
static int Event_is_set(lua_State *L) { return simple_op(L, OP_EV_IS_SET, is_set_k); }

static int Event_wait(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &event_class);
  double deadline = lapi_wait_timeout(L, 2, "wait");
  PendingOp op = {.op = OP_EV_WAIT, .obj = o->id, .deadline = deadline};
  unsigned over = lua_type(L, 2) == LUA_TNUMBER ? lapi_overflow(L, lua_tonumber(L, 2), 0) : 0;
  if (over) op.flags = (uint16_t)(PEND_NOWAIT | over), op.deadline = INFINITY;
  return sched_op(L, &op, wait_k, o->id);
}

static int l_Event(lua_State *L) {
  lapi_only_name(L, "Event");
  lua_settop(L, 1);
  lapi_new_object(L, &event_class, 1, -1);
  return 1;
}

void event_open(lua_State *L, int base) {
  static const luaL_Reg methods[] = {{"set", Event_set},
                                     {"clear", Event_clear},
                                     {"is_set", Event_is_set},
                                     {"wait", Event_wait},
                                     {NULL, NULL}};
  lapi_class(L, &event_class, methods, NULL);
  lua_pushcfunction(L, l_Event);
  lua_setfield(L, base, "Event");
}
