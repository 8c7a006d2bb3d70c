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

#include "lapi.h"
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

/* The event of the wait() in which 'tid' is parked on 'c' (its latest). */
static int32_t parked_at(const SimRun *r, const SimObject *c, int32_t tid) {
  for (int32_t i = c->last_ev; i >= 0; i = r->events[i].prev_obj)
    if (r->events[i].tid == tid && r->events[i].op == OP_CV_WAIT) return i;
  return -1;
}

/*
** Did the wake-up at event 'w' (a thread back from wait() on 'c') come to
** nothing?  It did if the thread waited on 'c' again before it released the
** lock or notified anyone: its predicate was still false.  Returns the event
** of that second wait, or -1.
*/
static int32_t waited_again(const SimRun *r, const SimObject *c, int32_t w) {
  int32_t tid = r->events[w].tid;
  for (uint32_t i = (uint32_t)w + 1; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->tid != tid) continue;
    if (e->op == OP_CV_WAIT && e->obj == c->id)
      return e->flags & EV_RAISED ? -1 : (int32_t)i;
    if ((e->op == OP_RELEASE && e->obj == c->link) || e->op == OP_END ||
        e->op == OP_ERROR ||
        ((e->op == OP_NOTIFY || e->op == OP_NOTIFY_ALL) && e->obj == c->id))
      return -1;
  }
  return -1;
}

static void put_step(const SimRun *r, int32_t ev, StrBuf *out) {
  sb_printf(out, "step %u (", (unsigned)ev + 1);
  run_format_event_at(r, &r->events[ev], out);
  sb_putc(out, ')');
}

/*
** Lost wake-ups: the notify() calls that came while a waiter of the group
** was parked and woke a thread that could not proceed (its wake-up event
** 'wakes[i]', oldest first).  Returns how many were found (at most 'max').
*/
static int wasted_notifies(const SimRun *r, const SimObject *c, int32_t since,
                           int32_t *wakes, int max) {
  int k = 0;
  for (int32_t i = c->last_ev; i > since; i = r->events[i].prev_obj) { /* since >= 0 */
    const SimEvent *e = &r->events[i];
    if (e->op != OP_CV_WAKE || e->aux <= since || r->events[e->aux].op != OP_NOTIFY)
      continue;
    if (waited_again(r, c, i) < 0) continue;
    if (k == max) /* keep the oldest */
      memmove(wakes, wakes + 1, sizeof *wakes * (size_t)--k);
    wakes[k++] = i;
  }
  for (int a = 0, b = k - 1; a < b; a++, b--) { /* newest first -> oldest first */
    int32_t x = wakes[a];
    wakes[a] = wakes[b];
    wakes[b] = x;
  }
  return k;
}

/* The last notify on 'c' before event 'before', if it woke nobody and no
   notify came after it; or -1. */
static int32_t early_notify(const SimRun *r, const SimObject *c, int32_t before) {
  for (int32_t i = c->last_ev; i >= 0; i = r->events[i].prev_obj) {
    const SimEvent *e = &r->events[i];
    if ((e->op != OP_NOTIFY && e->op != OP_NOTIFY_ALL) || (e->flags & EV_RAISED))
      continue;
    if (i > before) return -1; /* a later notify went to someone else */
    return e->value.u.i == 0 ? i : -1;
  }
  return -1;
}

/* Did thread 'tid' read shared state between events 'from' and 'to' (a
   predicate it checked under the lock before it waited)? */
static int checked_between(const SimRun *r, int32_t tid, int32_t from, int32_t to) {
  for (int32_t i = from + 1; i < to && i >= 0 && (uint32_t)i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->tid == tid && e->op == OP_READ && e->obj >= 0 && r->objs[e->obj].cls->location)
      return 1;
  }
  return 0;
}

/* The early notify (early_notify) that the waiters tids[0..n), parked at
   at[i], missed: unless each of them checked a predicate after it and
   before its wait() (the notify was not lost: what it signalled was taken,
   and the waiter waits for more); or -1. */
static int32_t missed_notify(const SimRun *r, const SimObject *c, const int32_t *tids, int n,
                             const int32_t *at, int32_t since) {
  int32_t early = since >= 0 ? early_notify(r, c, since) : -1;
  for (int i = 0; early >= 0 && i < n; i++)
    if (at[i] >= 0 && !checked_between(r, tids[i], early, at[i])) return early;
  return -1;
}

static const char *const advice_wasted =
    "A notify() wakes one waiter, and it may be one that cannot proceed: use "
    "notify_all(), or one Condition per predicate";
