/*
** test_strategies.c - the exploration strategies on a synthetic scheduler,
** without Lua: small programs of reads, writes, locks and data choices are
** executed by a tiny interpreter that produces the same SimRun trace the
** real scheduler does.
**
** - exact dfs run counts for programs whose Mazurkiewicz trace count is
**   known;
** - soundness: on hundreds of random programs, dfs with partial-order
**   reduction reaches exactly the outcomes (every value read, the final
**   state, deadlocks) that plain dfs over all interleavings reaches;
** - random and pct are deterministic per seed; pct with depth 1 never
**   preempts; replay reproduces a run and reports a divergence.
*/
#include "object.h"
#include "prng.h"
#include "strategy.h"
#include "test.h"
#include "tset.h"

#include <math.h>

#define MAXT 4
#define MAXOPS 8

enum { P_READ, P_WRITE, P_LOCK, P_UNLOCK, P_CHOOSE, P_YIELD };

typedef struct Op {
  int kind, obj, n;
} Op;

typedef struct Prog {
  int nthreads, nvars, nlocks;
  Op ops[MAXT][MAXOPS];
  int nops[MAXT];
} Prog;

/* ---- fake object classes -------------------------------------------- */

static int lock_free_snap(const SimEvent *e, const SimEvent *ev, uint32_t before) {
  (void)e;
  return ev[before].snap == 1; /* snap: 1 when the lock was free before */
}

static const ObjClass var_class = {"Shared", NULL, NULL, NULL, NULL, 0, 1, NULL, 0};
static const ObjClass lock_class = {"Lock", NULL, NULL, NULL, lock_free_snap, 1, 0, NULL,
                                    OBJ_MUTEX};

/* ---- the interpreter -------------------------------------------------- */

typedef struct Exec {
  SimRun r;
  int vals[8];
  int owner[8];
  int pc[MAXT];
  char reads[MAXT][128]; /* per thread: the values it read, in order */
  char outcome[1024];
} Exec;

