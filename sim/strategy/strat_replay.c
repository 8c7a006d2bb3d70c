/*
** strat_replay.c - replay a recorded schedule (a decoded token): every
** thread pick and data choice is taken from the list, in order.  A run that
** does not fit the list (a recorded thread cannot run, a choice has another
** number of options, the list runs out early or is left over) diverged: the
** script changed, or is not deterministic.
*/
#include <stdio.h>
#include <stdlib.h>

#include "strategy.h"
#include "util.h"

typedef struct ReplayStrategy {
  Strategy base;
  uint32_t pos;
} ReplayStrategy;

static Strategy *replay_create(const StrategyConfig *cfg) {
  (void)cfg;
  ReplayStrategy *s = util_xcalloc(1, sizeof *s);
  return &s->base;
}

static int replay_begin_run(Strategy *base, uint64_t index, uint64_t *seed) {
  ReplayStrategy *s = (ReplayStrategy *)base;
  if (index > 0) return 1;
  s->pos = 0;
  base->err[0] = '\0';
  *seed = base->cfg.replay_seed;
  return 0;
}

static const Decision *next(ReplayStrategy *s, int kind, uint32_t step) {
  Strategy *b = &s->base;
  if (s->pos >= b->cfg.nreplay) {
    snprintf(b->err, sizeof b->err,
             "the run diverged from its schedule: the schedule ends after %u "
             "decisions, but at step %u the run needs another %s",
             b->cfg.nreplay, step, kind == DEC_THREAD ? "thread pick" : "data choice");
    return NULL;
  }
  const Decision *d = &b->cfg.replay[s->pos];
  if (d->kind != kind) {
    snprintf(b->err, sizeof b->err,
             "the run diverged from its schedule at decision %u (step %u): the "
             "schedule has a %s there, the run needs a %s",
             s->pos + 1, step, d->kind == DEC_THREAD ? "thread pick" : "data choice",
             kind == DEC_THREAD ? "thread pick" : "data choice");
    return NULL;
  }
  s->pos++;
  return d;
}

static int32_t replay_pick(Strategy *base, const SchedView *v) {
  ReplayStrategy *s = (ReplayStrategy *)base;
  const Decision *d = next(s, DEC_THREAD, v->run->steps + 1);
  if (!d) return -2;
  for (int i = 0; i < v->nenabled; i++)
    if (v->enabled[i] == (int32_t)d->value) return (int32_t)d->value;
  snprintf(base->err, sizeof base->err,
           "the run diverged from its schedule at decision %u (step %u): the "
           "schedule runs thread %u, which cannot run there",
           s->pos, v->run->steps + 1, d->value);
  return -2;
}

static int64_t replay_choose(Strategy *base, const SimRun *r, uint32_t n) {
  ReplayStrategy *s = (ReplayStrategy *)base;
  const Decision *d = next(s, DEC_DATA, r->steps);
  if (!d) return -2;
  if (d->value >= n) {
    snprintf(base->err, sizeof base->err,
             "the run diverged from its schedule at decision %u (step %u): the "
             "schedule chooses option %u of %u, the run offers %u",
             s->pos, r->steps, d->value + 1, d->n, n);
    return -2;
  }
  return d->value;
}

static void replay_end_run(Strategy *base, const SimRun *r) {
  ReplayStrategy *s = (ReplayStrategy *)base;
  if (!base->err[0] && s->pos < base->cfg.nreplay && r->end != END_DIVERGED)
    snprintf(base->err, sizeof base->err,
             "the run diverged from its schedule: it ended after %u of the "
             "schedule's %u decisions",
             s->pos, base->cfg.nreplay);
}

static void replay_destroy(Strategy *base) { free(base); }

const StrategyOps strategy_replay_ops = {"replay",         replay_create,
                                         replay_begin_run, replay_pick,
                                         replay_choose,    replay_end_run,
                                         replay_destroy,
    NULL, 0, NULL, NULL};