static const char *const advice_early =
    "A Condition does not remember a notify() that comes before the wait(): check the "
    "predicate under the lock and wait only while it is false (while not pred() do "
    "cond:wait() end, or wait_for)";
static const char *const advice_lost =
    "A lost wake-up: a notify() that came before the wait(), or one that woke a waiter "
    "who could not proceed; re-check the condition in a loop, use notify_all(), or one "
    "Condition per predicate";

/* The earliest wait() among tids[0..n) (each parked in its 'at[i]'), or -1. */
static int32_t earliest(const SimRun *r, const SimObject *c, const int32_t *tids, int n,
                        int32_t *at) {
  int32_t since = -1;
  for (int i = 0; i < n; i++) {
    at[i] = parked_at(r, c, tids[i]);
    if (at[i] >= 0 && (since < 0 || at[i] < since)) since = at[i];
  }
  return since;
}

/*
** The advice for every wait on 'c' that nobody will notify: the cause seen
** for any of them (a notify() that woke a waiter who could not proceed, one
** that came before the wait) decides it, so that the finding gives one.
*/
static const char *lost_advice(const SimRun *r, const SimObject *c) {
  int32_t tids[64], at[64], wakes[1];
  int n = wait_list(r, c->id, WAIT_OP(OP_CV_WAKE), WAIT_UNWOKEN | WAIT_UNEXPIRED, tids, 64);
  if (n > 64) n = 64;
  int32_t since = earliest(r, c, tids, n, at);
  if (since < 0) return advice_lost;
  if (wasted_notifies(r, c, since, wakes, 1)) return advice_wasted;
  return missed_notify(r, c, tids, n, at, since) >= 0 ? advice_early : advice_lost;
}

/* Unsignalled waiters tids[0..n): say which notify went astray, if any did
   (then 1). */
static int explain_lost(const SimRun *r, const SimObject *c, const int32_t *tids, int n,
                        StrBuf *out) {
  int32_t at[64], wakes[3];
  if (n > 64) n = 64;
  int32_t since = earliest(r, c, tids, n, at);
  int k = since >= 0 ? wasted_notifies(r, c, since, wakes, 3) : 0;
  if (k) {
    sb_puts(out, ": ");
    for (int i = 0; i < k; i++) {
      const SimEvent *w = &r->events[wakes[i]], *nt = &r->events[w->aux];
      sb_printf(out, "%sthe notify() by %s at ", i ? ", then " : "",
                thread_name(r, nt->tid));
      put_step(r, w->aux, out);
      sb_printf(out, " woke %s, which could not proceed and waited again",
                thread_name(r, w->tid));
      run_puts_event_where(r, &r->events[waited_again(r, c, wakes[i])], out);
    }
    int32_t missed[64];
    int nm = 0;
    for (int i = 0; i < n; i++)
      if (at[i] >= 0 && at[i] < r->events[wakes[0]].aux) missed[nm++] = tids[i];
    if (nm) {
      sb_puts(out, ", and no notify() reached ");
      run_format_threads(r, missed, nm, out);
    }
    return 1;
  }
  int32_t early = missed_notify(r, c, tids, n, at, since);
  if (early < 0) return 0;
  sb_printf(out, ": the last notify() on it, by %s at ",
            thread_name(r, r->events[early].tid));
  put_step(r, early, out);
  sb_printf(out,
            n > 1 ? ", came before their wait()s (the first at step %u) and woke nobody"
                  : ", came before its wait() at step %u and woke nobody",
            (unsigned)since + 1);
  return 1;
}

static const char *const advice_nested =
    "A nested-monitor lockout: wait() releases only the Condition's own lock, so a thread "
    "that needs another lock the waiter keeps can never reach its notify(); release that "
    "lock before waiting, or make it the Condition's lock (Condition(lock))";

/*
** A thread blocked acquiring a lock that one of the waiters tids[0..n) holds
** while it waits on 'c' (a lock other than c's own, which wait() released):
** the thread that would notify them is locked out.  Its id (and the lock,
** the waiter holding it), or -1.
*/
static int32_t locked_out(const SimRun *r, const SimObject *c, const int32_t *tids, int n,
                          const SimObject **held, int32_t *holder) {
  const SimObject *own = lock_of(r, c);
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    if (!thread_alive(t) || t->pend.op != OP_ACQUIRE || t->pend.obj < 0) continue;
    const SimObject *lk = &r->objs[t->pend.obj];
    if (lk == own || !lk->cls->waits_for) continue;
    int32_t owner = lk->cls->waits_for(r, lk, t);
    for (int k = 0; k < n && owner >= 0; k++)
      if (tids[k] == owner) {
        *held = lk, *holder = owner;
        return i;
      }
  }
  return -1;
}

