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
**
** Runs may come in any order (dfs subtrees explored in parallel): an edge
** keeps the lowest run index that showed it, and the cycles are searched at
** the end, adding the edges in the order of their first runs -- as if the
** runs had come one after another -- so what is reported, and in which run,
** does not depend on the order.
*/
#include "lockgraph.h"

#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "prng.h"

/* Paths the cycle search may try in all (each step extends one): beyond
   it the search stops and says so (lockgraph_search_cut). */
#define SEARCH_BUDGET 20000000

typedef struct Edge {
  uint64_t from, to, thread; /* stable keys */
  uint64_t held[LOCKEDGE_MAX_HELD];
  int nheld;
  int32_t from_line, to_line;
  char *from_name, *to_name, *thread_name;
  uint64_t first_run, count;
  uint32_t ordinal; /* its place among the first run's edges */
  LockGraphRun run; /* that run, to replay it */
} Edge;

typedef struct Cycle {
  uint64_t sig; /* as a finding's signature */
  size_t edge[LOCKGRAPH_MAX_CYCLE];
  int len;
  size_t closing; /* the edge whose first run completed the cycle */
  char *message;
} Cycle;

struct LockGraph {
  Edge *e;
  size_t ne, cap;
  Cycle *cyc;
  size_t ncyc, cap_cyc;
  int cut;           /* the last search stopped short (lockgraph_search_cut) */
  int longest;       /* ... the longest cycle it could have had to find */
};

LockGraph *lockgraph_new(void) { return util_xcalloc(1, sizeof(LockGraph)); }

static void free_cycles(LockGraph *g) {
  for (size_t i = 0; i < g->ncyc; i++) free(g->cyc[i].message);
  g->ncyc = 0;
}

void lockgraph_free(LockGraph *g) {
  if (!g) return;
  for (size_t i = 0; i < g->ne; i++) {
    free(g->e[i].from_name);
    free(g->e[i].to_name);
    free(g->e[i].thread_name);
    free(g->e[i].run.dec);
  }
  free(g->e);
  free_cycles(g);
  free(g->cyc);
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
  const size_t *order; /* the edges added so far, in first-run order */
  size_t nadded;
  size_t path[LOCKGRAPH_MAX_CYCLE];
  int len;
  uint64_t target; /* the lock the cycle must return to */
  long budget;     /* steps left (SEARCH_BUDGET), shared by every search */
  int deeper;      /* a path was cut at maxlen: a longer search may find more */
} Search;

/* Extend a path of edges ending at 'at' until it returns to the target. */
static int extend(Search *s, uint64_t at, int maxlen) {
  if (s->len > 0 && at == s->target) return 1;
  if (s->budget <= 0) return 0;
  s->budget--;
  if (s->len >= maxlen) {
    s->deeper = 1;
    return 0;
  }
  for (size_t j = 0; j < s->nadded; j++) {
    size_t k = s->order[j];
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
  /* as run_finding mixes a finding's kind in */
  return util_fnv_u64(acc, (uint64_t)FIND_POTENTIAL_DEADLOCK);
}

static void site(StrBuf *b, const char *script, int32_t line) {
  sb_printf(b, "%s:%d", script ? util_basename(script) : "?", (int)line);
}

static void report(LockGraph *g, const char *script, const size_t *path, int len,
                   size_t closing) {
  uint64_t sig = cycle_sig(g, path, len);
  for (size_t i = 0; i < g->ncyc; i++)
    if (g->cyc[i].sig == sig) return;
  uint64_t run = g->e[closing].first_run;
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
    site(&b, script, x->to_line);
    sb_printf(&b, " while holding '%s' (taken at ", x->from_name);
    site(&b, script, x->from_line);
    sb_puts(&b, ")");
    if (x->first_run != run) {
      sb_printf(&b, " [seen in run %llu]", (unsigned long long)x->first_run);
      other_runs = 1;
    }
  }
  sb_puts(&b, other_runs ? ". Threads taking these locks in these orders at the same time "
                           "would deadlock (the orders were seen in different runs)"
                         : ". Threads taking these locks in these orders at the same time "
                           "would deadlock, even where this run did not");
  UTIL_GROW(g->cyc, g->ncyc + 1, g->cap_cyc);
  Cycle *c = &g->cyc[g->ncyc++];
  c->sig = sig;
  c->len = len;
  for (int i = 0; i < len; i++) c->edge[i] = path[i];
  c->closing = closing;
  c->message = sb_take(&b);
}

