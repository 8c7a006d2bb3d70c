/*
** detect_lost.c - lost updates.  A thread reads a shared location, another
** thread writes it, then the first thread writes it without having read it
** again: its write was computed from a stale value and the other write is
** overwritten unseen (the `counter = counter + 1` race).  The finding names
** the read, the overwritten write and the overwriting write, with their
** threads, values and lines.  An atomic add is a read and a write at once
** and never goes stale.
*/
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "object.h"

typedef struct Read {
  int32_t tid;
  int32_t ev;       /* the read */
  uint32_t version; /* the location's version it saw */
  int32_t next;     /* next open read of the same location, or -1 */
} Read;

typedef struct Loc {
  uint32_t version;  /* writes so far */
  int32_t last_w;    /* last write event, or -1 */
  int32_t reads;     /* first open read, or -1 */
} Loc;

typedef struct LostDetector {
  Detector base;
  Loc *loc;
  size_t cap_loc;
  int32_t nloc;
  Read *rd;
  size_t nrd, cap_rd;
  int32_t free_rd; /* free list of Read records */
} LostDetector;

static Detector *lost_create(void) {
  LostDetector *d = util_xcalloc(1, sizeof *d);
  return &d->base;
}

static void lost_destroy(Detector *base) {
  LostDetector *d = (LostDetector *)base;
  free(d->loc);
  free(d->rd);
  free(d);
}

static void lost_begin(Detector *base, SimRun *r) {
  (void)r;
  LostDetector *d = (LostDetector *)base;
  d->nloc = 0;
  d->nrd = 0;
  d->free_rd = -1;
}

static Loc *loc_of(LostDetector *d, int32_t obj) {
  if (obj >= d->nloc) {
    UTIL_GROW(d->loc, (size_t)obj + 1, d->cap_loc);
    for (int32_t i = d->nloc; i <= obj; i++) d->loc[i] = (Loc){0, -1, -1};
    d->nloc = obj + 1;
  }
  return &d->loc[obj];
}

/* The open read of 'tid' on 'l' (and the link pointing at it), or NULL. */
static Read *find_read(LostDetector *d, Loc *l, int32_t tid, int32_t **link) {
  int32_t *p = &l->reads;
  while (*p >= 0) {
    Read *x = &d->rd[*p];
    if (x->tid == tid) {
      if (link) *link = p;
      return x;
    }
    p = &x->next;
  }
  return NULL;
}

static void drop_read(LostDetector *d, Loc *l, int32_t tid) {
  int32_t *link;
  Read *x = find_read(d, l, tid, &link);
  if (!x) return;
  int32_t idx = *link;
  *link = x->next;
  x->next = d->free_rd;
  d->free_rd = idx;
}

static void add_read(LostDetector *d, Loc *l, int32_t tid, int32_t ev) {
  Read *x = find_read(d, l, tid, NULL);
  if (!x) {
    int32_t idx;
    if (d->free_rd >= 0) {
      idx = d->free_rd;
      d->free_rd = d->rd[idx].next;
    } else {
      UTIL_GROW(d->rd, d->nrd + 1, d->cap_rd);
      idx = (int32_t)d->nrd++;
    }
    x = &d->rd[idx];
    x->tid = tid;
    x->next = l->reads;
    l->reads = idx;
  }
  x->ev = ev;
  x->version = l->version;
}

static void tell(const SimRun *r, const RunFinding *f, StrBuf *b) {
  const SimEvent *er = &r->events[f->evs[0]], *el = &r->events[f->evs[1]],
                 *ew = &r->events[f->evs[2]];
  sb_printf(b, "lost update on '%s': %s read ", obj_name(r, f->obj), thread_name(r, er->tid));
  run_format_value(r, &er->value, b);
  run_puts_where(r, er->site, er->line, b);
  sb_printf(b, ", then %s wrote ", thread_name(r, el->tid));
  run_format_value(r, &el->value, b);
  run_puts_where(r, el->site, el->line, b);
  sb_printf(b, ", then %s wrote ", thread_name(r, ew->tid));
  run_format_value(r, &ew->value, b);
  run_puts_where(r, ew->site, ew->line, b);
  sb_printf(b, " from its stale read, overwriting %s's write unseen",
            thread_name(r, el->tid));
}

static void report(SimRun *r, int32_t obj, int32_t rd, int32_t w_lost, int32_t w) {
  const SimEvent *er = &r->events[rd], *el = &r->events[w_lost], *ew = &r->events[w];
  /* the location and the lines, not which thread went first: two threads
     running the same code in either order are one lost update */
  int32_t ln[3] = {er->line, el->line, ew->line};
  for (int i = 1; i < 3; i++)
    for (int j = i; j > 0 && ln[j] < ln[j - 1]; j--) {
      int32_t t = ln[j];
      ln[j] = ln[j - 1], ln[j - 1] = t;
    }
  uint64_t sig = detect_sig_str(UTIL_FNV_INIT, obj_name(r, obj));
  for (int i = 0; i < 3; i++) sig = detect_sig_num(sig, ln[i]);
  RunFinding *f = run_finding_told(r, FIND_LOST_UPDATE, w, ew->tid, obj, sig, tell);
  f->evs[0] = rd, f->evs[1] = w_lost, f->evs[2] = w;
}

static void lost_event(Detector *base, SimRun *r, uint32_t ev) {
  LostDetector *d = (LostDetector *)base;
  const SimEvent *e = &r->events[ev];
  if (e->obj < 0 || !r->objs[e->obj].cls->location) return;
  Loc *l = loc_of(d, e->obj);
  switch (e->op) {
  case OP_READ: add_read(d, l, e->tid, (int32_t)ev); break;
  case OP_WRITE: {
    Read *x = find_read(d, l, e->tid, NULL);
    if (x && x->version < l->version && l->last_w >= 0 &&
        r->events[l->last_w].tid != e->tid)
      report(r, e->obj, x->ev, l->last_w, (int32_t)ev);
    drop_read(d, l, e->tid);
    l->version++;
    l->last_w = (int32_t)ev;
    break;
  }
  case OP_ADD: /* atomic read-modify-write: sees the latest value */
  case OP_INC:
  case OP_NEW:
    drop_read(d, l, e->tid);
    l->version++;
    l->last_w = (int32_t)ev;
    break;
  default: break;
  }
}

const DetectorOps detector_lost_update_ops = {
    "lost_update", lost_create, lost_begin, lost_event, NULL, lost_destroy,
    DET_OP(OP_READ) | DET_OP(OP_WRITE) | DET_OP(OP_ADD) | DET_OP(OP_INC) |
        DET_OP(OP_NEW),
    0};
