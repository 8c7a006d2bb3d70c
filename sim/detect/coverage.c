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

/* The threads, in order, whose events on object 'o' match 'op' (at most
   MAX_ORDER of the first ones). */
static void order_of(const SimRun *r, int32_t o, int op, StrBuf *b) {
  int32_t ring[MAX_ORDER];
  int total = 0;
  /* the chain runs from the latest event back: the last MAX_ORDER seen are
     the first ones in time */
  for (int32_t e = r->objs[o].last_ev; e >= 0; e = r->events[e].prev_obj)
    if (counts(&r->events[e], op)) ring[total++ % MAX_ORDER] = e;
  int n = total < MAX_ORDER ? total : MAX_ORDER;
  for (int i = 0; i < n; i++) { /* earliest first */
    int32_t e = ring[(total - 1 - i) % MAX_ORDER];
    if (i) sb_putn(b, " > ", 3);
    sb_puts(b, thread_name(r, r->events[e].tid));
  }
  if (total > MAX_ORDER) sb_printf(b, " > ... (%d in all)", total);
}

void coverage_add_run(Coverage *c, const SimRun *r) {
  StrBuf b;
  sb_init(&b);
  for (int32_t o = 0; o < r->nobjs; o++) {
    const SimObject *obj = &r->objs[o];
    if (obj->last_ev < 0) continue;
    sb_reset(&b);
    if (obj->cls->lock_like) {
      order_of(r, o, OP_ACQUIRE, &b);
      if (b.len) see(c, obj_name(r, o), "acquisition_order", b.s, r->index);
    } else if (obj->cls->traits & OBJ_WAKEUP_ORDER) {
      order_of(r, o, OP_CV_WAKE, &b);
      if (b.len) see(c, obj_name(r, o), "wakeup_order", b.s, r->index);
    }
  }
  /* timeouts, barrier outcomes, non-blocking failures */
  for (uint32_t i = 0; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->obj < 0) continue;
    const char *name = obj_name(r, e->obj);
    sb_reset(&b);
    if (e->flags & EV_TIMEOUT) {
      sb_printf(&b, "%s() timed out at line %d", op_name(e->op), (int)e->line);
      see(c, name, "timeout", b.s, r->index);
    } else if (e->flags & EV_FAILED) {
      sb_printf(&b, "%s() failed without waiting at line %d", op_name(e->op), (int)e->line);
      see(c, name, "outcome", b.s, r->index);
    } else if (e->op == OP_BAR_TRIP) {
      see(c, name, "barrier", "tripped: all parties passed", r->index);
    } else if (e->flags & EV_BROKE) {
      sb_printf(&b, "broken by %s", op_name(e->op));
      see(c, name, "barrier", b.s, r->index);
    }
  }
  sb_free(&b);
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
}
