/*
** queue.c - Queue, LifoQueue and PriorityQueue ([maxsize=0], [name]):
** Python's queue module (asyncio.Queue in async mode).
**
** put(item, [block=true], [timeout]) blocks while a bounded queue is full;
** get([block=true], [timeout]) while it is empty.  A non-blocking or timed
** out put raises Full, get raises Empty.  nil is a valid item (as None is in
** Python).  Every put counts an unfinished task; task_done() finishes one
** (too many raise ValueError) and join() waits until none is left.
** PriorityQueue pops the smallest item: numbers, strings, or arrays compared
** element by element like Python tuples ({1, "low"} < {2, "high"}).
*/
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "count.h"
#include "lapi.h"
#include "sync.h"

enum { Q_FIFO, Q_LIFO, Q_PRIO };

typedef struct QueueState {
  int32_t kind;
  int32_t maxsize; /* <= 0: unbounded */
  int32_t size;
  int32_t head; /* FIFO: index of the first item */
  int32_t unfinished;
  double given; /* maxsize as given (Python keeps a float one) */
  CountSeg seg; /* the unfinished count's commuting updates (count.h) */
} QueueState;

OBJ_STATE_TYPE(QueueState);
#define QS(o) OBJ_STATE(QueueState, o)

static const char *const qkinds[] = {"Queue", "LifoQueue", "PriorityQueue"};

/* ---- semantics -------------------------------------------------------- */

static int full(const QueueState *q) { return q->maxsize > 0 && q->size >= q->maxsize; }

static int queue_ready(const SimRun *r, const SimObject *o, const SimThread *t) {
  const QueueState *q = QS(o);
  int ok;
  switch (t->pend.op) {
  case OP_Q_GET: ok = q->size > 0; break;
  case OP_Q_PUT: ok = !full(q); break;
  default: return q->unfinished == 0; /* join */
  }
  /* asyncio: a suspended getter or putter runs only once woken */
  if (r->mode == MODE_ASYNC && t->state == TS_READY && !t->woken) return 0;
  return ok;
}

/* Did event 'e' (an empty(), full() or qsize() check) tell its thread to go
   on and call 'op' (get: the queue had items; put: it had room)? */
static int said_go(const SimEvent *e, int op, int32_t maxsize) {
  if (e->op == OP_Q_QSIZE)
    return op == OP_Q_GET ? e->value.u.i > 0 : maxsize > 0 && e->value.u.i < maxsize;
  if (e->op == OP_Q_EMPTY && op == OP_Q_GET) return e->value.u.i == 0;
  if (e->op == OP_Q_FULL && op == OP_Q_PUT) return e->value.u.i == 0;
  return 0;
}

/*
** Check-then-act: the last operation of thread 'tid' on the queue was a
** check that said "go on", and another thread's get (or put) took the last
** item (or the last free place) before its own.  Returns the event of that
** check and sets '*other' to the other thread's operation, or returns -1.
*/
static int32_t check_then_act(const SimRun *r, const SimObject *o, int32_t tid,
                              int32_t *other) {
  int op = r->threads[tid].pend.op;
  int32_t i = o->last_ev;
  *other = -1;
  for (; i >= 0 && r->events[i].tid != tid; i = r->events[i].prev_obj) {
    const SimEvent *e = &r->events[i];
    if (*other < 0 && e->op == op && !(e->flags & (EV_RAISED | EV_FAILED | EV_TIMEOUT)))
      *other = i;
  }
  if (i < 0 || *other < 0 || !said_go(&r->events[i], op, QS(o)->maxsize)) return -1;
  return i;
}

/* "its empty() at step 7 (c.lua:4) returned false, but consumer1 took the
   last item at step 9 (c.lua:5) before this get()" */
