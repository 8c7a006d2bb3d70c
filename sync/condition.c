/*
** condition.c - Condition([lock], [name]): Python's threading.Condition
** (asyncio.Condition in async mode).
**
** The default lock is an RLock (a Lock in async mode, as in asyncio).
** wait() is two visible operations: "wait" releases the lock (fully, for an
** RLock) and parks the thread; "wake" happens once it was notified (or timed
** out) and can take the lock back.  wait() and notify() without holding the
** lock raise RuntimeError.  Which waiters notify(n) wakes is a data choice in
** threads mode (Python does not promise an order), first-come first-served
** in async mode; exploration covers every choice.
*/
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../sim/lapi.h"
#include "sync.h"

/* ---- semantics -------------------------------------------------------- */

static SimObject *lock_of(const SimRun *r, const SimObject *c) {
  return &r->objs[c->link];
}

static int signalled(const SimRun *r, const SimThread *t) {
  return t->woken || r->vtime >= t->pend.deadline;
}

static int cond_ready(const SimRun *r, const SimObject *c, const SimThread *t) {
  return signalled(r, t) && lock_can_take(r, lock_of(r, c), t->id);
}

static int32_t cond_waits_for(const SimRun *r, const SimObject *c,
                              const SimThread *t) {
  if (!signalled(r, t)) return -1;
  const SimObject *lk = lock_of(r, c);
  return lk->cls->waits_for(r, lk, t);
}

static const char *const advice_lost =
    "A lost wake-up: a notify() that came before the wait(), or one that woke a waiter "
    "who could not proceed; re-check the condition in a loop, use notify_all(), or one "
    "Condition per predicate";

static const char *cond_explain(const SimRun *r, const SimObject *c, const int32_t *tids,
                                int n, StrBuf *out) {
  if (signalled(r, &r->threads[tids[0]])) {
    sb_printf(out, "%s notified on Condition '%s' but ", obj_verb(n, "was", "were"),
              obj_name(r, c->id));
    const SimObject *lk = lock_of(r, c);
    return lk->cls->explain(r, lk, tids, n, out);
  }
  sb_printf(out, "%s on Condition '%s' and nobody is left to notify %s",
            obj_verb(n, "waits", "wait"), obj_name(r, c->id), obj_verb(n, "it", "them"));
  return advice_lost;
}

/* A wake could come before 'before' only if its notify was earlier. */
static int cond_enabled_before(const SimEvent *e, const SimEvent *ev, uint32_t before) {
  (void)ev;
  return e->aux >= 0 && (uint32_t)e->aux < before;
}

const ObjClass condition_class = {"Condition", cond_ready, cond_waits_for,
                                  cond_explain, cond_enabled_before, 0, 0, NULL};

/* The threads parked in wait() on 'c' and not yet notified, oldest first. */
static int waiters(const SimRun *r, const SimObject *c, int32_t *out, int max) {
  int n = 0;
  for (int32_t i = 0; i < r->nthreads && n < max; i++) {
    const SimThread *w = &r->threads[i];
    if (w->state == TS_READY && w->pend.op == OP_CV_WAKE && w->pend.obj == c->id &&
        !w->woken)
      out[n++] = i;
  }
  for (int i = 1; i < n; i++) /* insertion sort by arrival */
    for (int j = i; j > 0 && r->threads[out[j]].ticket < r->threads[out[j - 1]].ticket; j--) {
      int32_t x = out[j];
      out[j] = out[j - 1];
      out[j - 1] = x;
    }
  return n;
}

/* ---- operations ------------------------------------------------------- */

/*
** Does 't' hold the condition's lock?  Python asks the lock (for a plain
** Lock, "is it locked at all"), so the answer depends on other threads'
** acquires and releases: an is_owned event on the lock says so, for the
** reduction and in the trace.  'always' records it even when it holds.
*/
static int owner_check(lua_State *L, SimRun *r, const SimObject *c, const SimThread *t,
                       int always) {
  const SimObject *lk = lock_of(r, c);
  int owned = lock_is_owned(lk, t->id);
  if (always || !owned) {
    SimEvent *e = sched_event(L, OP_IS_OWNED, lk->id);
    e->snap = lock_snapshot(lk);
    e->value.tag = VAL_BOOL;
    e->value.u.i = owned;
  }
  return owned;
}

/* ctx: condition id */
static int wake_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *c = &r->objs[ctx];
  SimThread *t = sched_self(L);
  int notified = t->woken;
  SimEvent *e = sched_event(L, OP_CV_WAKE, c->id);
  e->aux = notified ? t->wake_ev : -1;
  e->value.tag = VAL_BOOL;
  e->value.u.i = notified;
  if (!notified) e->flags |= EV_TIMEOUT;
  lock_take_count(L, lock_of(r, c), (int32_t)t->pend.a, 0);
  lua_pushboolean(L, notified);
  return 1;
}

