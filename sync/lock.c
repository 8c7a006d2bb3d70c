/*
** lock.c - Lock, RLock, Semaphore and BoundedSemaphore on one counting
** core (as shuttle builds its Mutex and RwLock on one batch semaphore).
**
** Python semantics (threading; asyncio in async mode):
**   Lock       value 1/0; release of an unlocked lock raises RuntimeError;
**              any thread may release it (Python's Lock has no owner), but
**              the holder is tracked for deadlock reports.
**   RLock      owner and recursion count; release by a thread that does not
**              own it raises RuntimeError.
**   Semaphore  value >= 0 (a negative initial value raises ValueError);
**              release(n) with n < 1 raises ValueError.
**   BoundedSemaphore  release beyond the initial value raises ValueError.
** Which waiter wins a released lock or semaphore: in threads mode every
** blocked acquirer becomes enabled and the scheduler picks (Python promises
** no fairness); in async mode, as in asyncio, a Semaphore's release hands
** the permit to the first waiter, a Lock's wakes the first waiter, which
** takes it when it runs (nobody else may meanwhile), and an uncontended
** acquire does not suspend.
*/
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "lapi.h"
#include "sync.h"

enum { LK_LOCK, LK_RLOCK, LK_SEM, LK_BSEM };

typedef struct LockState {
  int32_t flavor;     /* LK_* */
  int32_t value;      /* permits (Lock and RLock: 1 free, 0 held) */
  int32_t bound;      /* BoundedSemaphore: the initial value */
  int32_t owner;      /* Lock/RLock: the holder, or -1 */
  int32_t count;      /* RLock: recursion depth */
  int32_t owner_line; /* where the holder took it */
  int32_t owner_ev;   /* the event of that acquire */
  CountSeg seg;       /* semaphores: the permits' commuting updates (count.h) */
} LockState;

OBJ_STATE_TYPE(LockState);
#define LS(o) OBJ_STATE(LockState, o)

/* ---- semantics -------------------------------------------------------- */

/* The state an event saw before it happened, for partial-order reduction. */
static int64_t snapshot(const LockState *s) {
  return (int64_t)(uint16_t)s->value | (int64_t)(uint16_t)(s->owner + 1) << 16 |
         (int64_t)s->flavor << 32;
}

static int can_take_state(int flavor, int32_t value, int32_t owner, int32_t tid) {
  if (flavor == LK_RLOCK && owner == tid) return 1;
  return value > 0;
}

/* asyncio's Lock, released to a waiting task: free, but that task's when it
   runs (asyncio's _wake_up_first); nobody else may take it meanwhile. */
static int promised(const SimRun *r, const SimObject *o) {
  if (r->mode != MODE_ASYNC || LS(o)->flavor != LK_LOCK) return 0;
  int32_t first = wait_first(r, o->id, WAIT_OP(OP_ACQUIRE), WAIT_BLOCKING);
  return first >= 0 && r->threads[first].woken;
}

int lock_can_take(const SimRun *r, const SimObject *o, int32_t tid) {
  const LockState *s = LS(o);
  return can_take_state(s->flavor, s->value, s->owner, tid) && !promised(r, o);
}

int64_t lock_snapshot(const SimObject *o) { return snapshot(LS(o)); }

int lock_is_owned(const SimObject *o, int32_t tid) {
  const LockState *s = LS(o);
  if (s->flavor == LK_RLOCK) return s->owner == tid;
  return s->value == 0; /* Python: a Lock that cannot be taken is "owned" */
}

/* Another thread already waits for 'o' (async FIFO). */
static int has_waiter(const SimRun *r, const SimObject *o) {
  return wait_first(r, o->id, WAIT_OP(OP_ACQUIRE), WAIT_BLOCKING) >= 0;
}

static int lock_ready(const SimRun *r, const SimObject *o, const SimThread *t) {
  if (r->mode == MODE_ASYNC) {
    if (t->woken) return 1; /* handed over by a release */
    return lock_can_take(r, o, t->id) && !has_waiter(r, o);
  }
  return lock_can_take(r, o, t->id);
}