static void put_check_then_act(const SimRun *r, int32_t tid, int one, int32_t check,
                               int32_t other, StrBuf *out) {
  const SimEvent *c = &r->events[check], *g = &r->events[other];
  if (one) sb_puts(out, "its ");
  else sb_printf(out, "%s's ", thread_name(r, tid));
  sb_printf(out, "%s() at step %u (", op_name(c->op), (unsigned)check + 1);
  run_format_event_at(r, c, out);
  sb_puts(out, ") returned ");
  run_format_value(r, &c->value, out);
  sb_printf(out, ", but %s %s at step %u (", thread_name(r, g->tid),
            g->op == OP_Q_GET ? "took the last item" : "took the last free place",
            (unsigned)other + 1);
  run_format_event_at(r, g, out);
  sb_printf(out, ") before %s %s()", one ? "this" : "its", op_name(g->op));
}

static const char *const advice_get =
    "Checking empty() or qsize() and then calling get() is check-then-act: another "
    "thread can take the item in between; call get_nowait() and handle Empty (or get() "
    "with a timeout) instead";
static const char *const advice_put =
    "Checking full() or qsize() and then calling put() is check-then-act: another thread "
    "can fill the queue in between; call put_nowait() and handle Full (or put() with a "
    "timeout) instead";

/* The causes seen for tids[0..n) (check-then-act), then "no live thread
   will 'what'()"; returns how many causes were seen. */
static int put_causes(const SimRun *r, const SimObject *o, const int32_t *tids, int n,
                      const char *what, StrBuf *out) {
  int k = 0;
  for (int i = 0; i < n; i++) {
    int32_t other, check = check_then_act(r, o, tids[i], &other);
    if (check < 0) continue;
    if (k++) sb_puts(out, ", ");
    put_check_then_act(r, tids[i], n == 1, check, other, out);
  }
  sb_printf(out, "%sno live thread will %s()", k ? ", and " : "", what);
  return k;
}

static const char *queue_explain(const SimRun *r, const SimObject *o, const int32_t *tids,
                                 int n, StrBuf *out, int32_t *because) {
  const QueueState *q = QS(o);
  const char *name = obj_name(r, o->id), *verb = obj_verb(n, "waits", "wait");
  switch (r->threads[tids[0]].pend.op) {
  case OP_Q_GET:
    sb_printf(out, "%s in get() on %s '%s', which stays empty: ", verb, qkinds[q->kind],
              name);
    if (put_causes(r, o, tids, n, "put", out)) return advice_get;
    run_raised_after(r, o, UINT64_C(1) << OP_Q_PUT, out, because);
    return NULL;
  case OP_Q_PUT:
    sb_printf(out, "%s in put() on %s '%s', full at %d item%s: ", verb, qkinds[q->kind],
              name, (int)q->maxsize, q->maxsize == 1 ? "" : "s");
    if (put_causes(r, o, tids, n, "get", out)) return advice_put;
    run_raised_after(r, o, UINT64_C(1) << OP_Q_GET, out, because);
    return NULL;
  default:
    sb_printf(out, "%s in join() on %s '%s' for %d task_done() call%s that never come%s",
              verb, qkinds[q->kind], name, (int)q->unfinished,
              q->unfinished == 1 ? "" : "s", q->unfinished == 1 ? "s" : "");
    return NULL;
  }
}

static int64_t snapshot(const QueueState *q) {
  return (int64_t)(uint16_t)q->size | (int64_t)(uint16_t)q->maxsize << 16 |
         (int64_t)q->unfinished << 32;
}

static int queue_enabled_before(const SimEvent *e, const SimEvent *ev, uint32_t before) {
  int64_t sn = ev[before].snap;
  int32_t size = (int32_t)(sn & 0xffff), maxsize = (int16_t)((sn >> 16) & 0xffff);
  int32_t unfinished = (int32_t)(sn >> 32);
  switch (e->op) {
  case OP_Q_GET: return size > 0;
  case OP_Q_PUT: return maxsize <= 0 || size < maxsize;
  case OP_Q_JOIN: return unfinished == 0;
  default: return 1;
  }
}

const ObjClass queue_class = {"Queue", queue_ready, NULL, queue_explain,
                              queue_enabled_before, 0, 0, NULL, 0};