/* ctx: condition id */
static int wait_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *c = &r->objs[ctx];
  SimThread *t = sched_self(L);
  double deadline = t->pend.deadline;
  if (!owner_check(L, r, c, t, 0)) {
    sched_event(L, OP_CV_WAIT, c->id)->flags |= EV_RAISED;
    return lapi_raise(L, "RuntimeError", "cannot wait on un-acquired lock");
  }
  SimEvent *e = sched_event(L, OP_CV_WAIT, c->id);
  if (!isinf(deadline)) {
    e->value.tag = VAL_NUM;
    e->value.u.d = deadline - r->vtime;
  }
  int32_t count = lock_release_all(L, lock_of(r, c), 0);
  PendingOp op = {.op = OP_CV_WAKE, .flags = PEND_SELF_TIMED, .obj = c->id,
                  .a = count, .deadline = deadline, .line = t->pend.line};
  return sched_op(L, &op, wake_k, ctx);
}

/* wait([timeout]) -> true, or false when it timed out */
static int Condition_wait(lua_State *L) {
  SimObject *c = lapi_check1(L, 1, &condition_class);
  double deadline = lapi_timeout(L, 2, "wait");
  PendingOp op = {.op = OP_CV_WAIT, .obj = c->id, .deadline = deadline};
  return sched_op(L, &op, wait_k, c->id);
}

/* ctx: condition id | all << 32 */
static int notify_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  int all = (int)(ctx >> 32);
  SimObject *c = &r->objs[ctx & 0xffffffff];
  SimThread *t = sched_self(L);
  int64_t n = t->pend.a;
  int owned = owner_check(L, r, c, t, 1);
  SimEvent *e = sched_event(L, all ? OP_NOTIFY_ALL : OP_NOTIFY, c->id);
  int32_t ev = (int32_t)(r->nevents - 1);
  if (!owned) {
    e->flags |= EV_RAISED;
    return lapi_raise(L, "RuntimeError", "cannot notify on un-acquired lock");
  }
  int32_t buf[256];
  int k = waiters(r, c, buf, 256);
  int64_t m = all ? k : (n < k ? n : k);
  int woke = 0;
  for (int i = 0; i < k && woke < m; i++) {
    /* threads mode: each waiter is taken or skipped (a data choice, FIFO
       first); async mode: asyncio wakes the oldest waiters */
    int take = 1;
    if (r->mode == MODE_THREADS && m - woke < k - i) take = sched_choose(L, 2) == 0;
    if (!take) continue;
    sched_wake(r, &r->threads[buf[i]], ev);
    woke++;
  }
  e = &r->events[ev];
  e->aux = (int32_t)(all ? -1 : n);
  e->value.tag = VAL_INT;
  e->value.u.i = woke;
  return 0;
}

static int Condition_notify(lua_State *L) {
  SimObject *c = lapi_check1(L, 1, &condition_class);
  lua_Integer n = 1;
  if (!lua_isnoneornil(L, 2)) {
    if (!lua_isinteger(L, 2)) return lapi_type_error(L, 2, "notify", "an integer");
    n = lua_tointeger(L, 2);
  }
  PendingOp op = {.op = OP_NOTIFY, .obj = c->id, .a = n, .deadline = INFINITY};
  return sched_op(L, &op, notify_k, c->id);
}

static int Condition_notify_all(lua_State *L) {
  SimObject *c = lapi_check1(L, 1, &condition_class);
  PendingOp op = {.op = OP_NOTIFY_ALL, .obj = c->id, .deadline = INFINITY};
  return sched_op(L, &op, notify_k, (lua_KContext)c->id | (lua_KContext)1 << 32);
}

/* Condition([lock], [name]) */
static int l_Condition(lua_State *L) {
  SimRun *r = sched_run_of(L);
  int32_t lock = -1;
  int nameidx = 1;
  if (!lua_isnoneornil(L, 1) && lua_type(L, 1) != LUA_TSTRING) {
    static const ObjClass *const locks[] = {&lock_class, &rlock_class, NULL};
    lock = lapi_check(L, 1, locks, "a Lock or RLock")->id;
    nameidx = 2;
  } else if (lua_isnil(L, 1)) {
    nameidx = 2; /* Condition(nil, "name") */
  }
  lua_settop(L, nameidx > lua_gettop(L) ? lua_gettop(L) : nameidx);
  SimObject *c = lapi_new_object(L, &condition_class, nameidx, lock);
  if (lock < 0) {
    int32_t cid = c->id;
    char name[128];
    snprintf(name, sizeof name, "%s.lock", obj_name(r, cid));
    SimObject *lk = lock_new_internal(L, name, r->mode == MODE_THREADS);
    r->objs[cid].link = lk->id;
  }
  return 1;
}

void condition_open(lua_State *L, int base) {
  static const luaL_Reg methods[] = {{"wait", Condition_wait},
                                     {"notify", Condition_notify},
                                     {"notify_all", Condition_notify_all},
                                     {NULL, NULL}};
  lock_register(L, &condition_class, methods);
  lua_pushcfunction(L, l_Condition);
  lua_setfield(L, base, "Condition");
}