static int32_t lock_waits_for(const SimRun *r, const SimObject *o,
                              const SimThread *t) {
  (void)r, (void)t;
  const LockState *s = LS(o);
  return s->flavor <= LK_RLOCK ? s->owner : -1;
}

/*
** The threads that ended holding permits of semaphore 'o' (acquired more
** than they released, by the run's events), each with its last acquire:
** ": client2 (taken at pool.lua:4) and client4 (...) ended holding permits".
** Only for a semaphore used as a pool: where a thread released more than it
** acquired, the semaphore counts something else (items a producer gives),
** and a consumer that took one is no culprit.  Their errors, where an
** error ended them, are causes of the wait; returns 1 if there are any.
*/
#define LEAKERS 8
static int leaked_permits(const SimRun *r, const SimObject *o, StrBuf *out,
                          int32_t *because) {
  int32_t tids[LEAKERS], at[LEAKERS];
  int n = 0, more = 0, giver = 0;
  int64_t *net = util_xcalloc((size_t)r->nthreads + 1, sizeof *net);
  int32_t *last = util_xmalloc(((size_t)r->nthreads + 1) * sizeof *last);
  for (int32_t t = 0; t < r->nthreads; t++) last[t] = -1;
  for (int32_t i = o->last_ev; i >= 0; i = r->events[i].prev_obj) { /* newest first */
    const SimEvent *e = &r->events[i];
    if (e->tid < 0 || e->tid >= r->nthreads || (e->flags & EV_RAISED)) continue;
    if (e->op == OP_ACQUIRE && e->value.u.i) {
      net[e->tid]++;
      if (last[e->tid] < 0) last[e->tid] = i;
    } else if (e->op == OP_RELEASE) {
      net[e->tid] -= e->aux;
    }
  }
  for (int32_t t = 0; t < r->nthreads; t++) {
    giver |= net[t] < 0; /* then not a pool */
    if (net[t] <= 0 || thread_alive(&r->threads[t])) continue;
    if (n == LEAKERS) more = 1;
    else tids[n] = t, at[n++] = last[t];
  }
  free(net);
  free(last);
  if (!n || giver) return 0;
  int raised = 0;
  for (int i = 0; i < n; i++) {
    int32_t err = run_error_of(r, tids[i]);
    run_because(because, err);
    raised |= err >= 0;
  }
  sb_puts(out, ": ");
  for (int i = 0; i < n; i++) {
    if (i) sb_puts(out, i == n - 1 && !more ? " and " : ", ");
    sb_printf(out, "%s (taken", thread_name(r, tids[i]));
    run_puts_event_where(r, &r->events[at[i]], out);
    sb_putc(out, ')');
  }
  sb_printf(out, "%s ended holding %s", more ? " and others" : "",
            n > 1 || more ? "permits they never released" : "a permit it never released");
  return raised;
}

static const char *const advice_raised =
    "A thread that raises while it holds a lock or a permit never releases it: take it "
    "with obj:with(function() ... end) or local _ <close> = obj:hold(), which release it "
    "however the code ends (Python's with)";

