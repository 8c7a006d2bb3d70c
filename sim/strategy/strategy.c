/*
** strategy.c - what every strategy shares: its configuration, making and
** destroying one, setting one of its options.
*/
#include "strategy.h"

#include <stdlib.h>
#include <string.h>

void strategy_config_init(StrategyConfig *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->pct_depth = 3;
  cfg->preemption_bound = -1;
  cfg->por = 1;
  cfg->nshards = 1;
  cfg->deviate_at = -1;
}

Strategy *strategy_new(const StrategyOps *ops, const StrategyConfig *cfg) {
  Strategy *s = ops->create(cfg);
  s->ops = ops;
  s->cfg = *cfg;
  return s;
}

void strategy_destroy(Strategy *s) {
  if (s) s->ops->destroy(s);
}

void strategy_option_set(const StrategyOption *o, StrategyConfig *cfg, int64_t v) {
  char *at = (char *)cfg + o->offset;
  if (o->u32) {
    uint32_t u = (uint32_t)v;
    memcpy(at, &u, sizeof u);
  } else {
    int x = (int)v;
    memcpy(at, &x, sizeof x);
  }
}
