/*
** coverage.c - synchronization coverage (see coverage.h).
*/
#include "coverage.h"

#include <stdlib.h>
#include <string.h>

#include "object.h"

#define MAX_ORDER 12 /* threads named in an acquisition order, at most */

typedef struct Item {
  char *object, *kind, *item;
  uint64_t runs, first_run, last_run;
} Item;

struct Coverage {
  Item *v;
  size_t n, cap;
  /* a hash index over (object, kind, item) */
  uint32_t *slots;
  size_t nslots;
  /* what a run of a lock or a condition saw, by a 64-bit hash of (object,
     kind, thread names): item index + 1, so that a run that sees an order
     seen before builds no string */
  U64Map memo;
  StrBuf b;
};

Coverage *coverage_new(void) { return util_xcalloc(1, sizeof(Coverage)); }

void coverage_free(Coverage *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].object);
    free(c->v[i].kind);
    free(c->v[i].item);
  }
  free(c->v);
  free(c->slots);
  u64map_free(&c->memo);
  sb_free(&c->b);
  free(c);
}

static uint64_t hash3(const char *a, const char *b, const char *d) {
  uint64_t h = util_fnv(UTIL_FNV_INIT, a, strlen(a) + 1);
  h = util_fnv(h, b, strlen(b) + 1);
  return util_fnv(h, d, strlen(d) + 1);
}

static void reindex(Coverage *c) {
  size_t n = c->nslots;
  for (size_t i = 0; i < n; i++) c->slots[i] = UINT32_MAX;
  for (size_t k = 0; k < c->n; k++) {
    size_t at = hash3(c->v[k].object, c->v[k].kind, c->v[k].item) & (n - 1);
    while (c->slots[at] != UINT32_MAX) at = (at + 1) & (n - 1);
    c->slots[at] = (uint32_t)k;
  }
}

static void rehash(Coverage *c) {
  c->nslots = c->nslots ? c->nslots * 2 : 64;
  free(c->slots);
  c->slots = util_xmalloc(c->nslots * sizeof *c->slots);
  reindex(c);
}

/* The item (object, kind, item), made with no runs if it is new. */
static Item *item_of(Coverage *c, const char *object, const char *kind, const char *item) {
  if (c->n * 2 >= c->nslots) rehash(c);
  size_t at = hash3(object, kind, item) & (c->nslots - 1);
  while (c->slots[at] != UINT32_MAX) {
    Item *x = &c->v[c->slots[at]];
    if (!strcmp(x->object, object) && !strcmp(x->kind, kind) && !strcmp(x->item, item))
      return x;
    at = (at + 1) & (c->nslots - 1);
  }
  UTIL_GROW(c->v, c->n + 1, c->cap);
  Item *x = &c->v[c->n];
  x->object = util_xstrdup(object);
  x->kind = util_xstrdup(kind);
  x->item = util_xstrdup(item);
  x->runs = 0, x->first_run = x->last_run = UINT64_MAX;
  c->slots[at] = (uint32_t)c->n++;
  return x;
}

/* Count 'item' once for run 'run'. */
static void see(Coverage *c, const char *object, const char *kind, const char *item,
                uint64_t run) {
  Item *x = item_of(c, object, kind, item);
  if (x->last_run != run) x->runs++, x->last_run = run;
  if (run < x->first_run) x->first_run = run;
}

void coverage_merge(Coverage *dst, const Coverage *src) {
  for (size_t i = 0; i < src->n; i++) {
    const Item *s = &src->v[i];
    Item *x = item_of(dst, s->object, s->kind, s->item);
    x->runs += s->runs;
    if (s->first_run < x->first_run) x->first_run = s->first_run;
    x->last_run = UINT64_MAX; /* (the runs of two coverages are distinct) */
  }
}

/* Does event 'ev' count in the order of 'op' (a success, not a timeout)? */
static int counts(const SimEvent *ev, int op) {
  if (ev->op != op || (ev->flags & (EV_TIMEOUT | EV_FAILED | EV_RAISED))) return 0;
  return !(op == OP_ACQUIRE && ev->value.tag == VAL_BOOL && !ev->value.u.i);
}

/* The events on object 'o' that match 'op', earliest first: the first
   MAX_ORDER into ring[0..n); returns how many there are in all. */
static int order_events(const SimRun *r, int32_t o, int op, int32_t ring[MAX_ORDER], int *n) {
  int32_t last[MAX_ORDER];
  int total = 0;
  /* the chain runs from the latest event back: the last MAX_ORDER seen are
     the first ones in time */
  for (int32_t e = r->objs[o].last_ev; e >= 0; e = r->events[e].prev_obj)
    if (counts(&r->events[e], op)) last[total++ % MAX_ORDER] = e;
  *n = total < MAX_ORDER ? total : MAX_ORDER;
  for (int i = 0; i < *n; i++) ring[i] = last[(total - 1 - i) % MAX_ORDER];
  return total;
}