/* Run 'p' once under 's'; the outcome string says what happened. */
static int exec_run(Exec *x, const Prog *p, Strategy *s, uint64_t index) {
  SimRun *r = &x->r;
  uint64_t seed;
  if (s->ops->begin_run(s, index, &seed)) return 0;
  run_reset(r);
  r->index = index;
  r->seed = seed;
  r->max_steps = 10000;
  for (int t = 0; t < p->nthreads; t++) run_new_thread(r, "t", -1), x->pc[t] = 0, x->reads[t][0] = 0;
  int var0 = r->nobjs;
  for (int v = 0; v < p->nvars; v++) run_new_object(r, &var_class, "v", 0, -1), x->vals[v] = 0;
  int lock0 = r->nobjs;
  for (int l = 0; l < p->nlocks; l++) run_new_object(r, &lock_class, "l", 0, -1), x->owner[l] = -1;
  int len = 0, prev = -1;
  x->outcome[0] = '\0';
  static const int opcode[] = {OP_READ, OP_WRITE, OP_ACQUIRE, OP_RELEASE, OP_WRITE, OP_YIELD};
  for (;;) {
    /* like the scheduler: every live thread has a pending operation */
    for (int t = 0; t < p->nthreads; t++) {
      SimThread *th = &r->threads[t];
      if (x->pc[t] >= p->nops[t]) {
        th->state = TS_DONE;
        continue;
      }
      const Op *op = &p->ops[t][x->pc[t]];
      th->pend.op = (uint16_t)opcode[op->kind];
      th->pend.obj = (op->kind == P_LOCK || op->kind == P_UNLOCK ? lock0 : var0) + op->obj;
      if (op->kind == P_YIELD) th->pend.obj = -1;
      th->pend.deadline = INFINITY;
    }
    int32_t en[MAXT];
    int n = 0;
    for (int t = 0; t < p->nthreads; t++) {
      if (x->pc[t] >= p->nops[t]) continue;
      const Op *op = &p->ops[t][x->pc[t]];
      if (op->kind == P_LOCK && x->owner[op->obj] >= 0) continue;
      en[n++] = t;
    }
    if (n == 0) {
      int stuck = 0;
      for (int t = 0; t < p->nthreads; t++) stuck |= x->pc[t] < p->nops[t];
      r->end = stuck ? END_STALL : END_OK;
      break;
    }
    int32_t t = en[0];
    if (n > 1) {
      SchedView v = {r, en, n, prev};
      t = s->ops->pick(s, &v);
      if (t < 0) {
        r->end = t == -1 ? END_PRUNED : END_DIVERGED;
        break;
      }
      UTIL_GROW(r->decisions, (size_t)r->ndecisions + 1, r->cap_decisions);
      r->decisions[r->ndecisions++] = (Decision){(uint32_t)t, (uint32_t)n, DEC_THREAD, r->steps};
    } else if (s->pick_single) {
      SchedView v = {r, en, 1, prev};
      if (s->ops->pick(s, &v) < 0) {
        r->end = END_PRUNED;
        break;
      }
    }
    r->steps++;
    prev = t;
    const Op *op = &p->ops[t][x->pc[t]++];
    SimEvent *e;
    switch (op->kind) {
    case P_READ:
      e = run_event(r, t, OP_READ, var0 + op->obj);
      snprintf(x->reads[t] + strlen(x->reads[t]), sizeof x->reads[t] - strlen(x->reads[t]),
               "%d,", x->vals[op->obj]);
      break;
    case P_WRITE:
      e = run_event(r, t, OP_WRITE, var0 + op->obj);
      x->vals[op->obj] = t * 10 + x->pc[t];
      break;
    case P_LOCK:
      e = run_event(r, t, OP_ACQUIRE, lock0 + op->obj);
      e->snap = 1;
      x->owner[op->obj] = t;
      break;
    case P_UNLOCK:
      e = run_event(r, t, OP_RELEASE, lock0 + op->obj);
      x->owner[op->obj] = -1;
      break;
    case P_YIELD:
      e = run_event(r, t, OP_YIELD, -1);
      break;
    default: { /* a data choice: the chosen value is written */
      int64_t c = s->ops->choose(s, r, (uint32_t)op->n);
      if (c < 0) {
        r->end = c == -1 ? END_PRUNED : END_DIVERGED;
        break;
      }
      UTIL_GROW(r->decisions, (size_t)r->ndecisions + 1, r->cap_decisions);
      r->decisions[r->ndecisions++] = (Decision){(uint32_t)c, (uint32_t)op->n, DEC_DATA, r->steps};
      e = run_event(r, t, OP_WRITE, var0 + op->obj);
      x->vals[op->obj] = 100 + (int)c;
    }
    }
    (void)e;
    if (r->end == END_PRUNED || r->end == END_DIVERGED) break;
  }
  if (r->end != END_PRUNED) {
    for (int t = 0; t < p->nthreads; t++)
      len += snprintf(x->outcome + len, sizeof x->outcome - (size_t)len, "t%d:%s ", t,
                      x->reads[t]);
    for (int v = 0; v < p->nvars; v++)
      len += snprintf(x->outcome + len, sizeof x->outcome - (size_t)len, "v%d=%d ", v,
                      x->vals[v]);
    if (r->end == END_STALL) snprintf(x->outcome + len, sizeof x->outcome - (size_t)len, "STUCK");
  }
  s->ops->end_run(s, r);
  return 1;
}

/* A set of outcome strings. */
typedef struct Set {
  char **v;
  size_t n, cap;
} Set;

static void set_add(Set *s, const char *x) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->v[i], x)) return;
  UTIL_GROW(s->v, s->n + 1, s->cap);
  s->v[s->n++] = util_xstrdup(x);
}

