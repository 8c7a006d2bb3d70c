/*
** detect_race.c - data races by happens-before, with vector clocks
** (FastTrack: Flanagan and Freund, "FastTrack: Efficient and Precise
** Dynamic Race Detection", PLDI 2009).
**
** Two accesses to a shared location race when they come from different
** threads, at least one writes, and nothing orders them.  Happens-before
** comes from program order, spawn (the child starts after its spawn) and
** the primitives' synchronization: an operation on an object happens after
** the earlier operations on it that it does not commute with, by the facets
** each reads, writes or updates (op.h), which are those the exhaustive
** search orders too: lock release -> acquire, set -> wait, notify -> wake,
** barrier arrivals, a thread's end -> join, a semaphore's release -> the
** acquire that needed it (not a later acquire that took a permit to spare:
** sync/count.h), a put -> the get of its item (and, bounded, the get that
** made its room -> the put), task_done -> join.  So either order of two
** operations that commute (two releases, two free acquires, a put and a
** task_done) reports the same races.  finally() happens after every
** thread.  Atomic variables and add() synchronize instead of racing.  In
** async mode a task is never interrupted between awaits, so there are no
** data races to report (lost updates still are).
**
** Per location: the last write as an epoch (thread, clock) and the reads
** since, one epoch per thread.
*/
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "object.h"
#include "vclock.h"

typedef struct Access {
  int32_t tid;
  uint32_t clock;
  int32_t ev;
} Access;

typedef struct Loc {
  Access w;      /* last write; tid -1 when none */
  Access *reads; /* reads since the last write, one per thread */
  uint32_t nreads, cap;
  int named;     /* name_sig is this run's */
  uint64_t name_sig; /* detect_sig_str of its name (a run reports many races on it) */
} Loc;

#define NFACETS 3 /* F_MAIN/F_ITEMS, F_TASKS, F_TAIL */

/* An object's synchronization: per facet, the clocks of the operations that
   wrote, updated and read it so far; a FIFO queue's puts and gets, in order. */
typedef struct ObjSync {
  VClock w[NFACETS], u[NFACETS], rd[NFACETS];
  VClock *put, *get;
  uint32_t np, ng;
  size_t cap_put, cap_get;
} ObjSync;

typedef struct RaceDetector {
  Detector base;
  VClock *tc; /* per thread */
  size_t ntc;
  size_t tc_used; /* threads this run has clocks for: 0..tc_used-1 (the rest stay clear) */
  ObjSync *os; /* per object */
  size_t nos;
  size_t os_used; /* objects this run touched: 0..os_used-1 (the rest stay clear) */
  Loc *loc;
  size_t nloc;
  size_t loc_used; /* locations this run touched: 0..loc_used-1 (the rest stay clear) */
  int joined; /* finally: every thread's clock joined into the main thread */
  uint64_t sigs[32];
  int nsigs;
} RaceDetector;

static void objsync_free(ObjSync *o) {
  for (int f = 0; f < NFACETS; f++) vc_free(&o->w[f]), vc_free(&o->u[f]), vc_free(&o->rd[f]);
  for (size_t i = 0; i < o->cap_put; i++) vc_free(&o->put[i]);
  for (size_t i = 0; i < o->cap_get; i++) vc_free(&o->get[i]);
  free(o->put);
  free(o->get);
}

static void objsync_clear(ObjSync *o) {
  for (int f = 0; f < NFACETS; f++) vc_clear(&o->w[f]), vc_clear(&o->u[f]), vc_clear(&o->rd[f]);
  o->np = o->ng = 0;
}

static Detector *race_create(void) {
  RaceDetector *d = util_xcalloc(1, sizeof *d);
  return &d->base;
}

static void race_destroy(Detector *base) {
  RaceDetector *d = (RaceDetector *)base;
  for (size_t i = 0; i < d->ntc; i++) vc_free(&d->tc[i]);
  for (size_t i = 0; i < d->nos; i++) objsync_free(&d->os[i]);
  for (size_t i = 0; i < d->nloc; i++) free(d->loc[i].reads);
  free(d->tc);
  free(d->os);
  free(d->loc);
  free(d);
}

static void race_begin(Detector *base, SimRun *r) {
  (void)r;
  RaceDetector *d = (RaceDetector *)base;
  for (size_t i = 0; i < d->tc_used; i++) vc_clear(&d->tc[i]);
  d->tc_used = 0;
  for (size_t i = 0; i < d->os_used; i++) objsync_clear(&d->os[i]);
  d->os_used = 0;
  for (size_t i = 0; i < d->loc_used; i++)
    d->loc[i].w.tid = -1, d->loc[i].nreads = 0, d->loc[i].named = 0;
  d->loc_used = 0;
  d->joined = 0;
  d->nsigs = 0;
}