static const char *lock_explain(const SimRun *r, const SimObject *o, const int32_t *tids,
                                int n, StrBuf *out, int32_t *because) {
  const LockState *s = LS(o);
  const char *advice = NULL;
  sb_printf(out, "%s to acquire %s '%s'", obj_verb(n, "waits", "wait"), o->cls->kind,
            obj_name(r, o->id));
  if (s->flavor <= LK_RLOCK && s->owner >= 0) {
    if (n == 1 && s->owner == tids[0]) sb_puts(out, ", which it already holds");
    else if (!thread_alive(&r->threads[s->owner])) {
      int32_t err = run_error_of(r, s->owner);
      sb_printf(out, ", held by %s, which ended ", thread_name(r, s->owner));
      if (err >= 0) {
        sb_puts(out, "by ");
        run_format_error(r, &r->events[err], out);
        sb_putc(out, ' ');
        run_because(because, err), advice = advice_raised;
      }
      sb_puts(out, "without releasing it");
    } else {
      sb_printf(out, ", held by %s", thread_name(r, s->owner));
    }
    if (s->owner_line > 0) {
      sb_puts(out, " (taken");
      if (s->owner_ev >= 0 && (uint32_t)s->owner_ev < r->nevents) {
        run_puts_event_where(r, &r->events[s->owner_ev], out);
      } else {
        sb_puts(out, " at ");
        run_format_site(r, s->owner_line, out);
      }
      sb_puts(out, ")");
    }
  } else if (s->flavor >= LK_SEM) {
    sb_puts(out, ", whose value is 0 and which nobody will release");
    if (leaked_permits(r, o, out, because)) advice = advice_raised;
  }
  return advice;
}

static int lock_enabled_before(const SimEvent *e, const SimEvent *ev, uint32_t bi) {
  if (e->op != OP_ACQUIRE) return 1;
  if (e->aux >= 0 && (uint32_t)e->aux < bi) return 1; /* handed over by then */
  int64_t sn = ev[bi].snap;
  int flavor = (int)(sn >> 32);
  int32_t value = (int32_t)(sn & 0xffff), owner = (int32_t)((sn >> 16) & 0xffff) - 1;
  return can_take_state(flavor, value, owner, e->tid);
}

const ObjClass lock_class = {"Lock", lock_ready, lock_waits_for, lock_explain,
                             lock_enabled_before, 1, 0, NULL, OBJ_MUTEX};
const ObjClass rlock_class = {"RLock", lock_ready, lock_waits_for, lock_explain,
                              lock_enabled_before, 1, 0, NULL, OBJ_MUTEX | OBJ_REENTRANT};
const ObjClass semaphore_class = {"Semaphore", lock_ready, lock_waits_for,
                                  lock_explain, lock_enabled_before, 1, 0, NULL, 0};
const ObjClass bounded_semaphore_class = {"BoundedSemaphore", lock_ready,
                                          lock_waits_for, lock_explain,
                                          lock_enabled_before, 1, 0, NULL, 0};
const ObjClass *const lock_family[] = {&lock_class, &rlock_class, &semaphore_class,
                                       &bounded_semaphore_class, NULL};

static void take(LockState *s, int32_t tid) {
  if (s->flavor == LK_RLOCK && s->owner == tid) {
    s->count++;
    return;
  }
  s->value--;
  if (s->flavor <= LK_RLOCK) s->owner = tid, s->count = 1;
}

/*
** Async mode: hand the free permits to the first waiters not yet woken
** (asyncio's FIFO hand-over), each woken by event 'ev' with its permit
** already its own.  asyncio's Lock instead wakes its first waiter, unless
** that one is woken already, and stays unlocked until the waiter runs and
** takes it (locked() is false meanwhile, and a second release() raises).
*/
static void hand_over(SimRun *r, SimObject *o, int32_t ev) {
  LockState *s = LS(o);
  if (r->mode != MODE_ASYNC) return;
  if (s->flavor == LK_LOCK) {
    int32_t first = wait_first(r, o->id, WAIT_OP(OP_ACQUIRE), WAIT_BLOCKING);
    if (s->value > 0 && first >= 0 && !r->threads[first].woken) wait_wake(r, first, ev);
    return;
  }
  while (s->value > 0) {
    int32_t first = wait_first(r, o->id, WAIT_OP(OP_ACQUIRE), WAIT_BLOCKING | WAIT_UNWOKEN);
    if (first < 0) break;
    take(s, first);
    wait_wake(r, first, ev);
  }
}

/* Give back 'n' permits (to the first waiters in async mode). */
static void give(lua_State *L, SimObject *o, int32_t n, int32_t ev) {
  LockState *s = LS(o);
  if (s->flavor <= LK_RLOCK) s->owner = -1, s->count = 0;
  s->value += n;
  hand_over(sched_run_of(L), o, ev);
}