/* Wake the oldest not-yet-woken waiter doing 'op' (async mode), or every
   join() waiter (either mode); returns how many it woke. */
static int wake_next(SimRun *r, SimObject *o, int op, int32_t ev) {
  if (op == OP_Q_JOIN) return wait_wake_all(r, o->id, WAIT_OP(op), WAIT_UNWOKEN, ev);
  if (r->mode != MODE_ASYNC) return 0;
  int32_t w = wait_first(r, o->id, WAIT_OP(op), WAIT_UNWOKEN);
  if (w >= 0) wait_wake(r, w, ev);
  return w >= 0;
}

/* Compare two items like Python: numbers, strings, arrays element-wise. */
static int item_less(lua_State *L, int a, int b, int depth) {
  a = lua_absindex(L, a), b = lua_absindex(L, b);
  int ta = lua_type(L, a), tb = lua_type(L, b);
  if (ta == LUA_TNUMBER && tb == LUA_TNUMBER) return lua_compare(L, a, b, LUA_OPLT);
  if (ta == LUA_TSTRING && tb == LUA_TSTRING) return lua_compare(L, a, b, LUA_OPLT);
  if (ta == LUA_TTABLE && tb == LUA_TTABLE && depth < 8) {
    for (lua_Integer i = 1;; i++) {
      int ea = lua_rawgeti(L, a, i), eb = lua_rawgeti(L, b, i);
      if (ea == LUA_TNIL || eb == LUA_TNIL) {
        lua_pop(L, 2);
        return ea == LUA_TNIL && eb != LUA_TNIL;
      }
      if (item_less(L, -2, -1, depth + 1)) {
        lua_pop(L, 2);
        return 1;
      }
      if (item_less(L, -1, -2, depth + 1)) {
        lua_pop(L, 2);
        return 0;
      }
      lua_pop(L, 2);
    }
  }
  return sched_raise(L, "TypeError", "'<' not supported between instances of '%s' and '%s'",
                    luaL_typename(L, a), luaL_typename(L, b));
}

/* items table at 'it'; the item to add on top of the stack (popped). */
static void push_item(lua_State *L, QueueState *q, int it) {
  if (q->kind == Q_FIFO) {
    lua_rawseti(L, it, q->head + q->size);
  } else if (q->kind == Q_LIFO) {
    lua_rawseti(L, it, q->size + 1);
  } else { /* sift up */
    int i = q->size + 1;
    while (i > 1) {
      int p = i / 2;
      lua_rawgeti(L, it, p);
      if (!item_less(L, -2, -1, 0)) {
        lua_pop(L, 1);
        break;
      }
      lua_rawseti(L, it, i);
      i = p;
    }
    lua_rawseti(L, it, i);
  }
  q->size++;
}

/* Pop the next item onto the stack. */
static void pop_item(lua_State *L, QueueState *q, int it) {
  if (q->kind == Q_FIFO) {
    lua_rawgeti(L, it, q->head);
    lua_pushnil(L);
    lua_rawseti(L, it, q->head);
    q->head++;
    q->size--;
    if (q->size == 0) q->head = 1;
  } else if (q->kind == Q_LIFO) {
    lua_rawgeti(L, it, q->size);
    lua_pushnil(L);
    lua_rawseti(L, it, q->size);
    q->size--;
  } else { /* heap: take the root, sift the last item down */
    lua_rawgeti(L, it, 1);
    int n = q->size;
    lua_rawgeti(L, it, n); /* x */
    lua_pushnil(L);
    lua_rawseti(L, it, n);
    n--;
    q->size = n;
    if (n == 0) {
      lua_pop(L, 1);
      return;
    }
    int i = 1;
    for (;;) {
      int c = 2 * i;
      if (c > n) break;
      lua_rawgeti(L, it, c);
      if (c + 1 <= n) {
        lua_rawgeti(L, it, c + 1);
        if (item_less(L, -1, -2, 0)) {
          lua_remove(L, -2);
          c++;
        } else {
          lua_pop(L, 1);
        }
      }
      if (!item_less(L, -1, -2, 0)) {
        lua_pop(L, 1);
        break;
      }
      lua_rawseti(L, it, i);
      i = c;
    }
    lua_rawseti(L, it, i);
  }
}