/* Grow an array of VClocks to hold index i. */
static void grow_clocks(VClock **v, size_t *n, int32_t i) {
  size_t cap = *n ? *n : 8;
  while (cap <= (size_t)i) cap *= 2;
  *v = util_xrealloc(*v, cap * sizeof **v);
  for (size_t k = *n; k < cap; k++) vc_init(&(*v)[k]);
  *n = cap;
}

static inline VClock *clock_at(VClock **v, size_t *n, int32_t i) {
  if ((size_t)i >= *n) grow_clocks(v, n, i);
  return &(*v)[i];
}

/* Thread t's clock (its own entry at least 1). */
static inline VClock *thread_clock(RaceDetector *d, int32_t t) {
  VClock *c = clock_at(&d->tc, &d->ntc, t);
  if ((size_t)t >= d->tc_used) d->tc_used = (size_t)t + 1;
  if (vc_get(c, t) == 0) vc_set(c, t, 1);
  return c;
}

static ObjSync *objsync_at(RaceDetector *d, int32_t obj) {
  if ((size_t)obj >= d->nos) {
    size_t cap = d->nos ? d->nos : 16;
    while (cap <= (size_t)obj) cap *= 2;
    d->os = util_xrealloc(d->os, cap * sizeof *d->os);
    memset(d->os + d->nos, 0, (cap - d->nos) * sizeof *d->os); /* (zero: an empty VClock) */
    d->nos = cap;
  }
  if ((size_t)obj >= d->os_used) d->os_used = (size_t)obj + 1;
  return &d->os[obj];
}

/* Append a copy of clock 'c' to a list of clocks. */
static void clock_push(VClock **v, uint32_t *n, size_t *cap, const VClock *c) {
  if (*n >= *cap) {
    size_t had = *cap;
    UTIL_GROW(*v, (size_t)*n + 1, *cap);
    memset(*v + had, 0, (*cap - had) * sizeof **v);
  }
  vc_copy(&(*v)[(*n)++], c);
}

/*
** An operation on a primitive by a thread whose clock is 'c': order it
** after what it does not commute with (facets, and a FIFO queue's partner:
** dpor.c fifo_partners), then let later operations order after it.
*/
static void sync_op(RaceDetector *d, const SimEvent *e, VClock *c) {
  ObjSync *o = objsync_at(d, e->obj);
  for (int f = 0; f < NFACETS; f++) {
    int bit = 1 << f, rd = e->frd & bit, wr = e->fwr & bit, up = e->fup & bit;
    if (rd | wr) vc_join(c, &o->u[f]);
    if (wr | up) vc_join(c, &o->rd[f]);
    if (rd | wr | up) vc_join(c, &o->w[f]);
  }
  int fifo = (e->flags & EV_FIFO) && !(e->flags & (EV_RAISED | EV_FINALLY));
  if (fifo && e->op == OP_Q_GET && o->ng < o->np) vc_join(c, &o->put[o->ng]);
  if (fifo && e->op == OP_Q_PUT && e->aux > 0 && o->np >= (uint32_t)e->aux &&
      o->np - (uint32_t)e->aux < o->ng)
    vc_join(c, &o->get[o->np - (uint32_t)e->aux]);
  for (int f = 0; f < NFACETS; f++) {
    int bit = 1 << f;
    if (e->fwr & bit) vc_join(&o->w[f], c);
    if (e->fup & bit) vc_join(&o->u[f], c);
    if (e->frd & bit) vc_join(&o->rd[f], c);
  }
  if (fifo && e->op == OP_Q_PUT) clock_push(&o->put, &o->np, &o->cap_put, c);
  if (fifo && e->op == OP_Q_GET) clock_push(&o->get, &o->ng, &o->cap_get, c);
}

static Loc *loc_at(RaceDetector *d, int32_t obj) {
  if ((size_t)obj >= d->nloc) {
    size_t cap = d->nloc ? d->nloc : 16;
    while (cap <= (size_t)obj) cap *= 2;
    d->loc = util_xrealloc(d->loc, cap * sizeof *d->loc);
    for (size_t k = d->nloc; k < cap; k++) {
      memset(&d->loc[k], 0, sizeof(Loc));
      d->loc[k].w.tid = -1;
    }
    d->nloc = cap;
  }
  if ((size_t)obj >= d->loc_used) d->loc_used = (size_t)obj + 1;
  return &d->loc[obj];
}

static const char *verb(const SimEvent *e) { return e->op == OP_READ ? "read" : "wrote"; }