static void keep_run(Edge *x, const SimRun *r, uint32_t ordinal) {
  x->first_run = r->index;
  x->ordinal = ordinal;
  LockGraphRun *k = &x->run;
  k->seed = r->seed;
  k->steps = r->steps;
  k->preemptions = r->preemptions;
  k->max_steps = r->max_steps;
  free(k->dec);
  k->ndec = r->ndecisions;
  k->dec = util_xmalloc(sizeof(Decision) * (r->ndecisions ? r->ndecisions : 1));
  if (r->ndecisions) memcpy(k->dec, r->decisions, sizeof(Decision) * r->ndecisions);
}

/*
** A lock or a thread as a node of the graph: its stable key (the k-th made
** by its creator, the same in every interleaving) with its name and where
** it was made (a thread: where it was spawned), which tell apart the locks
** and threads that two branches of a choose() make in the same order.
*/
static uint64_t node(uint64_t key, const char *name, int32_t line) {
  uint64_t h = detect_sig_num(detect_sig_str(key, name), line);
  return prng_mix(h);
}

/* The edge equal to 'e' (nodes, lines and gate locks), or NULL. */
static Edge *find_edge(LockGraph *g, uint64_t from, uint64_t to, uint64_t thread,
                       int32_t from_line, int32_t to_line, const uint64_t *held, int nheld) {
  for (size_t k = 0; k < g->ne; k++) {
    Edge *x = &g->e[k];
    if (x->from == from && x->to == to && x->thread == thread && x->from_line == from_line &&
        x->to_line == to_line && x->nheld == nheld &&
        !memcmp(x->held, held, sizeof(uint64_t) * (size_t)nheld))
      return x;
  }
  return NULL;
}