/* ---- operations ------------------------------------------------------- */

/* ctx: queue id.  Stack: queue, item, ... */
static int put_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  QueueState *q = QS(o);
  SimThread *t = sched_self(L);
  SimEvent *e = sched_event(L, OP_Q_PUT, o->id);
  e->snap = snapshot(q);
  /* A FIFO put touches the tail: it commutes with a get except the one
     that takes its item or made its room (dpor.c, fifo_partners). */
  if (q->kind == Q_FIFO) {
    e->frd = 0;
    e->fwr = F_TAIL | F_TASKS;
    e->flags |= EV_FIFO;
  }
  lapi_value(L, 2, &r->events[r->nevents - 1].value);
  int32_t ev = (int32_t)(r->nevents - 1);
  if (full(q)) {
    r->events[ev].flags |= ((t->pend.flags & PEND_NOWAIT) ? EV_FAILED : EV_TIMEOUT) | EV_RAISED;
    r->events[ev].frd = F_TAIL | F_ITEMS, r->events[ev].fwr = 0; /* it saw a full queue */
    if (t->pend.flags & PEND_OVERFLOW) return lapi_raise_overflow(L, t->pend.flags);
    return sched_raise(L, "Full", "%s", "");
  }
  lua_getiuservalue(L, 1, 1);
  lua_pushvalue(L, 2);
  push_item(L, q, lua_gettop(L) - 1);
  q->unfinished++;
  /* its count of unfinished tasks commutes with others (count.h); not in
     async mode, where join() and task_done() wake in line */
  if (r->mode != MODE_ASYNC) count_give(&r->events[ev], F_TASKS);
  else count_after(&q->seg, &r->events[ev], F_TASKS, q->unfinished);
  r->events[ev].aux = q->kind == Q_FIFO && q->maxsize > 0 ? q->maxsize : 0; /* EV_FIFO */
  wake_next(r, o, OP_Q_GET, ev);
  return 0;
}

static int get_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  QueueState *q = QS(o);
  SimThread *t = sched_self(L);
  SimEvent *e = sched_event(L, OP_Q_GET, o->id);
  int32_t ev = (int32_t)(r->nevents - 1);
  e->snap = snapshot(q);
  /* A FIFO get touches the head (see put_k). */
  if (q->kind == Q_FIFO) {
    e->frd = 0;
    e->fwr = F_ITEMS;
    e->flags |= EV_FIFO;
  }
  if (q->size == 0) {
    r->events[ev].flags |= ((t->pend.flags & PEND_NOWAIT) ? EV_FAILED : EV_TIMEOUT) | EV_RAISED;
    r->events[ev].frd = F_ITEMS | F_TAIL, r->events[ev].fwr = 0; /* it saw an empty queue */
    if (t->pend.flags & PEND_OVERFLOW) return lapi_raise_overflow(L, t->pend.flags);
    return sched_raise(L, "Empty", "%s", "");
  }
  lua_getiuservalue(L, 1, 1);
  pop_item(L, q, lua_gettop(L));
  lapi_value(L, -1, &r->events[ev].value);
  wake_next(r, o, OP_Q_PUT, ev);
  return 1;
}

/* put(item, [block], [timeout]) */
static int Queue_put(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &queue_class);
  if (lua_gettop(L) < 2)
    return sched_raise(L, "TypeError", "put() missing 1 required argument: 'item' (nil is a valid item: put(nil))");
  int block = lapi_optbool(L, 3, 1, "put");
  double deadline = lapi_timeout(L, 4, "put");
  unsigned over = block && lua_type(L, 4) == LUA_TNUMBER ? lapi_overflow(L, lua_tonumber(L, 4), 0) : 0;
  lua_settop(L, 2);
  PendingOp op = {.op = OP_Q_PUT, .obj = o->id, .deadline = deadline};
  if (!block) op.flags |= PEND_NOWAIT;
  if (over) op.flags |= (uint16_t)(PEND_NOWAIT | over), op.deadline = INFINITY;
  return sched_op(L, &op, put_k, o->id);
}