static const char *cond_explain(const SimRun *r, const SimObject *c, const int32_t *tids,
                                int n, StrBuf *out, int32_t *because) {
  const SimObject *held;
  int32_t holder, out_tid = signalled(r, &r->threads[tids[0]])
                                 ? -1 : locked_out(r, c, tids, n, &held, &holder);
  if (out_tid >= 0) {
    sb_printf(out, "%s on Condition '%s' while ", obj_verb(n, "waits", "wait"),
              obj_name(r, c->id));
    if (n > 1) sb_printf(out, "%s ", thread_name(r, holder));
    sb_printf(out, "%s %s '%s', which wait() does not release, and %s needs it to go on",
              n > 1 ? "holds" : "it holds", held->cls->kind, obj_name(r, held->id),
              thread_name(r, out_tid));
    return advice_nested;
  }
  if (signalled(r, &r->threads[tids[0]])) {
    sb_printf(out, "%s notified on Condition '%s' but ", obj_verb(n, "was", "were"),
              obj_name(r, c->id));
    const SimObject *lk = lock_of(r, c);
    return lk->cls->explain(r, lk, tids, n, out, because);
  }
  sb_printf(out, "%s on Condition '%s' and nobody is left to notify %s",
            obj_verb(n, "waits", "wait"), obj_name(r, c->id), obj_verb(n, "it", "them"));
  /* a lost wake-up; or a notifier that an error ended, the notifies it
     made all taken (which a lost wake-up would not explain) */
  if (explain_lost(r, c, tids, n, out)) return lost_advice(r, c);
  if (run_raised_after(r, c, UINT64_C(1) << OP_NOTIFY | UINT64_C(1) << OP_NOTIFY_ALL, out,
                       because))
    return NULL;
  return lost_advice(r, c);
}

/* A wake could come before 'before' only if its notify was earlier. */
static int cond_enabled_before(const SimEvent *e, const SimEvent *ev, uint32_t before) {
  (void)ev;
  return e->aux >= 0 && (uint32_t)e->aux < before;
}

const ObjClass condition_class = {"Condition", cond_ready, cond_waits_for,
                                  cond_explain, cond_enabled_before, 0, 0, NULL,
                                  OBJ_WAKEUP_ORDER | OBJ_LOCK_VIEW};

/* The threads parked in wait() on 'c' and not yet notified, oldest first. */
static int waiters(const SimRun *r, const SimObject *c, int32_t *out, int max) {
  int n = wait_list(r, c->id, WAIT_OP(OP_CV_WAKE), WAIT_UNWOKEN, out, max);
  return n < max ? n : max;
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
    return sched_raise(L, "RuntimeError", "cannot wait on un-acquired lock");
  }
  SimEvent *e = sched_event(L, OP_CV_WAIT, c->id);
  if (t->pend.flags & PEND_OVERFLOW) { /* (Python lets go of the lock for an instant first) */
    e->flags |= EV_RAISED;
    return lapi_raise_overflow(L, t->pend.flags);
  }
  if (!isinf(deadline)) {
    e->value.tag = VAL_NUM;
    e->value.u.d = deadline - r->vtime;
  }
  int32_t count = lock_release_all(L, lock_of(r, c), 0);
  PendingOp op = {.op = OP_CV_WAKE, .flags = PEND_SELF_TIMED, .obj = c->id,
                  .a = count, .deadline = deadline, .line = t->pend.line,
                  .site = t->pend.site};
  return sched_op(L, &op, wake_k, ctx);
}

/* wait([timeout]) -> true, or false when it timed out */
static int Condition_wait(lua_State *L) {
  SimObject *c = lapi_check1(L, 1, &condition_class);
  double deadline = lapi_wait_timeout(L, 2, "wait");
  PendingOp op = {.op = OP_CV_WAIT, .obj = c->id, .deadline = deadline};
  if (lua_type(L, 2) == LUA_TNUMBER) op.flags = (uint16_t)lapi_overflow(L, lua_tonumber(L, 2), 0);
  if (op.flags) op.deadline = INFINITY;
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
    return sched_raise(L, "RuntimeError", "cannot notify on un-acquired lock");
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
    wait_wake(r, buf[i], ev);
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
    SimObject *lk = lapi_to_object(L, 1); /* (an argument, not an object of ours) */
    if (!lk || (lk->cls != &lock_class && lk->cls != &rlock_class))
      return sched_raise(L, "TypeError", "Condition: a Lock or RLock expected, got %s",
                         lk ? lk->cls->kind : luaL_typename(L, 1));
    lock = lk->id;
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
