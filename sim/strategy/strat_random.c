/*
** strat_random.c - seeded random scheduling: at every point where several
** threads could run, pick one uniformly; every data choice is uniform too.
** Run i of an exploration uses the run seed prng_run_seed(base, i), so any
** run can be replayed alone from its seed.
*/
#include <stdlib.h>

#include "prng.h"
#include "strategy.h"
#include "util.h"

typedef struct RandomStrategy {
  Strategy base;
  Prng rng;
} RandomStrategy;

static Strategy *random_create(const StrategyConfig *cfg) {
  (void)cfg;
  RandomStrategy *s = util_xcalloc(1, sizeof *s);
  return &s->base;
}

static int random_begin_run(Strategy *base, uint64_t index, uint64_t *seed) {
  RandomStrategy *s = (RandomStrategy *)base;
  uint64_t rs = base->cfg.has_fixed_seed ? base->cfg.fixed_seed
                                         : prng_run_seed(base->cfg.base_seed, index);
  if (base->cfg.has_fixed_seed && index > 0) return 1; /* replay: one run */
  prng_seed(&s->rng, rs ^ 0x7363686564ULL); /* scheduling stream */
  *seed = rs;
  return 0;
}

static int32_t random_pick(Strategy *base, const SchedView *v) {
  RandomStrategy *s = (RandomStrategy *)base;
  return v->enabled[prng_below(&s->rng, (uint64_t)v->nenabled)];
}

static int64_t random_choose(Strategy *base, const SimRun *r, uint32_t n) {
  (void)r;
  RandomStrategy *s = (RandomStrategy *)base;
  return (int64_t)prng_below(&s->rng, n);
}

static void random_end_run(Strategy *base, const SimRun *r) { (void)base, (void)r; }

static void random_destroy(Strategy *base) { free(base); }

const StrategyOps strategy_random_ops = {"random",         random_create,
                                         random_begin_run, random_pick,
                                         random_choose,    random_end_run,
                                         random_destroy,
    "seeded random scheduling: each run picks among the enabled threads at random", STRAT_USER | STRAT_BY_SEED, NULL, NULL};