static void set_free(Set *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* Explore 'p' exhaustively (within preemption bound 'bound', -1 none);
   returns the runs explored (pruned excluded). */
static uint64_t explore(const Prog *p, int por, int bound, Set *out, uint64_t *pruned) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.por = por;
  c.preemption_bound = bound;
  c.max_runs = 2000000;
  Strategy *s = strategy_create("dfs", &c);
  Exec x;
  run_init(&x.r);
  uint64_t runs = 0;
  int dbg = getenv("DPOR_DEBUG") != NULL && por;
  for (uint64_t i = 0; exec_run(&x, p, s, i); i++) {
    if (dbg) {
      static const char *on[] = {"R", "W", "L", "U"};
      fprintf(stderr, "run %llu%s:", (unsigned long long)i, x.r.end == END_PRUNED ? " (pruned)" : "");
      for (uint32_t k = 0; k < x.r.nevents; k++) {
        int o = x.r.events[k].op;
        fprintf(stderr, " %d%s%d", x.r.events[k].tid,
                o == OP_READ ? on[0] : o == OP_WRITE ? on[1] : o == OP_ACQUIRE ? on[2] : on[3],
                x.r.events[k].obj);
      }
      fprintf(stderr, "  => %s\n", x.outcome);
    }
    if (x.r.end == END_PRUNED) continue;
    runs++;
    if (out) set_add(out, x.outcome);
  }
  CHECK(s->complete);
  if (pruned) *pruned = s->pruned;
  strategy_destroy(s);
  run_free(&x.r);
  return runs;
}

/*
** The same, split into subtrees (dfs_split with at least 'want' of them),
** explored one after another in reverse order: the order must not matter.
*/
typedef struct SplitCtx {
  Exec *x;
  const Prog *p;
} SplitCtx;

static int split_run(void *ud, Strategy *s, uint64_t index) {
  SplitCtx *c = ud;
  return exec_run(c->x, c->p, s, index);
}

static uint64_t explore_split(const Prog *p, int por, size_t want, Set *out, uint64_t *pruned) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.por = por;
  Exec x;
  run_init(&x.r);
  SplitCtx ctx = {&x, p};
  DfsTasks tasks;
  CHECK_EQ_INT(dfs_split(&c, want, split_run, &ctx, &tasks), 0);
  uint64_t runs = 0, pr = tasks.pruned;
  for (size_t k = tasks.n; k-- > 0;) {
    c.dfs_task = tasks.v[k];
    Strategy *s = strategy_create("dfs", &c);
    for (uint64_t i = 0; exec_run(&x, p, s, i); i++) {
      if (x.r.end == END_PRUNED) continue;
      runs++;
      if (out) set_add(out, x.outcome);
    }
    CHECK(s->complete);
    pr += s->pruned;
    strategy_destroy(s);
  }
  if (pruned) *pruned = pr;
  dfs_tasks_free(&tasks);
  run_free(&x.r);
  return runs;
}

/* ---- exact counts ------------------------------------------------------ */

/* The count, unsplit and split at a few depths: all the same. */
static uint64_t count_all(const Prog *p) {
  uint64_t n = explore(p, 1, -1, NULL, NULL);
  static const size_t wants[] = {1, 2, 5, 64};
  for (size_t i = 0; i < sizeof wants / sizeof *wants; i++)
    CHECK_EQ_INT(explore_split(p, 1, wants[i], NULL, NULL), n);
  return n;
}

