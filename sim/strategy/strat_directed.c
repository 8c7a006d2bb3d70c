/*
** strat_directed.c - a directed search toward a potential deadlock.
**
** Given the second acquisitions of a lock-order cycle (lock name and line:
** the places where a thread takes B while holding A), it holds back every
** thread about to make one of them as long as another thread can run, and
** otherwise picks at random (seeded per run).  So each thread of the cycle
** tends to take its first lock and stop at its second: if the cycle can
** deadlock, that is where it does.
*/
#include <stdlib.h>
#include <string.h>

#include "prng.h"
#include "strategy.h"
#include "util.h"

typedef struct DirectedStrategy {
  Strategy base;
  Prng rng;
} DirectedStrategy;

static Strategy *directed_create(const StrategyConfig *cfg) {
  (void)cfg;
  DirectedStrategy *s = util_xcalloc(1, sizeof *s);
  return &s->base;
}

static int directed_begin_run(Strategy *base, uint64_t index, uint64_t *seed) {
  DirectedStrategy *s = (DirectedStrategy *)base;
  *seed = prng_run_seed(base->cfg.base_seed ^ 0x646972ULL, index);
  prng_seed(&s->rng, *seed);
  return 0;
}

/* Is thread 't' about to make one of the target acquisitions? */
static int held_back(const Strategy *base, const SimRun *r, int32_t t) {
  const PendingOp *p = &r->threads[t].pend;
  if (p->op != OP_ACQUIRE || p->obj < 0) return 0;
  const char *name = obj_name(r, p->obj);
  for (int i = 0; i < base->cfg.ntargets; i++)
    if (base->cfg.target_lines[i] == p->line && !strcmp(base->cfg.target_names[i], name))
      return 1;
  return 0;
}

static int32_t directed_pick(Strategy *base, const SchedView *v) {
  DirectedStrategy *s = (DirectedStrategy *)base;
  int32_t free_[64];
  int n = 0;
  for (int i = 0; i < v->nenabled && n < 64; i++)
    if (!held_back(base, v->run, v->enabled[i])) free_[n++] = v->enabled[i];
  if (n == 0) return v->enabled[prng_below(&s->rng, (uint64_t)v->nenabled)];
  return free_[prng_below(&s->rng, (uint64_t)n)];
}

static int64_t directed_choose(Strategy *base, const SimRun *r, uint32_t n) {
  (void)r;
  DirectedStrategy *s = (DirectedStrategy *)base;
  return (int64_t)prng_below(&s->rng, n);
}

static void directed_end_run(Strategy *base, const SimRun *r) { (void)base, (void)r; }
static void directed_destroy(Strategy *base) { free(base); }

const StrategyOps strategy_directed_ops = {"directed",         directed_create,
                                           directed_begin_run, directed_pick,
                                           directed_choose,    directed_end_run,
                                           directed_destroy,
    NULL, 0, NULL, NULL};
