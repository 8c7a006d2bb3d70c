/*
** strat_pct.c - PCT, probabilistic concurrency testing (Burckhardt,
** Kothari, Musuvathi, Nagarakatte, "A Randomized Scheduler with
** Probabilistic Guarantees of Finding Bugs", ASPLOS 2010).
**
** Every thread gets a random priority >= d when it first appears; d-1
** change points are drawn uniformly from steps 1..k; the highest-priority
** enabled thread always runs; at the i-th change point the running thread
** drops to priority i (below every initial priority).  A bug of depth d in a
** program of n threads and k steps is found by one run with probability at
** least 1/(n k^(d-1)).
**
** A thread that gives way (yields, sleeps or waits with a timeout) drops
** below every other thread as it does, as in SCTBench's PCT (Thomson,
** Donaldson, Betts, "Concurrency Testing Using Controlled Schedulers",
** TOPC 2016): a spin-wait loop polls, gives way, and the thread it waits for
** runs.  Without that, a spinning thread of the highest priority would spin
** until the step limit.  The guarantee above is for programs that never give
** way; the report says when the runs did (pct_report).
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prng.h"
#include "strategy.h"
#include "util.h"

#define PCT_MAX_DEPTH 16

typedef struct PctStrategy {
  Strategy base;
  Prng rng;
  double *prio; /* per thread id; 0 = not seen yet */
  size_t cap;
  uint32_t change[PCT_MAX_DEPTH]; /* change point steps, d-1 of them */
  int nchange, fired;
  uint32_t nlow; /* threads lowered for giving way: each to -nlow, below all */
} PctStrategy;