static void test_exact_counts(void) {
  /* N threads each writing the same variable: the writes can come in any
     order, so N! traces (2, 6, 24). */
  static const uint64_t fact[] = {1, 1, 2, 6, 24};
  for (int n = 2; n <= 4; n++) {
    Prog p = {n, 1, 0, {{{0}}}, {0}};
    for (int t = 0; t < n; t++) p.ops[t][0] = (Op){P_WRITE, 0, 0}, p.nops[t] = 1;
    CHECK_EQ_INT(count_all(&p), fact[n]);
  }
  /* N threads each writing its own variable, then reading a shared one that
     nobody writes: every pair of steps commutes, 1 trace. */
  for (int n = 2; n <= 4; n++) {
    Prog p = {n, n + 1, 0, {{{0}}}, {0}};
    for (int t = 0; t < n; t++) {
      p.ops[t][0] = (Op){P_WRITE, t + 1, 0};
      p.ops[t][1] = (Op){P_READ, 0, 0};
      p.nops[t] = 2;
    }
    CHECK_EQ_INT(count_all(&p), 1);
  }
  /* N threads incrementing a variable under one lock: what differs is only
     the order in which they take the lock, N! traces (2, 6, 24), where
     plain dfs needs every interleaving of the critical sections. */
  for (int n = 2; n <= 4; n++) {
    Prog p = {n, 1, 1, {{{0}}}, {0}};
    for (int t = 0; t < n; t++) {
      p.ops[t][0] = (Op){P_LOCK, 0, 0};
      p.ops[t][1] = (Op){P_READ, 0, 0};
      p.ops[t][2] = (Op){P_WRITE, 0, 0};
      p.ops[t][3] = (Op){P_UNLOCK, 0, 0};
      p.nops[t] = 4;
    }
    CHECK_EQ_INT(count_all(&p), fact[n]);
  }
  /* N threads each reading then writing one variable (a racy counter): the
     order of the writes (N!) times where each read falls, (N!)^2 traces:
     4 and 36. */
  for (int n = 2; n <= 3; n++) {
    Prog p = {n, 1, 0, {{{0}}}, {0}};
    for (int t = 0; t < n; t++) {
      p.ops[t][0] = (Op){P_READ, 0, 0};
      p.ops[t][1] = (Op){P_WRITE, 0, 0};
      p.nops[t] = 2;
    }
    CHECK_EQ_INT(count_all(&p), fact[n] * fact[n]);
  }
  /* A data choice of 3 values in one thread, independent of another
     thread's write: 3 runs, one per value. */
  {
    Prog p = {2, 2, 0, {{{0}}}, {0}};
    p.ops[0][0] = (Op){P_CHOOSE, 0, 3};
    p.nops[0] = 1;
    p.ops[1][0] = (Op){P_WRITE, 1, 0};
    p.nops[1] = 1;
    CHECK_EQ_INT(count_all(&p), 3);
  }
}

/* ---- soundness against plain dfs --------------------------------------- */

static void random_prog(Prng *g, Prog *p) {
  memset(p, 0, sizeof *p);
  p->nthreads = 2 + (int)prng_below(g, 2);
  p->nvars = 1 + (int)prng_below(g, 2);
  p->nlocks = (int)prng_below(g, 3);
  for (int t = 0; t < p->nthreads; t++) {
    int n = 0, held = -1;
    int len = 2 + (int)prng_below(g, 3);
    while (n < len && n < MAXOPS - 1) {
      uint64_t k = prng_below(g, 10);
      if (held < 0 && p->nlocks && k < 3) {
        held = (int)prng_below(g, (uint64_t)p->nlocks);
        p->ops[t][n++] = (Op){P_LOCK, held, 0};
      } else if (held >= 0 && k < 3) {
        p->ops[t][n++] = (Op){P_UNLOCK, held, 0};
        held = -1;
      } else if (k == 9) {
        p->ops[t][n++] = (Op){P_CHOOSE, (int)prng_below(g, (uint64_t)p->nvars), 2};
      } else {
        p->ops[t][n++] = (Op){k < 6 ? P_READ : P_WRITE, (int)prng_below(g, (uint64_t)p->nvars), 0};
      }
    }
    /* sometimes keep a lock held to the end: a deadlock becomes possible */
    if (held >= 0 && prng_below(g, 3)) p->ops[t][n++] = (Op){P_UNLOCK, held, 0};
    p->nops[t] = n;
  }
}

/* How many random programs each soundness test explores: 400, or
   STRATEGIES_PROGRAMS (the sanitizer build checks a third). */
static int programs(void) {
  const char *n = getenv("STRATEGIES_PROGRAMS");
  return n && atoi(n) > 0 ? atoi(n) : 400;
}

