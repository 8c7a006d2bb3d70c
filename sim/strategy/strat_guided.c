/*
** strat_guided.c - follow a schedule loosely, for shrinking.
**
** It takes the thread picks and data choices of a recorded schedule in
** order, but never diverges: when the recorded thread cannot run it keeps
** the running thread going (or takes the lowest enabled one) and follows the
** schedule again from there.  At decision 'deviate_at' it does not preempt:
** it keeps the running thread.  It records where its own run preempted, so
** that the shrinker can try removing each of those preemptions in turn.
*/
#include <stdlib.h>

#include "strategy.h"
#include "util.h"

typedef struct GuidedStrategy {
  Strategy base;
  uint32_t pos;
  uint32_t *pre; /* decision indices where this run preempted */
  uint32_t npre;
  size_t cap_pre;
} GuidedStrategy;

static Strategy *guided_create(const StrategyConfig *cfg) {
  (void)cfg;
  GuidedStrategy *s = util_xcalloc(1, sizeof *s);
  return &s->base;
}

static int guided_begin_run(Strategy *base, uint64_t index, uint64_t *seed) {
  GuidedStrategy *s = (GuidedStrategy *)base;
  if (index > 0) return 1;
  s->pos = 0;
  s->npre = 0;
  *seed = base->cfg.replay_seed;
  return 0;
}

static int enabled(const SchedView *v, int32_t t) {
  for (int i = 0; i < v->nenabled; i++)
    if (v->enabled[i] == t) return 1;
  return 0;
}

static int32_t guided_pick(Strategy *base, const SchedView *v) {
  GuidedStrategy *s = (GuidedStrategy *)base;
  const StrategyConfig *c = &base->cfg;
  uint32_t k = v->run->ndecisions; /* index of this decision in the run */
  int prev_ok = v->prev >= 0 && enabled(v, v->prev);
  int32_t pick = -1;
  if ((int64_t)k == c->deviate_at && prev_ok) {
    pick = v->prev;
  } else {
    uint32_t p = s->pos;
    /* skip recorded picks of threads that have finished since */
    while (p < c->nreplay &&
           (c->replay[p].kind != DEC_THREAD ||
            ((int32_t)c->replay[p].value < v->run->nthreads &&
             !thread_alive(&v->run->threads[c->replay[p].value]))))
      p++;
    if (p < c->nreplay && enabled(v, (int32_t)c->replay[p].value)) {
      pick = (int32_t)c->replay[p].value;
      s->pos = p + 1;
    } else {
      pick = prev_ok ? v->prev : v->enabled[0];
    }
  }
  if (prev_ok && pick != v->prev) {
    UTIL_GROW(s->pre, (size_t)s->npre + 1, s->cap_pre);
    s->pre[s->npre++] = k;
  }
  return pick;
}

static int64_t guided_choose(Strategy *base, const SimRun *r, uint32_t n) {
  (void)r;
  GuidedStrategy *s = (GuidedStrategy *)base;
  const StrategyConfig *c = &base->cfg;
  if (s->pos < c->nreplay && c->replay[s->pos].kind == DEC_DATA && c->replay[s->pos].value < n)
    return c->replay[s->pos++].value;
  return 0;
}

static void guided_end_run(Strategy *base, const SimRun *r) { (void)base, (void)r; }

static void guided_destroy(Strategy *base) {
  GuidedStrategy *s = (GuidedStrategy *)base;
  free(s->pre);
  free(s);
}

const StrategyOps strategy_guided_ops = {"guided",         guided_create,
                                         guided_begin_run, guided_pick,
                                         guided_choose,    guided_end_run,
                                         guided_destroy,
    NULL, 0, NULL, NULL};

uint32_t strategy_guided_preemptions(const Strategy *base, const uint32_t **idx) {
  const GuidedStrategy *s = (const GuidedStrategy *)base;
  *idx = s->pre;
  return s->npre;
}
