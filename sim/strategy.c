/*
** strategy.c - the registry of exploration strategies, chosen by name.
*/
#include "strategy.h"

#include <stdlib.h>
#include <string.h>

extern const StrategyOps strategy_random_ops;
extern const StrategyOps strategy_pct_ops;
extern const StrategyOps strategy_dfs_ops;
extern const StrategyOps strategy_replay_ops;
extern const StrategyOps strategy_guided_ops;
extern const StrategyOps strategy_directed_ops;

static const StrategyOps *const registry[] = {
    &strategy_random_ops, &strategy_pct_ops,    &strategy_dfs_ops,
    &strategy_replay_ops, &strategy_guided_ops, &strategy_directed_ops, NULL};

static const char *const names[] = {"random", "pct", "dfs", "replay", "guided", "directed", NULL};

void strategy_config_init(StrategyConfig *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->pct_depth = 3;
  cfg->preemption_bound = -1;
  cfg->por = 1;
  cfg->nshards = 1;
  cfg->deviate_at = -1;
}

Strategy *strategy_create(const char *name, const StrategyConfig *cfg) {
  for (int i = 0; registry[i]; i++)
    if (strcmp(registry[i]->name, name) == 0) {
      Strategy *s = registry[i]->create(cfg);
      s->ops = registry[i];
      s->cfg = *cfg;
      return s;
    }
  return NULL;
}

void strategy_destroy(Strategy *s) {
  if (s) s->ops->destroy(s);
}

const char *const *strategy_names(void) { return names; }