static void test_soundness(void) {
  Prng g;
  prng_seed(&g, getenv("DPOR_SEED") ? (uint64_t)atoll(getenv("DPOR_SEED")) : 2026);
  int nprog = getenv("DPOR_COUNT") ? atoi(getenv("DPOR_COUNT")) : programs();
  int bad = 0;
  uint64_t por_runs = 0, plain_runs = 0, split_runs = 0;
  const char *only = getenv("DPOR_PROGRAM");
  for (int i = 0; i < nprog; i++) {
    Prog p;
    random_prog(&g, &p);
    if (only && atoi(only) != i) continue;
    Set a = {0}, b = {0}, c = {0};
    por_runs += explore(&p, 1, -1, &a, NULL);
    plain_runs += explore(&p, 0, -1, &b, NULL);
    split_runs += explore_split(&p, 1, 1 + (size_t)(i % 8) * 3, &c, NULL);
    int same = a.n == b.n && c.n == b.n;
    for (size_t k = 0; k < b.n && same; k++) {
      int found = 0;
      for (size_t j = 0; j < c.n; j++) found |= !strcmp(c.v[j], b.v[k]);
      same = found;
    }
    for (size_t k = 0; k < b.n && same; k++) {
      int found = 0;
      for (size_t j = 0; j < a.n; j++) found |= !strcmp(a.v[j], b.v[k]);
      same = found;
    }
    if (!same && bad++ < 3) {
      fprintf(stderr, "program %d: dpor reached %zu outcomes, split %zu, plain dfs %zu\n", i,
              a.n, c.n, b.n);
      static const char *kn[] = {"R", "W", "L", "U", "C"};
      for (int t = 0; t < p.nthreads; t++) {
        fprintf(stderr, "  t%d:", t);
        for (int k = 0; k < p.nops[t]; k++)
          fprintf(stderr, " %s%d", kn[p.ops[t][k].kind], p.ops[t][k].obj);
        fprintf(stderr, "\n");
      }
      for (size_t k = 0; k < b.n; k++) {
        int found = 0;
        for (size_t j = 0; j < a.n; j++) found |= !strcmp(a.v[j], b.v[k]);
        if (!found) fprintf(stderr, "  missed: %s\n", b.v[k]);
      }
    }
    set_free(&a);
    set_free(&b);
    set_free(&c);
  }
  CHECK_EQ_INT(bad, 0);
  CHECK(por_runs < plain_runs);
  printf("soundness: %d programs, dpor %llu runs (split into subtrees: %llu), plain dfs %llu "
         "runs\n",
         nprog, (unsigned long long)por_runs, (unsigned long long)split_runs,
         (unsigned long long)plain_runs);
}

/*
** Within a preemption bound, with the reduction: on random programs it
** reaches every outcome plain dfs reaches within the same bound, in no more
** runs than the reduction takes unbounded.
*/
static void test_bounded_soundness(void) {
  Prng g;
  prng_seed(&g, 2027);
  int bad = 0;
  uint64_t runs[3] = {0, 0, 0}; /* reduced within the bound, plain within it, reduced */
  int nprog = programs();
  for (int i = 0; i < nprog; i++) {
    Prog p;
    random_prog(&g, &p);
    int bound = i % 3;
    Set a = {0}, b = {0};
    uint64_t r = explore(&p, 1, bound, &a, NULL), all = explore(&p, 1, -1, NULL, NULL);
    runs[0] += r, runs[2] += all;
    runs[1] += explore(&p, 0, bound, &b, NULL);
    CHECK(r <= all);
    for (size_t k = 0; k < b.n; k++) {
      int found = 0;
      for (size_t j = 0; j < a.n; j++) found |= !strcmp(a.v[j], b.v[k]);
      if (!found && bad++ < 3)
        fprintf(stderr, "program %d, bound %d: missed %s\n", i, bound, b.v[k]);
    }
    set_free(&a);
    set_free(&b);
  }
  CHECK_EQ_INT(bad, 0);
  printf("bounded soundness: %d programs, bounds 0-2: reduced %llu runs, plain %llu, "
         "reduced unbounded %llu\n",
         nprog, (unsigned long long)runs[0], (unsigned long long)runs[1],
         (unsigned long long)runs[2]);
}