static void tell(const SimRun *r, const RunFinding *f, StrBuf *m) {
  const SimEvent *a = &r->events[f->evs[0]], *b = &r->events[f->evs[1]];
  sb_printf(m, "data race on '%s': %s %s ", obj_name(r, f->obj), thread_name(r, a->tid),
            verb(a));
  run_format_value(r, &a->value, m);
  run_puts_where(r, a->site, a->line, m);
  sb_printf(m, ", and %s %s ", thread_name(r, b->tid), verb(b));
  if (b->op == OP_READ) sb_puts(m, "it");
  else run_format_value(r, &b->value, m);
  run_puts_where(r, b->site, b->line, m);
  sb_puts(m, ", with nothing ordering the two (no lock, event, queue, join or barrier "
             "between them)");
}

static void report(RaceDetector *d, SimRun *r, Loc *l, int32_t obj, int32_t first, int32_t second) {
  const SimEvent *a = &r->events[first], *b = &r->events[second];
  int32_t la = a->line, lb = b->line;
  if (!l->named) l->name_sig = detect_sig_str(UTIL_FNV_INIT, obj_name(r, obj)), l->named = 1;
  uint64_t sig = l->name_sig;
  sig = detect_sig_num(sig, la < lb ? la : lb);
  sig = detect_sig_num(sig, la < lb ? lb : la);
  sig = detect_sig_num(sig, (a->op == OP_READ) + (b->op == OP_READ));
  for (int i = 0; i < d->nsigs; i++)
    if (d->sigs[i] == sig) return;
  if (d->nsigs < 32) d->sigs[d->nsigs++] = sig;
  RunFinding *f = run_finding_told(r, FIND_DATA_RACE, second, b->tid, obj, sig, tell);
  f->evs[0] = first, f->evs[1] = second;
}

/* FastTrack's read and write rules. */
static void access(RaceDetector *d, SimRun *r, const SimEvent *e, uint32_t ev, const VClock *c) {
  Loc *l = loc_at(d, e->obj);
  int32_t t = e->tid;
  if (l->w.tid >= 0 && l->w.tid != t && !vc_epoch_leq(l->w.clock, l->w.tid, c))
    report(d, r, l, e->obj, l->w.ev, (int32_t)ev);
  if (e->op == OP_READ) {
    for (uint32_t i = 0; i < l->nreads; i++)
      if (l->reads[i].tid == t) {
        l->reads[i] = (Access){t, vc_get(c, t), (int32_t)ev};
        return;
      }
    UTIL_GROW(l->reads, (size_t)l->nreads + 1, l->cap);
    l->reads[l->nreads++] = (Access){t, vc_get(c, t), (int32_t)ev};
    return;
  }
  for (uint32_t i = 0; i < l->nreads; i++) {
    const Access *x = &l->reads[i];
    if (x->tid != t && !vc_epoch_leq(x->clock, x->tid, c))
      report(d, r, l, e->obj, x->ev, (int32_t)ev);
  }
  l->nreads = 0;
  l->w = (Access){t, vc_get(c, t), (int32_t)ev};
}

static void race_event(Detector *base, SimRun *r, uint32_t ev) {
  RaceDetector *d = (RaceDetector *)base;
  const SimEvent *e = &r->events[ev];
  if (r->mode == MODE_ASYNC || e->tid < 0) return;
  if ((e->flags & EV_FINALLY) && !d->joined) { /* finally runs after everyone */
    clock_at(&d->tc, &d->ntc, r->nthreads - 1); /* grow first: 'main' must not move */
    VClock *main = thread_clock(d, 0);
    for (int32_t i = 1; i < r->nthreads; i++) vc_join(main, thread_clock(d, i));
    d->joined = 1;
  }
  VClock *c = thread_clock(d, e->tid);
  if (e->op == OP_SPAWN && e->aux >= 0) { /* the child starts after this */
    VClock *child = clock_at(&d->tc, &d->ntc, e->aux);
    if ((size_t)e->aux >= d->tc_used) d->tc_used = (size_t)e->aux + 1;
    c = &d->tc[e->tid]; /* clock_at may have moved the array */
    vc_copy(child, c);
    vc_set(child, e->aux, 1);
    vc_tick(c, e->tid);
    return;
  }
  if (e->obj < 0 || !(e->frd | e->fwr | e->fup)) return;
  const SimObject *o = &r->objs[e->obj];
  if (o->cls->location && !o->atomic &&
      (e->op == OP_READ || e->op == OP_WRITE || e->op == OP_NEW)) {
    access(d, r, e, ev, c);
    return;
  }
  /* an operation on a primitive (or an atomic access): synchronize */
  sync_op(d, e, c);
  vc_tick(c, e->tid);
}

const DetectorOps detector_race_ops = {"data_race", race_create, race_begin, race_event,
                                       NULL, race_destroy, ~UINT64_C(0), 0};
