/*
** lockgraph.c - potential deadlocks from the lock-order graph (Goodlock:
** Havelund, "Using Runtime Analysis to Guide Model Checking of Java
** Programs", SPIN 2000; Bensalem and Havelund, "Dynamic Deadlock Analysis of
** Multi-Threaded Programs", HVC 2005).
**
** An edge A -> B says a thread took B while it held A (detect_lockorder.c
** records them per run).  The graph is kept across all the runs of an
** exploration; locks and threads are identified by their stable keys, so the
** same lock is the same node in every run.  A cycle whose edges come from
** distinct threads, no two of which held a lock in common (a gate lock), is a
** potential deadlock: reported once, even if no run deadlocked.  Cycles
** within one thread and cycles under a common gate lock are not reported.
*/
#include "lockgraph.h"

#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "prng.h"

#define MAX_CYCLE 6

typedef struct Edge {
  uint64_t from, to, thread; /* stable keys */
  uint64_t held[LOCKEDGE_MAX_HELD];
  int nheld;
  int32_t from_line, to_line;
  char *from_name, *to_name, *thread_name;
  uint64_t first_run, count;
} Edge;

typedef struct Cycle {
  uint64_t sig;
  size_t edge[MAX_CYCLE];
  int len;
} Cycle;

struct LockGraph {
  Edge *e;
  size_t ne, cap;
  Cycle *reported; /* the cycles reported */
  size_t nrep, cap_rep;
};

LockGraph *lockgraph_new(void) { return util_xcalloc(1, sizeof(LockGraph)); }

void lockgraph_free(LockGraph *g) {
  if (!g) return;
  for (size_t i = 0; i < g->ne; i++) {
    free(g->e[i].from_name);
    free(g->e[i].to_name);
    free(g->e[i].thread_name);
  }
  free(g->e);
  free(g->reported);
  free(g);
}

static int share_lock(const Edge *a, const Edge *b) {
  for (int i = 0; i < a->nheld; i++)
    for (int j = 0; j < b->nheld; j++)
      if (a->held[i] == b->held[j]) return 1;
  return 0;
}

typedef struct Search {
  const LockGraph *g;
  size_t path[MAX_CYCLE];
  int len;
  uint64_t target; /* the lock the cycle must return to */
} Search;

/* Extend a path of edges ending at 'at' until it returns to the target. */
static int extend(Search *s, uint64_t at, int maxlen) {
  if (s->len > 0 && at == s->target) return 1;
  if (s->len >= maxlen) return 0;
  for (size_t k = 0; k < s->g->ne; k++) {
    const Edge *x = &s->g->e[k];
    if (x->from != at) continue;
    int ok = 1;
    for (int i = 0; i < s->len && ok; i++) {
      const Edge *y = &s->g->e[s->path[i]];
      /* distinct threads, no common lock, a simple cycle */
      if (y->thread == x->thread || share_lock(x, y) || (i > 0 && y->from == x->to)) ok = 0;
    }
    if (!ok) continue;
    s->path[s->len++] = k;
    if (extend(s, x->to, maxlen)) return 1;
    s->len--;
  }
  return 0;
}

/* The same cycle, entered anywhere, has the same signature. */
static uint64_t cycle_sig(const LockGraph *g, const size_t *path, int len) {
  uint64_t acc = 0;
  for (int i = 0; i < len; i++) {
    const Edge *x = &g->e[path[i]];
    acc += util_fnv_u64(util_fnv_u64(UTIL_FNV_INIT, x->from), x->to) * 0x9e3779b97f4a7c15ULL;
  }
  return acc;
}

static void report(LockGraph *g, SimRun *r, const size_t *path, int len) {
  uint64_t sig = cycle_sig(g, path, len);
  for (size_t i = 0; i < g->nrep; i++)
    if (g->reported[i].sig == sig) return;
  UTIL_GROW(g->reported, g->nrep + 1, g->cap_rep);
  Cycle *c = &g->reported[g->nrep++];
  c->sig = sig;
  c->len = len;
  for (int i = 0; i < len; i++) c->edge[i] = path[i];
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "potential deadlock: lock-order cycle ");
  for (int i = 0; i < len; i++) sb_printf(&b, "'%s' -> ", g->e[path[i]].from_name);
  sb_printf(&b, "'%s': ", g->e[path[0]].from_name);
  int other_runs = 0;
  for (int i = 0; i < len; i++) {
    const Edge *x = &g->e[path[i]];
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

void lockgraph_add_run(LockGraph *g, SimRun *r) {
  size_t first_new = g->ne;
  for (uint32_t i = 0; i < r->nledges; i++) {
    const LockEdge *le = &r->ledges[i];
    uint64_t from = r->objs[le->from].key, to = r->objs[le->to].key;
    uint64_t thread = r->threads[le->tid].key;
    Edge *found = NULL;
    for (size_t k = 0; k < g->ne && !found; k++) {
      Edge *x = &g->e[k];
      if (x->from == from && x->to == to && x->thread == thread &&
          x->from_line == le->from_line && x->to_line == le->to_line && x->nheld == le->nheld &&
          !memcmp(x->held, le->held, sizeof(uint64_t) * (size_t)le->nheld))
        found = x;
    }
    if (found) {
      found->count++;
      continue;
    }
    UTIL_GROW(g->e, g->ne + 1, g->cap);
    Edge *x = &g->e[g->ne++];
    memset(x, 0, sizeof *x);
    x->from = from, x->to = to, x->thread = thread;
    x->nheld = le->nheld;
    memcpy(x->held, le->held, sizeof(uint64_t) * (size_t)le->nheld);
    x->from_line = le->from_line, x->to_line = le->to_line;
    x->from_name = util_xstrdup(obj_name(r, le->from));
    x->to_name = util_xstrdup(obj_name(r, le->to));
    x->thread_name = util_xstrdup(thread_name(r, le->tid));
    x->first_run = r->index;
    x->count = 1;
  }
  /* the cycles through the new edges, shortest first */
  for (size_t k = first_new; k < g->ne; k++) {
    for (int maxlen = 2; maxlen <= MAX_CYCLE; maxlen++) {
      Search s = {g, {0}, 0, g->e[k].from};
      s.path[s.len++] = k;
      if (extend(&s, g->e[k].to, maxlen)) {
        report(g, r, s.path, s.len);
        break;
      }
    }
  }
}

int lockgraph_cycle(const LockGraph *g, uint64_t sig, const char **to, int32_t *line, int max) {
  for (size_t i = 0; i < g->nrep; i++) {
    const Cycle *c = &g->reported[i];
    /* findings carry the signature mixed with the kind (run_finding) */
    if (c->sig != sig && util_fnv_u64(c->sig, FIND_POTENTIAL_DEADLOCK) != sig) continue;
    int n = 0;
    for (int k = 0; k < c->len && n < max; k++, n++) {
      to[n] = g->e[c->edge[k]].to_name;
      line[n] = g->e[c->edge[k]].to_line;
    }
    return n;
  }
  return 0;
}

size_t lockgraph_edge(const LockGraph *g, size_t i, const char **from, const char **to,
                      const char **thread, int32_t *line, int32_t *from_line,
                      uint64_t *first_run, uint64_t *count) {
  if (i >= g->ne) return g->ne;
  const Edge *x = &g->e[i];
  *from = x->from_name, *to = x->to_name, *thread = x->thread_name;
  *line = x->to_line, *from_line = x->from_line;
  *first_run = x->first_run, *count = x->count;
  return g->ne;
}