/*
** A semaphore's permits commute (count.h): in threads mode a plain
** Semaphore's release is an update, and so is an acquire that blocks
** without a timeout and takes a free permit.  Everything else on it (timed
** and non-blocking attempts, a BoundedSemaphore's release, which reads the
** bound) writes and begins a new segment.  Lock and RLock are unchanged, and
** so is async mode, whose first-come first-served line orders every waiter.
*/
static int counts(const SimRun *r, const LockState *s) {
  return r->mode != MODE_ASYNC && s->flavor >= LK_SEM;
}

static void count_acquire(SimRun *r, LockState *s, const SimThread *t, int got) {
  SimEvent *e = &r->events[r->nevents - 1];
  if (!counts(r, s)) return;
  if (got && !(t->pend.flags & PEND_NOWAIT) && isinf(t->pend.deadline))
    count_take(&s->seg, e, F_MAIN, s->value);
  else count_after(&s->seg, e, F_MAIN, s->value);
}

static void count_release(SimRun *r, LockState *s) {
  SimEvent *e = &r->events[r->nevents - 1];
  if (!counts(r, s)) return;
  if (s->flavor == LK_SEM && !(e->flags & EV_RAISED)) count_give(e, F_MAIN);
  else count_after(&s->seg, e, F_MAIN, s->value);
}

/* ---- operations (shared with Condition) ------------------------------- */

/* Record an acquire by the current thread; 'got' says whether it succeeded. */
static int finish_acquire(lua_State *L, SimObject *o, int got, int64_t snap) {
  SimThread *t = sched_self(L);
  SimRun *r = sched_run_of(L);
  SimEvent *e = sched_event(L, OP_ACQUIRE, o->id);
  e->snap = snap;
  e->value.tag = VAL_BOOL;
  e->value.u.i = got;
  if (!got) e->flags |= (t->pend.flags & PEND_NOWAIT) ? EV_FAILED : EV_TIMEOUT;
  /* aux: the release that handed it over (an async acquire()), for the
     reduction; a Condition waiter's wake-up is the notify's, not this */
  e->aux = got && r->mode == MODE_ASYNC && t->woken && t->pend.op == OP_ACQUIRE ? t->wake_ev
                                                                                : -1;
  if (got) {
    LockState *s = LS(o);
    s->owner_line = e->line;
    s->owner_ev = (int32_t)(r->nevents - 1);
  }
  return got;
}

/* ctx: the lock-core object id */
static int acquire_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  SimThread *t = sched_self(L);
  LockState *s = LS(o);
  int64_t snap = snapshot(s);
  int got = 0;
  if (r->mode == MODE_ASYNC && t->woken) { /* handed over already (a Lock: promised) */
    if (s->flavor == LK_LOCK) take(s, t->id);
    got = 1;
  } else if (lock_can_take(r, o, t->id) &&
           (r->mode != MODE_ASYNC || (t->pend.flags & PEND_NOWAIT) || !has_waiter(r, o)))
    take(s, t->id), got = 1;
  finish_acquire(L, o, got, snap);
  count_acquire(r, s, t, got);
  if (!got && (t->pend.flags & PEND_OVERFLOW)) { /* it would have waited */
    r->events[r->nevents - 1].flags |= EV_RAISED;
    return lapi_raise_overflow(L, t->pend.flags);
  }
  lua_pushboolean(L, got);
  /* asyncio's Semaphore.acquire(), leaving: permits released while this task
     was handed one (or timed out) went to nobody then; the next waiters get
     them now */
  if (s->flavor >= LK_SEM && !(t->pend.flags & PEND_NOWAIT))
    hand_over(r, o, (int32_t)(r->nevents - 1));
  return 1;
}