static int Queue_put_nowait(lua_State *L) {
  lapi_check1(L, 1, &queue_class);
  if (lua_gettop(L) < 2) return sched_raise(L, "TypeError", "put_nowait() missing 1 required argument: 'item'");
  lua_settop(L, 2);
  lua_pushboolean(L, 0);
  return Queue_put(L);
}

/* get([block], [timeout]) */
static int Queue_get(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &queue_class);
  int block = lapi_optbool(L, 2, 1, "get");
  double deadline = lapi_timeout(L, 3, "get");
  unsigned over = block && lua_type(L, 3) == LUA_TNUMBER ? lapi_overflow(L, lua_tonumber(L, 3), 0) : 0;
  lua_settop(L, 1);
  PendingOp op = {.op = OP_Q_GET, .obj = o->id, .deadline = deadline};
  if (!block) op.flags |= PEND_NOWAIT;
  if (over) op.flags |= (uint16_t)(PEND_NOWAIT | over), op.deadline = INFINITY;
  return sched_op(L, &op, get_k, o->id);
}

static int Queue_get_nowait(lua_State *L) {
  lua_settop(L, 1);
  lua_pushboolean(L, 0);
  return Queue_get(L);
}

static int task_done_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  QueueState *q = QS(o);
  SimEvent *e = sched_event(L, OP_Q_TASK_DONE, o->id);
  e->snap = snapshot(q);
  int32_t ev = (int32_t)(r->nevents - 1);
  if (q->unfinished <= 0) {
    e->flags |= EV_RAISED;
    count_after(&q->seg, e, F_TASKS, q->unfinished);
    return sched_raise(L, "ValueError", "task_done() called too many times");
  }
  q->unfinished--;
  if (r->mode != MODE_ASYNC) count_take(&q->seg, e, F_TASKS, q->unfinished);
  else count_after(&q->seg, e, F_TASKS, q->unfinished);
  e->value.tag = VAL_INT;
  e->value.u.i = q->unfinished;
  /* (whoever waits in join() is woken: not a quiet take) */
  if (q->unfinished == 0 && wake_next(r, o, OP_Q_JOIN, ev)) r->events[ev].flags |= EV_WAKES;
  return 0;
}

static int join_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  SimObject *o = &r->objs[ctx];
  SimEvent *e = sched_event(L, OP_Q_JOIN, o->id);
  e->snap = snapshot(QS(o));
  return 0;
}

static int read_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  SimRun *r = sched_run_of(L);
  int which = (int)(ctx >> 32);
  SimObject *o = &r->objs[ctx & 0xffffffff];
  QueueState *q = QS(o);
  SimEvent *e = sched_event(L, which, o->id);
  e->snap = snapshot(q);
  if (which == OP_Q_QSIZE) {
    lua_pushinteger(L, q->size);
    e->value.tag = VAL_INT;
    e->value.u.i = q->size;
  } else {
    int v = which == OP_Q_EMPTY ? q->size == 0 : full(q);
    lua_pushboolean(L, v);
    e->value.tag = VAL_BOOL;
    e->value.u.i = v;
  }
  return 1;
}

static int simple(lua_State *L, int opcode, lua_KFunction k, int which) {
  SimObject *o = lapi_check1(L, 1, &queue_class);
  PendingOp op = {.op = (uint16_t)opcode, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, k, (lua_KContext)o->id | (lua_KContext)which << 32);
}

