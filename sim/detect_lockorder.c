/*
** detect_lockorder.c - potential deadlocks from the lock-order graph
** (Goodlock: Havelund, "Using Runtime Analysis to Guide Model Checking of
** Java Programs", SPIN 2000; Bensalem and Havelund, "Dynamic Deadlock
** Analysis of Multi-Threaded Programs", HVC 2005).
**
** An edge A -> B is recorded when a thread takes B (with a blocking acquire
** without timeout) while it holds A, with the thread, both source lines and
** everything else the thread held (its gate locks).  The graph is kept
** across all the runs of an exploration; locks and threads are identified by
** their stable keys, so the same lock is the same node in every run.  A
** cycle whose edges come from distinct threads, no two of which held a lock
** in common, is a potential deadlock, reported once, even if no run
** deadlocked.  Re-entering an RLock adds no edge; cycles within one thread
** and cycles under a common gate lock are not reported.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "object.h"

#define MAX_HELD 16
#define MAX_CYCLE 6

typedef struct Edge {
  uint64_t from, to;        /* lock keys */
  uint64_t thread;          /* thread key */
  uint64_t held[MAX_HELD];  /* locks held when taking 'to' (includes 'from') */
  int nheld;
  int32_t from_line, to_line;
  char *from_name, *to_name, *thread_name;
  uint64_t first_run, count;
} Edge;

typedef struct Held {
  int32_t obj;
  int32_t line;
  int32_t count; /* RLock recursion */
} Held;

typedef struct LockOrder {
  Detector base;
  Edge *e;
  size_t ne, cap;
  uint64_t *reported; /* signatures of reported cycles */
  size_t nrep, cap_rep;
  /* per run: held locks per thread */
  Held *held;         /* nthreads x MAX_HELD */
  int *nheld;
  size_t cap_threads;
  size_t first_new;   /* edges added by the current run start here */
} LockOrder;

static Detector *lo_create(void) {
  LockOrder *d = util_xcalloc(1, sizeof *d);
  return &d->base;
}

static void lo_destroy(Detector *base) {
  LockOrder *d = (LockOrder *)base;
  for (size_t i = 0; i < d->ne; i++) {
    free(d->e[i].from_name);
    free(d->e[i].to_name);
    free(d->e[i].thread_name);
  }
  free(d->e);
  free(d->reported);
  free(d->held);
  free(d->nheld);
  free(d);
}

static void lo_begin(Detector *base, SimRun *r) {
  (void)r;
  LockOrder *d = (LockOrder *)base;
  if (d->nheld) memset(d->nheld, 0, d->cap_threads * sizeof *d->nheld);
  d->first_new = d->ne;
}

static Held *held_of(LockOrder *d, int32_t tid, int **n) {
  if ((size_t)tid >= d->cap_threads) {
    size_t old = d->cap_threads, cap = old ? old : 8;
    while (cap <= (size_t)tid) cap *= 2;
    d->held = util_xrealloc(d->held, cap * MAX_HELD * sizeof(Held));
    d->nheld = util_xrealloc(d->nheld, cap * sizeof(int));
    memset(d->nheld + old, 0, (cap - old) * sizeof(int));
    d->cap_threads = cap;
  }
  *n = &d->nheld[tid];
  return d->held + (size_t)tid * MAX_HELD;
}

static int is_mutex(const SimObject *o) {
  return o->cls->lock_like && (!strcmp(o->cls->kind, "Lock") || !strcmp(o->cls->kind, "RLock"));
}