/* ---- random, pct, replay --------------------------------------------- */

static void collect(Strategy *s, const Prog *p, uint64_t runs, char *out, size_t n) {
  Exec x;
  run_init(&x.r);
  size_t len = 0;
  out[0] = '\0';
  for (uint64_t i = 0; i < runs && exec_run(&x, p, s, i); i++)
    for (uint32_t k = 0; k < x.r.ndecisions && len + 4 < n; k++)
      len += (size_t)snprintf(out + len, n - len, "%u", x.r.decisions[k].value);
  run_free(&x.r);
}

static Prog three_writers(void) {
  Prog p = {3, 1, 0, {{{0}}}, {0}};
  for (int t = 0; t < 3; t++) {
    p.ops[t][0] = (Op){P_WRITE, 0, 0};
    p.ops[t][1] = (Op){P_READ, 0, 0};
    p.ops[t][2] = (Op){P_WRITE, 0, 0};
    p.nops[t] = 3;
  }
  return p;
}

static void test_random_and_pct_deterministic(void) {
  Prog p = three_writers();
  const char *names[] = {"random", "pct"};
  for (int k = 0; k < 2; k++) {
    char a[4096], b[4096], c[4096];
    StrategyConfig cfg;
    strategy_config_init(&cfg);
    cfg.base_seed = 42;
    cfg.pct_steps = 9;
    Strategy *s1 = strategy_create(names[k], &cfg), *s2 = strategy_create(names[k], &cfg);
    collect(s1, &p, 50, a, sizeof a);
    collect(s2, &p, 50, b, sizeof b);
    CHECK_EQ_STR(a, b);
    cfg.base_seed = 43;
    Strategy *s3 = strategy_create(names[k], &cfg);
    collect(s3, &p, 50, c, sizeof c);
    CHECK(strcmp(a, c) != 0);
    strategy_destroy(s1);
    strategy_destroy(s2);
    strategy_destroy(s3);
  }
}

/* With depth 1 there is no change point: the highest-priority thread runs
   to its end, then the next: never a preemption. */
static void test_pct_depth1_never_preempts(void) {
  Prog p = three_writers();
  StrategyConfig cfg;
  strategy_config_init(&cfg);
  cfg.base_seed = 7;
  cfg.pct_depth = 1;
  cfg.pct_steps = 9;
  Strategy *s = strategy_create("pct", &cfg);
  Exec x;
  run_init(&x.r);
  for (uint64_t i = 0; i < 100 && exec_run(&x, &p, s, i); i++) {
    int switches = 0, prev = -1;
    for (uint32_t e = 0; e < x.r.nevents; e++) {
      if (prev >= 0 && x.r.events[e].tid != prev) switches++;
      prev = x.r.events[e].tid;
    }
    CHECK_EQ_INT(switches, 2); /* three threads, one after another */
  }
  run_free(&x.r);
  strategy_destroy(s);
}

/* Thread 0: 'first', then a write; thread 1: a read of the same variable. */
static Prog write_after(int first) {
  Prog p = {2, 1, 0, {{{0}}}, {0}};
  p.ops[0][0] = (Op){first, 0, 0};
  p.ops[0][1] = (Op){P_WRITE, 0, 0};
  p.nops[0] = 2;
  p.ops[1][0] = (Op){P_READ, 0, 0};
  p.nops[1] = 1;
  return p;
}

/* In how many of 'runs' pct runs (depth, k steps, seed) does thread 1 read
   what it reads in 'outcome' ("t1:1, ")? */
static int pct_outcomes(const Prog *p, uint64_t seed, int depth, uint32_t k, int runs,
                        const char *outcome) {
  StrategyConfig cfg;
  strategy_config_init(&cfg);
  cfg.base_seed = seed;
  cfg.pct_depth = depth;
  cfg.pct_steps = k;
  Strategy *s = strategy_create("pct", &cfg);
  Exec x;
  run_init(&x.r);
  int hits = 0;
  for (int i = 0; i < runs && exec_run(&x, p, s, (uint64_t)i); i++)
    hits += strstr(x.outcome, outcome) != NULL;
  run_free(&x.r);
  strategy_destroy(s);
  return hits;
}

