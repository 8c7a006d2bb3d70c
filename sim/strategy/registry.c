/*
** registry.c - the registry of exploration strategies, chosen by name: the
** only list of them.  Adding a strategy is adding its file and a line here.
*/
#include "strategy.h"

#include <stdio.h>
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

static const char *names[sizeof registry / sizeof registry[0]];
static char user_list[128];

Strategy *strategy_create(const char *name, const StrategyConfig *cfg) {
  const StrategyOps *ops = strategy_find(name);
  return ops ? strategy_new(ops, cfg) : NULL;
}

const StrategyOps *strategy_find(const char *name) {
  for (int i = 0; registry[i]; i++)
    if (strcmp(registry[i]->name, name) == 0) return registry[i];
  return NULL;
}


const char *const *strategy_names(void) {
  for (int i = 0; registry[i]; i++) names[i] = registry[i]->name;
  return names;
}

const char *strategy_user_list(void) {
  int n = 0, k = 0;
  for (int i = 0; registry[i]; i++) n += (registry[i]->flags & STRAT_USER) != 0;
  size_t len = 0;
  user_list[0] = '\0';
  for (int i = 0; registry[i]; i++) {
    if (!(registry[i]->flags & STRAT_USER)) continue;
    const char *sep = k == 0 ? "" : k == n - 1 ? " or " : ", ";
    len += (size_t)snprintf(user_list + len, sizeof user_list - len, "%s%s", sep,
                            registry[i]->name);
    k++;
  }
  return user_list;
}

const char *strategy_user_names(const char *sep, unsigned without, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; registry[i] && len < n; i++) {
    if (!(registry[i]->flags & STRAT_USER) || (registry[i]->flags & without)) continue;
    len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? sep : "", registry[i]->name);
  }
  return buf;
}

const StrategyOps *strategy_at(int i) {
  return i >= 0 && i < (int)(sizeof registry / sizeof registry[0]) ? registry[i] : NULL;
}

const StrategyOption *strategy_option(const char *name, const StrategyOps **owner) {
  for (int i = 0; registry[i]; i++) {
    if (!(registry[i]->flags & STRAT_USER) || !registry[i]->options) continue;
    for (const StrategyOption *o = registry[i]->options; o->name; o++)
      if (!strcmp(o->name, name)) {
        if (owner) *owner = registry[i];
        return o;
      }
  }
  return NULL;
}