/* Record edges held -> obj for thread 'tid' taking 'obj' at 'line'. */
static void add_edges(LockOrder *d, SimRun *r, int32_t tid, int32_t obj, int32_t line) {
  int *n;
  Held *h = held_of(d, tid, &n);
  const SimThread *t = &r->threads[tid];
  for (int i = 0; i < *n; i++) {
    if (h[i].obj == obj) continue;
    uint64_t from = r->objs[h[i].obj].key, to = r->objs[obj].key;
    Edge *found = NULL;
    for (size_t k = 0; k < d->ne && !found; k++) {
      Edge *x = &d->e[k];
      if (x->from == from && x->to == to && x->thread == t->key &&
          x->from_line == h[i].line && x->to_line == line && x->nheld == *n)
        found = x;
    }
    if (found) {
      found->count++;
      continue;
    }
    UTIL_GROW(d->e, d->ne + 1, d->cap);
    Edge *x = &d->e[d->ne++];
    memset(x, 0, sizeof *x);
    x->from = from, x->to = to, x->thread = t->key;
    for (int j = 0; j < *n && j < MAX_HELD; j++) x->held[x->nheld++] = r->objs[h[j].obj].key;
    x->from_line = h[i].line, x->to_line = line;
    x->from_name = util_xstrdup(obj_name(r, h[i].obj));
    x->to_name = util_xstrdup(obj_name(r, obj));
    x->thread_name = util_xstrdup(thread_name(r, tid));
    x->first_run = r->index;
    x->count = 1;
  }
}

static void lo_event(Detector *base, SimRun *r, uint32_t ev) {
  LockOrder *d = (LockOrder *)base;
  const SimEvent *e = &r->events[ev];
  if (e->obj < 0 || !is_mutex(&r->objs[e->obj]) || e->tid < 0) return;
  int *n;
  Held *h = held_of(d, e->tid, &n);
  int at = -1;
  for (int i = 0; i < *n; i++)
    if (h[i].obj == e->obj) at = i;
  if (e->op == OP_ACQUIRE) {
    if (e->value.tag != VAL_BOOL || !e->value.u.i) return; /* not taken */
    if (at >= 0) { /* re-entry of an RLock: no edge */
      h[at].count++;
      return;
    }
    if (!(e->flags & EV_NOWAIT) && e->deadline == INFINITY) add_edges(d, r, e->tid, e->obj, e->line);
    h = held_of(d, e->tid, &n);
    if (*n < MAX_HELD) h[(*n)++] = (Held){e->obj, e->line, 1};
  } else if (e->op == OP_RELEASE && at >= 0 && !(e->flags & EV_RAISED)) {
    /* a Condition wait releases an RLock fully (aux = its count) */
    int32_t times = e->aux > 1 && !strcmp(r->objs[e->obj].cls->kind, "RLock") &&
                            r->events[ev].value.tag == VAL_NONE
                        ? e->aux
                        : 1;
    h[at].count -= times;
    if (h[at].count <= 0) {
      h[at] = h[--*n];
    }
  }
}

/* ---- cycles ---------------------------------------------------------- */

static int share_lock(const Edge *a, const Edge *b) {
  for (int i = 0; i < a->nheld; i++)
    for (int j = 0; j < b->nheld; j++)
      if (a->held[i] == b->held[j]) return 1;
  return 0;
}

typedef struct Search {
  LockOrder *d;
  size_t path[MAX_CYCLE];
  int len;
  uint64_t target; /* the lock the cycle must return to */
} Search;

/* Extend a path of edges ending at 'at' until it returns to the target. */
static int extend(Search *s, uint64_t at, int maxlen) {
  if (s->len > 0 && at == s->target) return 1;
  if (s->len >= maxlen) return 0;
  for (size_t k = 0; k < s->d->ne; k++) {
    Edge *x = &s->d->e[k];
    if (x->from != at) continue;
    int ok = 1;
    for (int i = 0; i < s->len && ok; i++) {
      Edge *y = &s->d->e[s->path[i]];
      if (y->thread == x->thread || share_lock(x, y) || (i > 0 && y->from == x->to && x->to != s->target))
        ok = 0;
    }
    if (!ok) continue;
    s->path[s->len++] = k;
    if (extend(s, x->to, maxlen)) return 1;
    s->len--;
  }
  return 0;
}