/* Depth 2 finds an ordering bug that needs one preemption (thread 0's two
   writes with thread 1's read in between) with about the paper's
   probability 1/(n k) or better. */
static void test_pct_depth2_bound(void) {
  Prog p = write_after(P_WRITE);
  int runs = 3000, hits = pct_outcomes(&p, 1, 2, 3, runs, "t1:1, "); /* the first write */
  double bound = 1.0 / (2.0 * 3.0);
  CHECK((double)hits / runs >= bound * 0.8);
}

/* A thread that yields drops below every other (SCTBench's PCT): thread 0
   yields, then writes; thread 1 reads.  Whichever thread starts highest,
   thread 1's read comes first: thread 0 either yields and drops below it,
   or has the lower priority from the start (and a change point only ever
   lowers).  Without the drop, thread 0 would write before the read in
   about half the runs. */
static void test_pct_yield_drops(void) {
  Prog p = write_after(P_YIELD);
  for (int depth = 1; depth <= 3; depth++)
    CHECK_EQ_INT(pct_outcomes(&p, 3, depth, 3, 200, "t1:0, "), 200); /* before the write */
}

/* Sets of thread ids past one machine word (tset.h). */
static void test_thread_sets(void) {
  TSet a = {0}, b = {0};
  static const int32_t ids[] = {0, 5, 63, 64, 100, 200};
  for (int i = 0; i < 6; i++) tset_add(&a, ids[i]);
  for (int32_t t = 0, i = 0; t < 260; t++) {
    int member = i < 6 && ids[i] == t;
    CHECK_EQ_INT(tset_has(&a, t), member);
    i += member;
  }
  int32_t t = -1;
  for (int i = 0; i < 6; i++) CHECK_EQ_INT(t = tset_next(&a, t + 1), ids[i]);
  CHECK_EQ_INT(tset_next(&a, 201), -1);
  tset_add(&b, 100);
  CHECK(tset_intersects(&a, &b) && !tset_equal(&a, &b));
  tset_copy(&b, &a);
  CHECK(tset_equal(&a, &b));
  tset_del(&b, 200);
  tset_del(&b, 300); /* (not a member: nothing) */
  CHECK(!tset_equal(&a, &b) && !tset_has(&b, 200));
  tset_clear(&b);
  tset_add(&b, 7);
  CHECK(!tset_intersects(&a, &b));
  tset_or(&b, &a);
  CHECK(tset_has(&b, 7) && tset_has(&b, 200) && tset_next(&b, 6) == 7);
  tset_clear(&a);
  tset_add(&a, 7);
  tset_del(&b, 0), tset_del(&b, 5), tset_del(&b, 63), tset_del(&b, 64), tset_del(&b, 100),
      tset_del(&b, 200);
  CHECK(tset_equal(&a, &b)); /* (the empty words past its end count as empty) */
  tset_free(&a);
  tset_free(&b);
}

static void test_replay_and_divergence(void) {
  Prog p = three_writers();
  StrategyConfig cfg;
  strategy_config_init(&cfg);
  cfg.base_seed = 99;
  Strategy *rs = strategy_create("random", &cfg);
  Exec x;
  run_init(&x.r);
  exec_run(&x, &p, rs, 5);
  char want[1024];
  snprintf(want, sizeof want, "%s", x.outcome);
  uint32_t n = x.r.ndecisions;
  Decision *dec = util_xmalloc(sizeof(Decision) * (n ? n : 1));
  memcpy(dec, x.r.decisions, sizeof(Decision) * n);
  strategy_destroy(rs);

  strategy_config_init(&cfg);
  cfg.replay = dec;
  cfg.nreplay = n;
  Strategy *rp = strategy_create("replay", &cfg);
  exec_run(&x, &p, rp, 0);
  CHECK_EQ_STR(x.outcome, want);
  CHECK_EQ_STR(rp->err, "");
  strategy_destroy(rp);

  Decision first = dec[0];
  dec[0].value = 3; /* a thread that does not exist */
  rp = strategy_create("replay", &cfg);
  exec_run(&x, &p, rp, 0);
  CHECK_EQ_INT(x.r.end, END_DIVERGED);
  CHECK_CONTAINS(rp->err, "diverged");
  strategy_destroy(rp);

  dec[0] = first;
  cfg.nreplay = n - 1; /* the schedule runs out before the run ends */
  rp = strategy_create("replay", &cfg);
  exec_run(&x, &p, rp, 0);
  CHECK_CONTAINS(rp->err, "diverged");
  strategy_destroy(rp);
  free(dec);
  run_free(&x.r);
}