/* ctx: object id | n << 32 */
static int release_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx & 0xffffffff];
  int32_t n = (int32_t)(ctx >> 32);
  SimThread *t = sched_self(L);
  LockState *s = LS(o);
  int64_t snap = snapshot(s);
  const char *err = NULL, *etype = "RuntimeError";
  if (s->flavor == LK_LOCK && s->value > 0)
    err = r->mode == MODE_ASYNC ? "Lock is not acquired." : "release unlocked lock";
  else if (s->flavor == LK_RLOCK && s->owner != t->id)
    err = "cannot release un-acquired lock";
  else if (s->flavor == LK_BSEM && s->value + n > s->bound)
    err = "Semaphore released too many times", etype = "ValueError";
  SimEvent *e = sched_event(L, OP_RELEASE, o->id);
  e->snap = snap;
  e->aux = n;
  int32_t ev = (int32_t)(r->nevents - 1);
  if (err) {
    e->flags |= EV_RAISED;
    count_release(r, s);
    return sched_raise(L, etype, "%s", err);
  }
  if (s->flavor == LK_RLOCK && s->count > 1) {
    s->count--;
    e->value.tag = VAL_INT;
    e->value.u.i = s->count;
    return 0;
  }
  give(L, o, n, ev);
  count_release(r, s);
  return 0;
}

static int do_release(lua_State *L, SimObject *o, int32_t n) {
  PendingOp op = {.op = OP_RELEASE, .obj = o->id, .a = n, .deadline = INFINITY};
  return sched_op(L, &op, release_k, (lua_KContext)o->id | (lua_KContext)n << 32);
}

int32_t lock_release_all(lua_State *L, SimObject *o, int op_flags) {
  SimRun *r = sched_run_of(L);
  LockState *s = LS(o);
  int64_t snap = snapshot(s);
  int32_t count = s->flavor == LK_RLOCK ? s->count : 1;
  SimEvent *e = sched_event(L, OP_RELEASE, o->id);
  e->snap = snap;
  e->flags |= (uint16_t)op_flags;
  e->aux = count;
  give(L, o, 1, (int32_t)(r->nevents - 1));
  count_after(&s->seg, &r->events[r->nevents - 1], F_MAIN, s->value);
  return count;
}

void lock_take_count(lua_State *L, SimObject *o, int32_t count, int op_flags) {
  SimThread *t = sched_self(L);
  LockState *s = LS(o);
  int64_t snap = snapshot(s);
  SimRun *r = sched_run_of(L);
  if (!(r->mode == MODE_ASYNC && t->woken && s->owner == t->id && s->flavor != LK_LOCK))
    take(s, t->id);
  if (s->flavor == LK_RLOCK) s->count = count;
  finish_acquire(L, o, 1, snap);
  r->events[r->nevents - 1].flags |= (uint16_t)op_flags;
  count_after(&s->seg, &r->events[r->nevents - 1], F_MAIN, s->value);
}

/* ---- bindings --------------------------------------------------------- */

/* The lock-core object behind a lock-like handle (a Condition's lock). */
static SimObject *core_of(lua_State *L, int idx) {
  SimObject *o = lapi_to_object(L, idx);
  if (o && (o->cls->traits & OBJ_LOCK_VIEW)) return &sched_run_of(L)->objs[o->link];
  for (int i = 0; o && lock_family[i]; i++) /* (the handle is looked at once) */
    if (o->cls == lock_family[i]) return o;
  return lapi_check(L, idx, lock_family, "a Lock, RLock, Semaphore or Condition");
}