static uint64_t cycle_sig(LockOrder *d, const size_t *path, int len) {
  uint64_t acc = 0;
  for (int i = 0; i < len; i++) {
    const Edge *x = &d->e[path[i]];
    acc += util_fnv_u64(util_fnv_u64(UTIL_FNV_INIT, x->from), x->to) * 0x9e3779b97f4a7c15ULL;
  }
  return acc;
}

static void report_cycle(LockOrder *d, SimRun *r, const size_t *path, int len) {
  uint64_t sig = cycle_sig(d, path, len);
  for (size_t i = 0; i < d->nrep; i++)
    if (d->reported[i] == sig) return;
  UTIL_GROW(d->reported, d->nrep + 1, d->cap_rep);
  d->reported[d->nrep++] = sig;
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "potential deadlock: lock-order cycle ");
  for (int i = 0; i < len; i++) sb_printf(&b, "'%s' -> ", d->e[path[i]].from_name);
  sb_printf(&b, "'%s': ", d->e[path[0]].from_name);
  int other_runs = 0;
  for (int i = 0; i < len; i++) {
    const Edge *x = &d->e[path[i]];
    if (i) sb_puts(&b, "; ");
    sb_printf(&b, "%s takes '%s' at ", x->thread_name, x->to_name);
    run_format_site(r, x->to_line, &b);
    sb_printf(&b, " while holding '%s' (taken at ", x->from_name);
    run_format_site(r, x->from_line, &b);
    sb_puts(&b, ")");
    if (x->first_run != r->index) {
      sb_printf(&b, " [seen in run %llu]", (unsigned long long)x->first_run);
      other_runs = 1;
    }
  }
  sb_puts(&b, other_runs ? ". Threads taking these locks in these orders at the same time "
                           "would deadlock (the orders were seen in different runs)"
                         : ". Threads taking these locks in these orders at the same time "
                           "would deadlock, even where this run did not");
  run_finding(r, FIND_POTENTIAL_DEADLOCK, -1, -1, -1, sig, "%s", b.s);
  sb_free(&b);
}

static void lo_end(Detector *base, SimRun *r) {
  LockOrder *d = (LockOrder *)base;
  if (r->end == END_STALL) { /* blocked acquires count as taking the lock */
    for (int32_t i = 0; i < r->nthreads; i++) {
      const SimThread *t = &r->threads[i];
      if (t->state == TS_READY && t->pend.op == OP_ACQUIRE && t->pend.obj >= 0 &&
          is_mutex(&r->objs[t->pend.obj]) && !(t->pend.flags & PEND_NOWAIT))
        add_edges(d, r, i, t->pend.obj, t->pend.line);
    }
  }
  /* cycles through the edges this run added, shortest first */
  for (size_t k = d->first_new; k < d->ne; k++) {
    for (int maxlen = 2; maxlen <= MAX_CYCLE; maxlen++) {
      Search s = {d, {0}, 0, d->e[k].from};
      s.path[s.len++] = k;
      if (extend(&s, d->e[k].to, maxlen)) {
        report_cycle(d, r, s.path, s.len);
        break;
      }
    }
  }
}

const DetectorOps detector_lockorder_ops = {
    "potential_deadlock", lo_create, lo_begin, lo_event, lo_end, lo_destroy,
    DET_OP(OP_ACQUIRE) | DET_OP(OP_RELEASE)};

size_t detect_lockorder_edges(const Detector *base, const char **from, const char **to,
                              const char **thread, int32_t *line, int32_t *from_line,
                              uint64_t *first_run, uint64_t *count, size_t i) {
  const LockOrder *d = (const LockOrder *)base;
  if (i >= d->ne) return d->ne;
  const Edge *x = &d->e[i];
  *from = x->from_name, *to = x->to_name, *thread = x->thread_name;
  *line = x->to_line, *from_line = x->from_line;
  *first_run = x->first_run, *count = x->count;
  return d->ne;
}