/* A preemption bound of 0 explores exactly the serial schedules, plainly:
   3! = 6 orders of three threads. */
static void test_preemption_bound(void) {
  Prog p = three_writers();
  StrategyConfig c;
  strategy_config_init(&c);
  c.preemption_bound = 0;
  c.por = 0;
  Strategy *s = strategy_create("dfs", &c);
  Exec x;
  run_init(&x.r);
  uint64_t runs = 0;
  for (uint64_t i = 0; exec_run(&x, &p, s, i); i++) runs++;
  CHECK_EQ_INT(runs, 6);
  CHECK(s->complete);
  strategy_destroy(s);
  run_free(&x.r);
}

/*
** The registry: options are found by name and stored where their strategy
** reads them, no two strategies declare one name, and the lists of names
** come from it.
*/
static void test_registry_options(void) {
  const StrategyOps *owner = NULL;
  const StrategyOption *o = strategy_option("--depth", &owner);
  CHECK(o != NULL && owner == strategy_find("pct"));
  StrategyConfig c;
  strategy_config_init(&c);
  strategy_option_set(o, &c, 5);
  CHECK_EQ_INT(c.pct_depth, 5);
  strategy_option_set(strategy_option("--pct-steps", NULL), &c, 4000000000LL);
  CHECK(c.pct_steps == 4000000000u);
  o = strategy_option("--no-por", &owner);
  CHECK(o != NULL && o->arg == NULL && owner == strategy_find("dfs"));
  strategy_option_set(o, &c, o->lo);
  CHECK_EQ_INT(c.por, 0);
  CHECK(strategy_option("--runs", NULL) == NULL);
  int seen = 0;
  const StrategyOps *a, *b;
  for (int i = 0; (a = strategy_at(i)) != NULL; i++)
    for (const StrategyOption *x = a->options; x && x->name; x++, seen++)
      for (int j = 0; (b = strategy_at(j)) != NULL; j++)
        for (const StrategyOption *y = b->options; y && y->name; y++)
          CHECK(x == y || strcmp(x->name, y->name) != 0);
  CHECK_EQ_INT(seen, 4);
  char buf[64];
  CHECK_EQ_STR(strategy_user_names("|", 0, buf, sizeof buf), "random|pct|dfs");
  CHECK_EQ_STR(strategy_user_names("|", STRAT_TREE, buf, sizeof buf), "random|pct");
  CHECK_EQ_STR(strategy_user_list(), "random, pct or dfs");
}

int main(void) {
  test_begin(280); /* 10 s here; ctest's TIMEOUT is 300 */
  if (getenv("DPOR_PROGRAM") || getenv("DPOR_COUNT")) { /* soundness only */
    RUN_TEST(test_soundness);
    return test_end("test_strategies");
  }
  RUN_TEST(test_exact_counts);
  RUN_TEST(test_soundness);
  RUN_TEST(test_bounded_soundness);
  RUN_TEST(test_random_and_pct_deterministic);
  RUN_TEST(test_pct_depth1_never_preempts);
  RUN_TEST(test_pct_depth2_bound);
  RUN_TEST(test_pct_yield_drops);
  RUN_TEST(test_thread_sets);
  RUN_TEST(test_replay_and_divergence);
  RUN_TEST(test_preemption_bound);
  RUN_TEST(test_registry_options);
  return test_end("test_strategies");
}