/* acquire([blocking=true], [timeout]) -> boolean */
static int Lock_acquire(lua_State *L) {
  SimObject *o = core_of(L, 1);
  LockState *s = LS(o);
  if (!lua_isnoneornil(L, 2) && !lua_isboolean(L, 2))
    return sched_raise(L, "TypeError",
                      "acquire: argument 1 is 'blocking' (a boolean); give the "
                      "timeout second: acquire(true, %s)",
                      lua_tostring(L, 2) ? lua_tostring(L, 2) : "seconds");
  int blocking = lapi_optbool(L, 2, 1, "acquire");
  int has_timeout = !lua_isnoneornil(L, 3) &&
                    !(s->flavor <= LK_RLOCK && lua_type(L, 3) == LUA_TNUMBER &&
                      lua_tonumber(L, 3) == -1);
  int lock = s->flavor <= LK_RLOCK;
  /* _thread's Lock converts the timeout first, then checks the rest;
     threading's Semaphore overflows only where it waits (its Condition) */
  unsigned over = lua_type(L, 3) == LUA_TNUMBER ? lapi_overflow(L, lua_tonumber(L, 3), lock) : 0;
  if (lock && (over & PEND_OVERFLOW_TS)) return lapi_raise_overflow(L, over);
  if (!blocking && has_timeout)
    return sched_arg_error(L, !lock ? "can't specify timeout for non-blocking acquire"
                                    : "can't specify a timeout for a non-blocking call");
  if (lock && over) return lapi_raise_overflow(L, over);
  double deadline;
  if (has_timeout && !lock && lua_type(L, 3) == LUA_TNUMBER && lua_tonumber(L, 3) < 0)
    deadline = sched_run_of(L)->vtime; /* Python: a negative timeout gives up at once */
  else deadline = has_timeout && !over ? lapi_timeout(L, 3, "acquire") : INFINITY;
  PendingOp op = {.op = OP_ACQUIRE, .obj = o->id, .deadline = deadline};
  if (!blocking) op.flags |= PEND_NOWAIT;
  if (over) op.flags |= (uint16_t)(PEND_NOWAIT | over);
  return sched_op(L, &op, acquire_k, o->id);
}

/* release([n=1]) */
static int Lock_release(lua_State *L) {
  SimObject *o = core_of(L, 1);
  int32_t n = 1;
  if (!lua_isnoneornil(L, 2)) {
    if (LS(o)->flavor < LK_SEM)
      return sched_raise(L, "TypeError", "release() takes no arguments for a %s",
                        o->cls->kind);
    if (!lua_isinteger(L, 2)) return lapi_type_error(L, 2, "release", "an integer");
    lua_Integer v = lua_tointeger(L, 2);
    if (v < 1) return sched_arg_error(L, "n must be one or more");
    if (v > 1000000) return sched_arg_error(L, "n is too large");
    n = (int32_t)v;
  }
  return do_release(L, o, n);
}

/* __close: release, ignoring the error argument Lua passes. */
static int Lock_close(lua_State *L) {
  SimObject *o = core_of(L, 1);
  return do_release(L, o, 1);
}

/* hold(): acquire and return self, for `local _ <close> = lock:hold()`. */
static int hold_k(lua_State *L, int status, lua_KContext ctx) {
  acquire_k(L, status, ctx);
  lua_pushvalue(L, 1);
  return 1;
}

static int Lock_hold(lua_State *L) {
  SimObject *o = core_of(L, 1);
  lua_settop(L, 1);
  PendingOp op = {.op = OP_ACQUIRE, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, hold_k, o->id);
}

static int locked_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  LockState *s = LS(o);
  SimEvent *e = sched_event(L, OP_LOCKED, o->id);
  e->snap = snapshot(s);
  /* asyncio's Semaphore is locked while tasks wait for it too, even with
     permits free for an instant (its FIFO rule) */
  int locked = s->value == 0 ||
               (r->mode == MODE_ASYNC && s->flavor >= LK_SEM && has_waiter(r, o));
  e->value.tag = VAL_BOOL;
  e->value.u.i = locked;
  lua_pushboolean(L, locked);
  return 1;
}

static int Lock_locked(lua_State *L) {
  SimObject *o = core_of(L, 1);
  PendingOp op = {.op = OP_LOCKED, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, locked_k, o->id);
}

/* Fields: name, and for semaphores the current value ('_value' in Python). */
static int Lock_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  SimObject *o = lapi_to_object(L, 1);
  const char *k = lua_tostring(L, 2);
  if (o && k && strcmp(k, "name") == 0) {
    lua_pushstring(L, obj_full_name(sched_run_of(L), o->id));
    return 1;
  }
  return 0;
}