static int Queue_task_done(lua_State *L) { return simple(L, OP_Q_TASK_DONE, task_done_k, 0); }
static int Queue_join(lua_State *L) { return simple(L, OP_Q_JOIN, join_k, 0); }
static int Queue_qsize(lua_State *L) { return simple(L, OP_Q_QSIZE, read_k, OP_Q_QSIZE); }
static int Queue_empty(lua_State *L) { return simple(L, OP_Q_EMPTY, read_k, OP_Q_EMPTY); }
static int Queue_full(lua_State *L) { return simple(L, OP_Q_FULL, read_k, OP_Q_FULL); }

static int Queue_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  SimObject *o = lapi_check1(L, 1, &queue_class);
  const char *k = lua_tostring(L, 2);
  if (k && strcmp(k, "maxsize") == 0) {
    const QueueState *q = QS(o);
    if (q->given == floor(q->given) && fabs(q->given) < 1e15)
      lua_pushinteger(L, (lua_Integer)q->given);
    else
      lua_pushnumber(L, q->given);
    return 1;
  }
  if (k && strcmp(k, "name") == 0) {
    lua_pushstring(L, obj_full_name(sched_run_of(L), o->id));
    return 1;
  }
  return 0;
}

/*
** Python compares the size with maxsize as given: a float maxsize is
** accepted, Queue(1.3) is full at 2 items (size >= 1.3), one <= 0, NaN or
** infinite never is.  The bound in whole items.
*/
static void bound_of(lua_State *L, double m, int32_t *bound) {
  if (!(m > 0) || isinf(m)) {
    *bound = 0;
    return;
  }
  if (m > 30000) sched_arg_error(L, "maxsize is too large (at most 30000)");
  *bound = (int32_t)ceil(m);
}

static int make_queue(lua_State *L, int kind) {
  double given = 0;
  int32_t bound = 0;
  int nameidx = 0;
  if (lua_type(L, 1) == LUA_TNUMBER) {
    given = lua_tonumber(L, 1);
    bound_of(L, given, &bound);
    if (lua_type(L, 2) == LUA_TSTRING) nameidx = 2;
  } else if (lua_type(L, 1) == LUA_TSTRING) {
    nameidx = 1;
  } else if (!lua_isnoneornil(L, 1)) {
    return lapi_type_error(L, 1, qkinds[kind], "a number (maxsize)");
  }
  if (!nameidx) {
    lua_pushnil(L);
    nameidx = lua_gettop(L);
  }
  char buf[160];
  int32_t line = sched_line(L);
  const char *name = lapi_objname(L, nameidx, qkinds[kind], line, buf, sizeof buf);
  SimRun *r = sched_run_of(L);
  SimObject *o = run_new_object(r, &queue_class, name, line, -1);
  QueueState *q = QS(o);
  q->kind = kind;
  q->maxsize = bound;
  q->given = given;
  q->head = 1;
  count_reset(&q->seg, 0);
  lapi_push_handle(L, &queue_class, o->id);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

static int l_Queue(lua_State *L) { return make_queue(L, Q_FIFO); }
static int l_LifoQueue(lua_State *L) { return make_queue(L, Q_LIFO); }
static int l_PriorityQueue(lua_State *L) { return make_queue(L, Q_PRIO); }

void queue_open(lua_State *L, int base) {
  static const luaL_Reg methods[] = {{"put", Queue_put},
                                     {"put_nowait", Queue_put_nowait},
                                     {"get", Queue_get},
                                     {"get_nowait", Queue_get_nowait},
                                     {"task_done", Queue_task_done},
                                     {"join", Queue_join},
                                     {"qsize", Queue_qsize},
                                     {"empty", Queue_empty},
                                     {"full", Queue_full},
                                     {NULL, NULL}};
  lapi_class(L, &queue_class, methods, Queue_index);
  static const luaL_Reg globals[] = {{"Queue", l_Queue},
                                     {"LifoQueue", l_LifoQueue},
                                     {"PriorityQueue", l_PriorityQueue},
                                     {NULL, NULL}};
  lua_pushvalue(L, base);
  luaL_setfuncs(L, globals, 0);
  lua_pop(L, 1);
}