/* Count the order of 'op' on object 'o' ("Thread-1 > Thread-2"), if any. */
static void see_order(Coverage *c, const SimRun *r, int32_t o, int op, const char *kind) {
  int32_t ev[MAX_ORDER];
  int n, total = order_events(r, o, op, ev, &n);
  if (!n) return;
  const char *name = obj_name(r, o);
  uint64_t h = util_fnv(UTIL_FNV_INIT, name, strlen(name) + 1);
  h = util_fnv(h, kind, strlen(kind) + 1);
  for (int i = 0; i < n; i++) {
    const char *t = thread_name(r, r->events[ev[i]].tid);
    h = util_fnv(h, t, strlen(t) + 1);
  }
  h = util_fnv_u64(h, (uint64_t)total);
  uint64_t *memo = u64map_at(&c->memo, h ? h : 1);
  Item *x;
  if (*memo) {
    x = &c->v[*memo - 1];
  } else {
    StrBuf *b = &c->b;
    sb_reset(b);
    for (int i = 0; i < n; i++) {
      if (i) sb_putn(b, " > ", 3);
      sb_puts(b, thread_name(r, r->events[ev[i]].tid));
    }
    if (total > MAX_ORDER) sb_printf(b, " > ... (%d in all)", total);
    x = item_of(c, name, kind, b->s);
    *memo = (uint64_t)(x - c->v) + 1;
  }
  if (x->last_run != r->index) x->runs++, x->last_run = r->index;
  if (r->index < x->first_run) x->first_run = r->index;
}

void coverage_add_run(Coverage *c, const SimRun *r) {
  StrBuf *b = &c->b;
  for (int32_t o = 0; o < r->nobjs; o++) {
    const SimObject *obj = &r->objs[o];
    if (obj->last_ev < 0) continue;
    if (obj->cls->lock_like) see_order(c, r, o, OP_ACQUIRE, "acquisition_order");
    else if (obj->cls->traits & OBJ_WAKEUP_ORDER) see_order(c, r, o, OP_CV_WAKE, "wakeup_order");
  }
  /* timeouts, barrier outcomes, non-blocking failures */
  for (uint32_t i = 0; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->obj < 0 || (!(e->flags & (EV_TIMEOUT | EV_FAILED | EV_BROKE)) && e->op != OP_BAR_TRIP))
      continue;
    const char *name = obj_name(r, e->obj);
    sb_reset(b);
    if (e->flags & EV_TIMEOUT) {
      sb_printf(b, "%s() timed out at line %d", op_name(e->op), (int)e->line);
      see(c, name, "timeout", b->s, r->index);
    } else if (e->flags & EV_FAILED) {
      sb_printf(b, "%s() failed without waiting at line %d", op_name(e->op), (int)e->line);
      see(c, name, "outcome", b->s, r->index);
    } else if (e->op == OP_BAR_TRIP) {
      see(c, name, "barrier", "tripped: all parties passed", r->index);
    } else if (e->flags & EV_BROKE) {
      sb_printf(b, "broken by %s", op_name(e->op));
      see(c, name, "barrier", b->s, r->index);
    }
  }
}

size_t coverage_item(const Coverage *c, size_t i, const char **object, const char **kind,
                     const char **item, uint64_t *runs, uint64_t *first_run) {
  if (i >= c->n) return c->n;
  const Item *x = &c->v[i];
  *object = x->object, *kind = x->kind, *item = x->item;
  *runs = x->runs, *first_run = x->first_run;
  return c->n;
}

static int by_first(const void *a, const void *b) {
  const Item *x = a, *y = b;
  if (x->first_run != y->first_run) return x->first_run < y->first_run ? -1 : 1;
  int c = strcmp(x->object, y->object);
  if (!c) c = strcmp(x->kind, y->kind);
  return c ? c : strcmp(x->item, y->item);
}

void coverage_finish(Coverage *c, uint64_t (*fn)(void *ud, uint64_t idx), void *ud) {
  for (size_t i = 0; fn && i < c->n; i++) c->v[i].first_run = fn(ud, c->v[i].first_run);
  if (c->n) qsort(c->v, c->n, sizeof *c->v, by_first);
  reindex(c); /* the index pointed at the old places */
  u64map_clear(&c->memo); /* (and so did the memo) */
}