void lockgraph_add_run(LockGraph *g, const SimRun *r) {
  for (uint32_t i = 0; i < r->nledges; i++) {
    const LockEdge *le = &r->ledges[i];
    const SimObject *fo = &r->objs[le->from], *too = &r->objs[le->to];
    uint64_t from = node(fo->key, obj_name(r, le->from), fo->line);
    uint64_t to = node(too->key, obj_name(r, le->to), too->line);
    const SimThread *th = &r->threads[le->tid]; /* (its default name may vary: its spawn line) */
    uint64_t thread = node(th->key, "", th->obj >= 0 ? r->objs[th->obj].line : 0);
    Edge *found = find_edge(g, from, to, thread, le->from_line, le->to_line, le->held, le->nheld);
    if (found) {
      found->count++;
      if (r->index < found->first_run) keep_run(found, r, i);
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
    x->count = 1;
    keep_run(x, r, i);
  }
}

void lockgraph_remap(LockGraph *g, uint64_t (*fn)(void *ud, uint64_t idx), void *ud) {
  for (size_t i = 0; i < g->ne; i++) g->e[i].first_run = fn(ud, g->e[i].first_run);
}

static int by_first_run(const void *a, const void *b) {
  const Edge *x = a, *y = b;
  if (x->first_run != y->first_run) return x->first_run < y->first_run ? -1 : 1;
  return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

/* How many distinct values of 'v' (n of them, sorted in place). */
static int distinct(uint64_t *v, size_t n) {
  int k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t j = i;
    while (j > 0 && v[j - 1] > v[i]) j--; /* (insertion sort: the graphs are small) */
    uint64_t x = v[i];
    memmove(v + j + 1, v + j, sizeof *v * (i - j));
    v[j] = x;
  }
  for (size_t i = 0; i < n; i++) k += !i || v[i] != v[i - 1];
  return k;
}

size_t lockgraph_cycles(LockGraph *g, const char *script) {
  free_cycles(g);
  g->cut = 0;
  /* the edges in the order of their first runs, for good (lockgraph_edge) */
  if (g->ne) qsort(g->e, g->ne, sizeof *g->e, by_first_run);
  size_t *order = util_xmalloc(sizeof(size_t) * (g->ne ? g->ne : 1));
  for (size_t i = 0; i < g->ne; i++) order[i] = i;
  /* a cycle has an edge of a distinct thread for each of its locks */
  uint64_t *keys = util_xmalloc(sizeof(uint64_t) * (g->ne ? 2 * g->ne : 1));
  for (size_t i = 0; i < g->ne; i++) keys[i] = g->e[i].thread;
  int threads = distinct(keys, g->ne);
  for (size_t i = 0; i < g->ne; i++) keys[i] = g->e[i].from, keys[g->ne + i] = g->e[i].to;
  int locks = distinct(keys, 2 * g->ne);
  free(keys);
  g->longest = threads < locks ? threads : locks;
  int limit = g->longest < LOCKGRAPH_MAX_CYCLE ? g->longest : LOCKGRAPH_MAX_CYCLE;
  /* add the edges one by one; the cycles through each new one, shortest
     first */
  long budget = SEARCH_BUDGET;
  for (size_t j = 0; j < g->ne; j++) {
    size_t k = order[j];
    for (int maxlen = 2; maxlen <= limit; maxlen++) {
      Search s = {g, order, j + 1, {0}, 0, g->e[k].from, budget, 0};
      s.path[s.len++] = k;
      int found = extend(&s, g->e[k].to, maxlen);
      budget = s.budget;
      if (found) {
        report(g, script, s.path, s.len, k);
        break;
      }
      if (budget <= 0) {
        g->cut = 2;
        break;
      }
      if (!s.deeper) break; /* no path was long enough to go on: none will be */
      if (maxlen == limit && limit < g->longest && !g->cut) g->cut = 1; /* (longer untried) */
    }
  }
  free(order);
  return g->ncyc;
}

int lockgraph_search_cut(const LockGraph *g, int *longest) {
  if (longest) *longest = g->longest;
  return g->cut;
}

const char *lockgraph_cycle_info(const LockGraph *g, size_t i, uint64_t *sig, uint64_t *run,
                                 const LockGraphRun **how) {
  const Cycle *c = &g->cyc[i];
  *sig = c->sig;
  *run = g->e[c->closing].first_run;
  *how = &g->e[c->closing].run;
  return c->message;
}

int lockgraph_cycle(const LockGraph *g, uint64_t sig, const char **to, int32_t *line,
                    const char **from, const char **thread, int max) {
  for (size_t i = 0; i < g->ncyc; i++) {
    const Cycle *c = &g->cyc[i];
    if (c->sig != sig) continue;
    int n = 0;
    for (int k = 0; k < c->len && n < max; k++, n++) {
      const Edge *x = &g->e[c->edge[k]];
      to[n] = x->to_name;
      line[n] = x->to_line;
      if (from) from[n] = x->from_name;
      if (thread) thread[n] = x->thread_name;
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

size_t lockgraph_edge_full(const LockGraph *g, size_t i, LockGraphEdge *out) {
  if (i >= g->ne) return g->ne;
  const Edge *x = &g->e[i];
  out->from = x->from, out->to = x->to, out->thread = x->thread;
  out->nheld = x->nheld;
  memcpy(out->held, x->held, sizeof(uint64_t) * (size_t)x->nheld);
  out->from_name = x->from_name, out->to_name = x->to_name, out->thread_name = x->thread_name;
  out->from_line = x->from_line, out->to_line = x->to_line;
  out->first_run = x->first_run, out->count = x->count;
  out->ordinal = x->ordinal;
  out->run = x->run;
  return g->ne;
}

void lockgraph_add_edge(LockGraph *g, const LockGraphEdge *e) {
  int nheld = e->nheld < 0 ? 0 : e->nheld > LOCKEDGE_MAX_HELD ? LOCKEDGE_MAX_HELD : e->nheld;
  Edge *x = find_edge(g, e->from, e->to, e->thread, e->from_line, e->to_line, e->held, nheld);
  if (x) {
    x->count += e->count;
    if (e->first_run >= x->first_run) return;
  } else {
    UTIL_GROW(g->e, g->ne + 1, g->cap);
    x = &g->e[g->ne++];
    memset(x, 0, sizeof *x);
    x->from = e->from, x->to = e->to, x->thread = e->thread;
    x->nheld = nheld;
    memcpy(x->held, e->held, sizeof(uint64_t) * (size_t)nheld);
    x->from_line = e->from_line, x->to_line = e->to_line;
    x->from_name = util_xstrdup(e->from_name);
    x->to_name = util_xstrdup(e->to_name);
    x->thread_name = util_xstrdup(e->thread_name);
    x->count = e->count;
  }
  x->first_run = e->first_run;
  x->ordinal = e->ordinal;
  free(x->run.dec);
  x->run = e->run;
  x->run.dec = NULL, x->run.ndec = 0;
}
