/*
** strat_replay.c - replay a recorded schedule (a decoded token): every
** thread pick and data choice is taken from the list, in order.  A run that
** does not fit the list (a recorded thread cannot run, a choice has another
** number of options, the list runs out early or is left over) diverged: the
** script changed, or is not deterministic.
**
** With a trail (a version 2 token), the thread of every step comes from the
** trail, and every step is checked against it, where one thread or several
** can run: the same thread, about to perform the same operation on an
** object of the same name (lines may move: an edit that adds a comment or a
** print still fits).  The first step that differs ends the run, and the
** message says what the schedule expected and what the script does now.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"
#include "token.h"
#include "util.h"

typedef struct ReplayStrategy {
  Strategy base;
  uint32_t pos;
} ReplayStrategy;

static Strategy *replay_create(const StrategyConfig *cfg) {
  ReplayStrategy *s = util_xcalloc(1, sizeof *s);
  s->base.pick_single = cfg->trail != NULL; /* every step is checked */
  return &s->base;
}

/* "'counter'": the name of an object of the run with hash 'h', if any. */
static void put_object(const SimRun *r, uint16_t h, StrBuf *b) {
  for (int32_t i = 0; i < r->nobjs; i++)
    if (token_name_hash(obj_name(r, i)) == h) {
      sb_printf(b, " '%s'", obj_name(r, i));
      return;
    }
  sb_puts(b, " an object no longer in the script");
}

static void put_thread(const SimRun *r, int32_t tid, StrBuf *b) {
  if (tid < r->nthreads) sb_puts(b, thread_name(r, tid));
  else sb_printf(b, "thread #%d", tid);
}

/* "thread1 to write 'instance' (lazy_init_race.lua:29)" */
static void put_expected(const SimRun *r, const TokenStep *e, StrBuf *b) {
  put_thread(r, e->tid, b);
  sb_printf(b, " to %s", op_name(e->op));
  if (e->objhash) put_object(r, e->objhash, b);
  if (e->line > 0) {
    sb_puts(b, " (");
    run_format_site(r, e->line, b);
    sb_puts(b, ")");
  }
}

/* "thread1 read 'instance' at lazy_init_race.lua:30": what thread 'tid'
   is about to do now ('can': whether it can run there). */
static void put_now(const SimRun *r, int32_t tid, int can, StrBuf *b) {
  if (tid >= r->nthreads) {
    sb_printf(b, "no thread #%d there (it has started %d)", tid, r->nthreads);
    return;
  }
  const SimThread *t = &r->threads[tid];
  if (!thread_alive(t)) {
    sb_printf(b, "%s ended before it", thread_name(r, tid));
    return;
  }
  sb_printf(b, "%s %s%s", thread_name(r, tid), can ? "" : "wait to ",
            op_pending_name(t->pend.op));
  if (t->pend.obj >= 0) sb_printf(b, " '%s'", obj_name(r, t->pend.obj));
  if (t->pend.line > 0) {
    sb_puts(b, " at ");
    run_format_site(r, t->pend.line, b);
  }
  if (!can) sb_puts(b, ", which cannot proceed there");
}

/* The message of step r->steps + 1, expected to be 'e': then 'tail'. */
static void no_fit(ReplayStrategy *s, const SimRun *r, const TokenStep *e, const char *tail) {
  StrBuf b;
  sb_init(&b);
  sb_printf(&b, "the schedule no longer fits the script at step %u: it expected ", r->steps + 1);
  put_expected(r, e, &b);
  sb_printf(&b, "; %s", tail);
  snprintf(s->base.err, sizeof s->base.err, "%s", b.s);
  sb_free(&b);
}

/* Step r->steps + 1 by the trail: the thread it ran, or -2 (err set). */
static int32_t trail_pick(ReplayStrategy *s, const SchedView *v) {
  const StrategyConfig *c = &s->base.cfg;
  const SimRun *r = v->run;
  StrBuf now;
  sb_init(&now);
  if (r->steps >= c->ntrail) {
    snprintf(s->base.err, sizeof s->base.err,
             "the schedule no longer fits the script at step %u: the schedule ends after "
             "step %u; the script now goes on, with ",
             r->steps + 1, c->ntrail);
    put_now(r, v->enabled[0], 1, &now);
    size_t used = strlen(s->base.err);
    snprintf(s->base.err + used, sizeof s->base.err - used, "%s", now.s);
    sb_free(&now);
    return -2;
  }
  const TokenStep *e = &c->trail[r->steps];
  int can = 0;
  for (int i = 0; i < v->nenabled; i++) can |= v->enabled[i] == e->tid;
  int32_t tid = can ? e->tid : v->enabled[0];
  if (can) {
    const PendingOp *op = &r->threads[tid].pend;
    uint16_t h = op->obj >= 0 ? token_name_hash(obj_name(r, op->obj)) : 0;
    if (op->op == e->op && h == e->objhash) {
      sb_free(&now);
      return tid;
    }
  }
  sb_puts(&now, "the script now has ");
  put_now(r, e->tid, can, &now);
  no_fit(s, r, e, now.s);
  sb_free(&now);
  return -2;
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
  if (base->cfg.trail) return trail_pick(s, v);
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
  const StrategyConfig *c = &base->cfg;
  if (c->trail && !base->err[0] && r->steps < c->ntrail && r->end != END_DIVERGED &&
      r->end != END_CUT) {
    no_fit(s, r, &c->trail[r->steps], "the run of the script now ends there");
    return;
  }
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