static Strategy *pct_create(const StrategyConfig *cfg) {
  (void)cfg;
  PctStrategy *s = util_xcalloc(1, sizeof *s);
  return &s->base;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static int pct_begin_run(Strategy *base, uint64_t index, uint64_t *seed) {
  PctStrategy *s = (PctStrategy *)base;
  const StrategyConfig *c = &base->cfg;
  if (c->has_fixed_seed && index > 0) return 1;
  uint64_t rs = c->has_fixed_seed ? c->fixed_seed : prng_run_seed(c->base_seed, index);
  prng_seed(&s->rng, rs ^ 0x706374ULL);
  *seed = rs;
  if (s->cap) memset(s->prio, 0, s->cap * sizeof *s->prio);
  int d = c->pct_depth < 1 ? 1 : c->pct_depth > PCT_MAX_DEPTH ? PCT_MAX_DEPTH : c->pct_depth;
  uint32_t k = c->pct_steps ? c->pct_steps : 100;
  s->nchange = d - 1;
  for (int i = 0; i < s->nchange; i++) s->change[i] = 1 + (uint32_t)prng_below(&s->rng, k);
  qsort(s->change, (size_t)s->nchange, sizeof(uint32_t), cmp_u32);
  s->fired = 0;
  s->nlow = 0;
  return 0;
}

static double *prio_of(PctStrategy *s, int32_t tid) {
  if ((size_t)tid >= s->cap) {
    size_t old = s->cap;
    UTIL_GROW(s->prio, (size_t)tid + 1, s->cap);
    memset(s->prio + old, 0, (s->cap - old) * sizeof *s->prio);
  }
  double *p = &s->prio[tid];
  if (*p == 0) /* a new thread: a random rank among the initial priorities */
    *p = (double)s->base.cfg.pct_depth + 1.0 + prng_double(&s->rng);
  return p;
}

static int32_t pct_pick(Strategy *base, const SchedView *v) {
  PctStrategy *s = (PctStrategy *)base;
  uint32_t step = v->run->steps + 1;
  /* change points that fell on this or earlier steps lower the thread that
     was running then */
  while (s->fired < s->nchange && s->change[s->fired] <= step) {
    double low = (double)(s->fired + 1) / 2.0;
    if (v->prev >= 0 && *prio_of(s, v->prev) > low) *prio_of(s, v->prev) = low;
    s->fired++;
  }
  int32_t best = v->enabled[0];
  double bp = *prio_of(s, best);
  for (int i = 1; i < v->nenabled; i++) {
    double p = *prio_of(s, v->enabled[i]);
    if (p > bp) bp = p, best = v->enabled[i];
  }
  if (pend_gives_way(&v->run->threads[best].pend)) /* below every other, from now on */
    *prio_of(s, best) = -(double)++s->nlow;
  return best;
}

static int64_t pct_choose(Strategy *base, const SimRun *r, uint32_t n) {
  (void)r;
  PctStrategy *s = (PctStrategy *)base;
  return (int64_t)prng_below(&s->rng, n);
}

static void pct_end_run(Strategy *base, const SimRun *r) { (void)base, (void)r; }

static void pct_destroy(Strategy *base) {
  PctStrategy *s = (PctStrategy *)base;
  free(s->prio);
  free(s);
}

/*
** PCT's guarantee: one run over n threads and k steps finds a given bug of
** depth d with probability >= 1/(n k^(d-1)); r runs, 1 - (1 - p)^r.  n is
** the most threads of any run; k must be at least the length of every run
** (the change points fall in the first k steps), and the program must never
** give way (a thread lowered for it can be held back from what the bug
** needs): where the runs say otherwise, so does the report.
*/
static void pct_report(const Strategy *base, StrategyReport *out) {
  const StrategyConfig *c = &base->cfg;
  if (!out->runs) return;
  int n = out->nthreads > 0 ? out->nthreads : 1;
  double k = c->pct_steps ? c->pct_steps : 1;
  double p1 = 1.0 / ((double)n * pow(k, c->pct_depth - 1));
  double pall = 1.0 - pow(1.0 - p1, (double)out->runs);
  char all[48];
  if (pall > 0.999999) snprintf(all, sizeof all, "> 0.999999");
  else snprintf(all, sizeof all, ">= %.4g", pall);
  sb_printf(out->line,
            "pct: depth %d, %u steps: each run finds a given depth-%d bug with probability "
            ">= 1/(%d * %u^%d) = %.3g; %llu runs: %s\n",
            c->pct_depth, c->pct_steps, c->pct_depth, n, c->pct_steps, c->pct_depth - 1, p1,
            (unsigned long long)out->runs, all);
  if (out->max_steps > c->pct_steps && c->pct_depth > 1)
    sb_printf(out->line,
              "pct: runs took up to %u steps, more than the %u the change points are drawn "
              "from (--pct-steps): the bound is for bugs within the first %u\n",
              out->max_steps, c->pct_steps, c->pct_steps);
  if (out->gave_way)
    sb_printf(out->line,
              "pct: the bound is for programs that never give way: in %llu of %llu runs a "
              "thread yielded, slept or waited with a timeout, and dropped below the others\n",
              (unsigned long long)out->gave_way, (unsigned long long)out->runs);
  sb_printf(out->json,
            ", \"pct\": {\"depth\": %d, \"steps\": %u, \"p_run\": %.6g, \"p_all\": %.6g, "
            "\"threads\": %d, \"longest_run\": %u, \"gave_way_runs\": %llu, "
            "\"bound_applies\": %s}",
            c->pct_depth, c->pct_steps, p1, pall, n, out->max_steps,
            (unsigned long long)out->gave_way,
            out->gave_way || (out->max_steps > c->pct_steps && c->pct_depth > 1) ? "false"
                                                                                 : "true");
}

static const StrategyOption pct_options[] = {
    {"--depth", "D", "bug depth, D-1 priority change points (default 3)", 1, PCT_MAX_DEPTH,
     offsetof(StrategyConfig, pct_depth), 0},
    {"--pct-steps", "K", "steps the change points are drawn from (default: measured)", 1,
     UINT32_MAX, offsetof(StrategyConfig, pct_steps), 1},
    {NULL, NULL, NULL, 0, 0, 0, 0}};

const StrategyOps strategy_pct_ops = {
    "pct",        pct_create,  pct_begin_run, pct_pick, pct_choose, pct_end_run, pct_destroy,
    "PCT: random priorities, d-1 priority change points (Burckhardt et al., ASPLOS 2010)",
    STRAT_USER | STRAT_RUN_LENGTH, pct_options, pct_report};
