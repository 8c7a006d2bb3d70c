/*
** detect_lockorder.c - the lock-order edges of a run.  When a thread takes
** a Lock or RLock B with a blocking acquire without timeout (one that could
** wait forever) while it holds A, the run gets an edge A -> B with the
** thread, both lines and every lock the thread held (its gate locks).
** Re-entering an RLock adds no edge; a Condition's wait releases and takes
** its lock like any other.  A thread still blocked on such an acquire when
** the run stalled counts as taking it.  Cycles are found across the runs of
** an exploration by lockgraph.c.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "object.h"

#define MAX_HELD LOCKEDGE_MAX_HELD

typedef struct Held {
  int32_t obj;
  int32_t line;
  int32_t count; /* RLock recursion */
} Held;

typedef struct LockOrder {
  Detector base;
  Held *held; /* nthreads x MAX_HELD */
  int *nheld;
  size_t cap_threads;
} LockOrder;

static Detector *lo_create(void) { return util_xcalloc(1, sizeof(LockOrder)); }

static void lo_destroy(Detector *base) {
  LockOrder *d = (LockOrder *)base;
  free(d->held);
  free(d->nheld);
  free(d);
}

static void lo_begin(Detector *base, SimRun *r) {
  (void)r;
  LockOrder *d = (LockOrder *)base;
  if (d->nheld) memset(d->nheld, 0, d->cap_threads * sizeof *d->nheld);
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
  return (o->cls->traits & OBJ_MUTEX) != 0;
}

/* Record edges held -> obj for thread 'tid' taking 'obj' at 'line'. */
static void add_edges(LockOrder *d, SimRun *r, int32_t tid, int32_t obj, int32_t line) {
  int *n;
  Held *h = held_of(d, tid, &n);
  for (int i = 0; i < *n; i++) {
    if (h[i].obj == obj) continue;
    UTIL_GROW(r->ledges, (size_t)r->nledges + 1, r->cap_ledges);
    LockEdge *x = &r->ledges[r->nledges++];
    memset(x, 0, sizeof *x);
    x->from = h[i].obj, x->to = obj, x->tid = tid;
    x->from_line = h[i].line, x->to_line = line;
    for (int j = 0; j < *n; j++) x->held[x->nheld++] = r->objs[h[j].obj].key;
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
    /* a Condition wait releases an RLock fully: aux is its count then */
    int32_t times = e->aux > 1 && e->value.tag == VAL_NONE ? e->aux : 1;
    h[at].count -= times;
    if (h[at].count <= 0) h[at] = h[--*n];
  }
}

static void lo_end(Detector *base, SimRun *r) {
  LockOrder *d = (LockOrder *)base;
  if (r->end != END_STALL) return;
  for (int32_t i = 0; i < r->nthreads; i++) { /* blocked acquires count */
    const SimThread *t = &r->threads[i];
    if (t->state == TS_READY && t->pend.op == OP_ACQUIRE && t->pend.obj >= 0 &&
        is_mutex(&r->objs[t->pend.obj]) && !(t->pend.flags & PEND_NOWAIT) &&
        t->pend.deadline == INFINITY)
      add_edges(d, r, i, t->pend.obj, t->pend.line);
  }
}

const DetectorOps detector_lockorder_ops = {
    "potential_deadlock", lo_create, lo_begin, lo_event, lo_end, lo_destroy,
    DET_OP(OP_ACQUIRE) | DET_OP(OP_RELEASE), 0};