static int make_lock(lua_State *L, const ObjClass *cls, int flavor, int32_t value) {
  int nameidx = lua_gettop(L); /* the last argument, if a string */
  SimObject *o = lapi_new_object(L, cls, nameidx, -1);
  LockState *s = LS(o);
  s->flavor = flavor;
  s->value = s->bound = value;
  s->owner = -1;
  count_reset(&s->seg, value);
  return 1;
}

static int l_Lock(lua_State *L) {
  lapi_only_name(L, "Lock");
  return make_lock(L, &lock_class, LK_LOCK, 1);
}
static int l_RLock(lua_State *L) {
  lapi_only_name(L, "RLock");
  return make_lock(L, &rlock_class, LK_RLOCK, 1);
}

static int make_sem(lua_State *L, const ObjClass *cls, int flavor) {
  lua_Integer v = 1;
  if (lua_type(L, 1) == LUA_TNUMBER) {
    if (!lua_isinteger(L, 1)) return lapi_type_error(L, 1, cls->kind, "an integer value");
    v = lua_tointeger(L, 1);
    if (v < 0) return sched_arg_error(L, "semaphore initial value must be >= 0");
    if (v > 30000) return sched_arg_error(L, "semaphore initial value is too large (at most 30000)");
  } else if (!lua_isnoneornil(L, 1) && lua_type(L, 1) != LUA_TSTRING) {
    return lapi_type_error(L, 1, cls->kind, "an integer value");
  }
  return make_lock(L, cls, flavor, (int32_t)v);
}

static int l_Semaphore(lua_State *L) { return make_sem(L, &semaphore_class, LK_SEM); }
static int l_BoundedSemaphore(lua_State *L) {
  return make_sem(L, &bounded_semaphore_class, LK_BSEM);
}

void sync_methods(lua_State *L, const ObjClass *cls) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, cls);
  if (lua_getfield(L, -1, "__methods") == LUA_TNIL) {
    lua_pop(L, 1);
    lua_getfield(L, -1, "__index");
  }
  lua_remove(L, -2);
}

const luaL_Reg lock_methods[] = {{"acquire", Lock_acquire},
                                 {"release", Lock_release},
                                 {"locked", Lock_locked},
                                 {"hold", Lock_hold},
                                 {NULL, NULL}};

/* Give class 'cls' the lock methods and the __close of hold(). */
void lock_register(lua_State *L, const ObjClass *cls, const luaL_Reg *extra) {
  lapi_class(L, cls, lock_methods, Lock_index);
  lua_rawgetp(L, LUA_REGISTRYINDEX, cls);
  lua_pushcfunction(L, Lock_close);
  lua_setfield(L, -2, "__close");
  if (extra) {
    lua_getfield(L, -1, "__methods");
    luaL_setfuncs(L, extra, 0);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

SimObject *lock_new_internal(lua_State *L, const char *name, int reentrant) {
  SimRun *r = sched_run_of(L);
  SimObject *o = run_new_object(r, reentrant ? &rlock_class : &lock_class, name,
                                sched_line(L), -1);
  LockState *s = LS(o);
  s->flavor = reentrant ? LK_RLOCK : LK_LOCK;
  s->value = s->bound = 1;
  s->owner = -1;
  return o;
}

void lock_open(lua_State *L, int base) {
  for (int i = 0; lock_family[i]; i++) lock_register(L, lock_family[i], NULL);
  static const luaL_Reg globals[] = {{"Lock", l_Lock},
                                     {"RLock", l_RLock},
                                     {"Semaphore", l_Semaphore},
                                     {"BoundedSemaphore", l_BoundedSemaphore},
                                     {NULL, NULL}};
  lua_pushvalue(L, base);
  luaL_setfuncs(L, globals, 0);
  lua_pop(L, 1);
}

