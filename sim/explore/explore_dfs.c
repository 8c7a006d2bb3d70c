/*
** explore_dfs.c - dfs over subtrees: how --jobs and --shard split the
** exhaustive strategy.
**
** An exploration with the reduction (and no --shard) splits its tree as
** it goes (a plan, strat_dfs.c): it begins as one subtree, the whole tree,
** and between rounds the plan cuts subtrees still at work and turns the
** races found for decisions above a cut into subtrees of their own, so it
** makes the runs one search would (no level explored in full), in subtrees
** that only the runs decide.  A shard cannot hear of the other shards'
** races: dfs_split cuts the tree at fixed levels, the same in every shard,
** and shard I/N takes every N-th subtree (plain dfs too, which explores
** those levels in full anyway).  Subtrees are explored in rounds: each
** round gives every unfinished subtree an equal share of what is left of
** the run budget (a plan's first rounds less), so a budget spreads over the
** whole tree instead of its first corner, and nothing depends on how many
** workers there are.  Workers take subtrees from the round's list and hand
** their runs to the main thread as they finish.  Run k of subtree s is
** numbered s << 32 | k while exploring; at the end the runs are renumbered
** in subtree order (0, 1, 2... as if one thread had explored the subtrees
** one after another).  A run of a subtree whose predecessors the main
** thread has heard finish has its final number already, and its database
** row is written with it (most of them with one job): only the others'
** rows are renumbered.  Findings, the lock graph and coverage keep the
** lowest run number they saw, so merging runs in any order gives one
** result: the same findings, counts and completeness for any --jobs.  A
** shard keeps the s << 32 | k numbers, so that the shards' databases merge
** into one order.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_int.h"

#define SUBTREES 64   /* --shard: at least this many, if the tree has them */
#define SPLIT_OPEN 16 /* a plan: split its tasks while fewer are open */
#define ROUND_RUNS 64 /* ... and the runs a task makes in its first round */

typedef struct Sub {
  DfsTask *task;
  uint32_t id;      /* among all the subtrees (every shard's) */
  Strategy *strat;  /* created when first explored */
  uint64_t made;    /* runs made, pruned ones too (the budget counts them) */
  uint64_t kept;    /* runs not pruned: the next run's number */
  uint64_t quota;   /* this round: go on while made < quota */
  int finished;
  /* retired (its strategy freed once finished and heard): what it said */
  int retired, complete;
  uint64_t pruned;
} Sub;

typedef struct Drive {
  Explore *x;
  Sub *sub;
  size_t nsub, cap_sub;
  DfsPlan *plan;    /* splitting as it goes (not with --shard) */
  DfsTasks all;     /* every subtree's task */
  size_t cap_all;
  unsigned rounds;
  double *est;      /* per subtree: the runs it will take, estimated (main thread) */
  uint64_t *made;   /* ... and the runs it made, as last heard of */
  size_t *round;    /* this round's subtrees */
  /* what the main thread has heard of each subtree (its own runs, the
     workers' slots, the end of a round): runs kept, finished; the subtrees
     before 'known' have all finished, and subtree i <= known begins at final
     run number base[i] */
  uint64_t *heard_kept;
  uint8_t *heard_done;
  uint64_t *base;
  size_t known;
  uint8_t *renumbered; /* subtree i has rows written before its beginning was known */
  size_t nround, next;
  int stop;
  int main_waiting; /* for a run (signal it when one comes) */
  uint64_t generation; /* the round: workers start when it changes */
  int quit;
  pthread_mutex_t mu; /* workers: next, stop, generation, quit, the rings */
  pthread_cond_t cv;
} Drive;

/* ---- one run --------------------------------------------------------- */

static Strategy *sub_strategy(Explore *x, Sub *s) {
  if (!s->strat) {
    StrategyConfig c = x->strat->cfg;
    c.max_runs = 0; /* the rounds keep the budget */
    c.dfs_task = s->task;
    s->strat = strategy_create("dfs", &c);
  }
  return s->strat;
}

/* The next run of subtree 's' on 'sim', or NULL if it is explored. */
static SimRun *next_run(Sub *s, Sim *sim, DetectorSet *dets) {
  uint64_t index = (uint64_t)s->id << 32 | s->kept;
  SimRun *r = engine_run(sim, s->strat, dets, index, index);
  if (!r) {
    s->finished = 1;
    return NULL;
  }
  if (r->end == END_CUT) return r; /* dropped: the exploration stops */
  s->made++;
  if (r->end != END_PRUNED) s->kept++;
  if (strategy_dfs_finished(s->strat) || s->kept == UINT32_MAX) s->finished = 1;
  return r;
}

static const char *run_error(const Sub *s, Sim *sim) { return engine_error(sim, s->strat); }

/*
** The fraction explored: the runs made over the runs all subtrees will take
** (strategy_dfs_estimate; a subtree not begun is taken to be the average of
** those begun).  Runs, not subtrees: most subtrees are small.  It depends
** only on the runs each subtree made, which the rounds make the same for
** any --jobs.
*/
static void set_progress(Drive *d, const Sub *s, uint64_t made, double est) {
  Explore *x = d->x;
  d->est[s - d->sub] = est;
  d->made[s - d->sub] = made;
  double runs = 0, total = 0;
  size_t begun = 0;
  for (size_t i = 0; i < d->nsub; i++) {
    if (d->est[i] <= 0) continue;
    runs += (double)d->made[i], total += d->est[i];
    begun++;
  }
  if (begun && begun < d->nsub) total += total / (double)begun * (double)(d->nsub - begun);
  x->dfs_frac = total > 0 ? runs / total : 1.0;
  if (x->dfs_frac > 1) x->dfs_frac = 1;
}

/* Give subtree s's rows written so far their final numbers (main thread). */
static void renumber_rows(Drive *d, size_t s) {
  Explore *x = d->x;
  uint64_t lo = (uint64_t)s << 32;
  d->renumbered[s] = 0;
  if (!x->trace || x->status == 2) return;
  if (trace_renumber(x->trace, x->expl_id, lo, lo + UINT32_MAX, d->base[s]) != 0) {
    snprintf(x->err, sizeof x->err, "cannot write the trace database: %s",
             trace_error(x->trace));
    x->status = 2;
  }
}

/*
** The main thread hears how far subtree i is.  A subtree whose beginning
** becomes known has the rows it wrote before renumbered now, while the
** workers go on (not all at the end, when nothing else runs).
*/
static void heard(Drive *d, size_t i, uint64_t kept, int finished) {
  d->heard_kept[i] = kept;
  d->heard_done[i] |= (uint8_t)(finished != 0);
  size_t was = d->known;
  while (d->known < d->nsub && d->heard_done[d->known]) {
    d->base[d->known + 1] = d->base[d->known] + d->heard_kept[d->known];
    d->known++;
  }
  for (size_t s = was + 1; s <= d->known && s < d->nsub; s++)
    if (d->renumbered[s]) renumber_rows(d, s);
}

/* A run's database number: final if its subtree's beginning is known, else
   provisional (renumber_rows gives it its number, held or written). */
static uint64_t db_index(void *ud, uint64_t index, int *provisional) {
  Drive *d = ud;
  uint64_t s = index >> 32;
  if (s >= d->nsub) return index; /* (a probe's run, shown for its error) */
  if (s <= d->known) return d->base[s] + (index & UINT32_MAX);
  d->renumbered[s] = 1;
  *provisional = 1;
  return index;
}

/* Merge a run (main thread); 1: stop everything (an error, --stop-first). */
static int merge(Drive *d, SimRun *r, const char *err) {
  Explore *x = d->x;
  int st = explore_handle_run(x, r, err, x->o->runs);
  if (st < 0) x->status = 2;
  return st || explore_should_stop(x);
}

/* ---- workers -------------------------------------------------------- */

/* The next subtree of this round to explore, or NULL (d->mu held). */
static Sub *take_sub(Drive *d) {
  return !d->stop && d->next < d->nround ? &d->sub[d->round[d->next++]] : NULL;
}

/*
** A worker lives for the whole exploration: it makes its engine on its own
** thread (its memory then comes from this thread's malloc arena), then
** explores the subtrees it takes, round after round, handing each run to
** the main thread through its ring.
*/
static void *worker_main(void *arg) {
  Worker *w = arg;
  Drive *d = w->ctx;
  int failed = explore_worker_engine(w) != 0;
  uint64_t seen = 0; /* the last round worked on */
  pthread_mutex_lock(&d->mu);
  w->failed = failed;
  for (;;) {
    while (!d->quit && (d->generation == seen || failed)) pthread_cond_wait(&d->cv, &d->mu);
    if (d->quit) break;
    seen = d->generation;
    Sub *s;
    while ((s = take_sub(d)) != NULL) {
      pthread_mutex_unlock(&d->mu);
      sub_strategy(w->x, s);
      pthread_mutex_lock(&d->mu);
      while (!s->finished && s->made < s->quota && !d->stop) {
        while (w->count == RING && !d->stop) {
          w->waiting = 1;
          pthread_cond_wait(&d->cv, &d->mu);
          w->waiting = 0;
        }
        if (d->stop) break;
        int at = (w->head + w->count) % RING; /* free: only this thread fills it */
        pthread_mutex_unlock(&d->mu);
        double t0 = util_now();
        SimRun *r = next_run(s, w->sim, &w->dets);
        int keep = r && r->end != END_PRUNED;
        if (keep) {
          Slot *slot = &w->ring[at];
          engine_take_run(w->sim, &slot->run);
          r = &slot->run;
          util_copy(slot->err, sizeof slot->err, run_error(s, w->sim));
          slot->sub = (uint32_t)(s - d->sub);
          slot->made = strategy_dfs_runs(s->strat);
          slot->est = strategy_dfs_estimate(s->strat);
          slot->kept = s->kept;
          slot->finished = s->finished;
          /* its schedule token, here rather than on the main thread (which
             merges every worker's runs) */
          free(slot->token);
          slot->token = NULL;
          if (explore_row_token(w->x, r)) {
            if (!w->coder) w->coder = token_coder_new();
            slot->token = token_encode_run(w->coder, w->x->digest, w->x->params_text.s, r);
          }
        }
        pthread_mutex_lock(&d->mu);
        if (!r) break;
        if (!keep) continue;
        w->count++;
        /* wake the main thread for a batch, not for every run */
        if (d->main_waiting && (w->count >= RING / 2 || util_now() - t0 > WAKE_AFTER))
          pthread_cond_broadcast(&d->cv);
      }
    }
    w->round_done = seen; /* this round, as far as this worker goes */
    pthread_cond_broadcast(&d->cv);
  }
  pthread_mutex_unlock(&d->mu);
  return NULL;
}

/* Merge the runs waiting in the rings (main thread; d->mu not held). */
static void drain(Drive *d, Worker *ws, int nw) {
  Explore *x = d->x;
  for (int k = 0; k < nw && !d->stop; k++) {
    Worker *w = &ws[k];
    pthread_mutex_lock(&d->mu);
    int n = w->count; /* take them all: one lock for many runs */
    pthread_mutex_unlock(&d->mu);
    int stop = 0;
    for (int i = 0; i < n && !stop; i++) {
      Slot *slot = &w->ring[(w->head + i) % RING];
      set_progress(d, &d->sub[slot->sub], slot->made, slot->est);
      x->given_token = slot->token; /* (process_run's now) */
      slot->token = NULL;
      stop = merge(d, &slot->run, slot->err);
      free(x->given_token); /* (if the run went no further) */
      x->given_token = NULL;
      heard(d, slot->sub, slot->kept, slot->finished);
    }
    pthread_mutex_lock(&d->mu);
    w->head = (w->head + n) % RING;
    w->count -= n;
    d->stop |= stop;
    if (w->waiting || stop) pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
  }
}

/*
** A round: the main thread explores subtrees too, and between its runs
** merges the workers' (waiting for them when it has nothing of its own).
*/
static void run_round(Drive *d, Worker *ws, int nw) {
  Explore *x = d->x;
  pthread_mutex_lock(&d->mu);
  d->generation++;
  pthread_cond_broadcast(&d->cv);
  pthread_mutex_unlock(&d->mu);
  Sub *mine = NULL;
  for (;;) {
    drain(d, ws, nw);
    if (!d->stop && (!mine || mine->finished || mine->made >= mine->quota)) {
      pthread_mutex_lock(&d->mu);
      mine = take_sub(d);
      pthread_mutex_unlock(&d->mu);
      if (mine) sub_strategy(x, mine);
    }
    if (mine && !d->stop) {
      SimRun *r = next_run(mine, x->sim, &x->dets);
      if (!r) {
        heard(d, (size_t)(mine - d->sub), mine->kept, mine->finished);
        continue;
      }
      set_progress(d, mine, strategy_dfs_runs(mine->strat), strategy_dfs_estimate(mine->strat));
      int stop = r->end != END_PRUNED ? merge(d, r, run_error(mine, x->sim))
                                       : explore_should_stop(x);
      heard(d, (size_t)(mine - d->sub), mine->kept, mine->finished);
      if (stop) {
        pthread_mutex_lock(&d->mu);
        d->stop = 1;
        pthread_cond_broadcast(&d->cv);
        pthread_mutex_unlock(&d->mu);
      }
      continue;
    }
    /* nothing of its own: wait for the workers to finish the round */
    pthread_mutex_lock(&d->mu);
    int busy = 0, ready = 0;
    for (int k = 0; k < nw; k++) {
      busy += !ws[k].failed && ws[k].round_done != d->generation;
      ready += ws[k].count > 0;
    }
    if (!busy && (!ready || d->stop)) { /* (after a stop, what is left is dropped) */
      pthread_mutex_unlock(&d->mu);
      break;
    }
    if (!ready) {
      d->main_waiting = 1;
      util_cond_wait_ms(&d->cv, &d->mu, 50); /* and look at signals */
      d->main_waiting = 0;
    }
    if (explore_should_stop(x) && !d->stop) {
      d->stop = 1;
      pthread_cond_broadcast(&d->cv);
    }
    pthread_mutex_unlock(&d->mu);
    explore_tick(x);
  }
  for (int k = 0; k < nw; k++) ws[k].head = ws[k].count = 0; /* left after a stop */
}

/* ---- the rounds ------------------------------------------------------ */

/*
** Give each unfinished subtree an equal share of the budget left (at least
** one run each, to the first ones, when less is left than there are
** subtrees); returns how many subtrees get a turn.
*/
static size_t plan_round(Drive *d, uint64_t budget) {
  uint64_t used = 0;
  size_t open = 0;
  for (size_t i = 0; i < d->nsub; i++) {
    used += d->sub[i].made;
    open += !d->sub[i].finished;
  }
  d->nround = d->next = 0;
  if (!open || used >= budget) return 0;
  uint64_t left = budget - used, share = left / open;
  /* a plan's tasks split between rounds: short rounds first, so that it
     has tasks for every worker soon, and never long ones (a round ends
     when its last task has made its share, the other workers idle) */
  uint64_t cap = d->plan ? (uint64_t)ROUND_RUNS << (d->rounds < 8 ? d->rounds : 8) : UINT64_MAX;
  d->rounds++;
  for (size_t i = 0; i < d->nsub; i++) {
    Sub *s = &d->sub[i];
    if (s->finished) continue;
    uint64_t q = share ? share : (d->nround < left ? 1 : 0);
    if (q > cap) q = cap;
    if (!q) break;
    s->quota = s->made + q;
    d->round[d->nround++] = i;
  }
  return d->nround;
}

/* ---- renumbering ------------------------------------------------------ */

typedef struct Renumber {
  uint64_t *start; /* per subtree id: its first run's final number */
  size_t n;
} Renumber;

static uint64_t renumber(void *ud, uint64_t idx) {
  const Renumber *m = ud;
  uint64_t s = idx >> 32;
  return s < m->n ? m->start[s] + (idx & UINT32_MAX) : idx;
}

/* The final run numbers: subtree after subtree. */
static void renumber_all(Drive *d) {
  Explore *x = d->x;
  Renumber m = {util_xcalloc(d->nsub + 1, sizeof(uint64_t)), d->nsub};
  for (size_t i = 0; i < d->nsub; i++) m.start[i + 1] = m.start[i] + d->sub[i].kept;
  for (size_t i = 0; i < x->fs.n; i++) x->fs.v[i].first_run = renumber(&m, x->fs.v[i].first_run);
  if (x->lg) lockgraph_remap(x->lg, renumber, &m);
  if (x->cov) coverage_finish(x->cov, renumber, &m);
  for (size_t i = 1; x->trace && i < d->nsub; i++) {
    uint64_t lo = (uint64_t)i << 32;
    if (d->renumbered[i] && trace_renumber(x->trace, x->expl_id, lo, lo + d->sub[i].kept,
                                           m.start[i]) != 0) {
      snprintf(x->err, sizeof x->err, "cannot write the trace database: %s",
               trace_error(x->trace));
      x->status = 2;
      break;
    }
  }
  free(m.start);
}

/* ---- the driver ------------------------------------------------------ */

/* dfs_split's runs: on the main engine; an error stops it. */
static int probe_run(void *ud, Strategy *s, uint64_t index) {
  Explore *x = ud;
  if (explore_should_stop(x)) return -1;
  SimRun *r = engine_run(x->sim, s, &x->dets, index, index);
  if (!r) return 0;
  if (r->end == END_DIVERGED || r->end == END_SETUP) {
    explore_handle_run(x, r, engine_error(x->sim, s), 0);
    x->status = 2;
    return -1;
  }
  return 1;
}

/* Add subtree 'task', numbered 'id'. */
static void add_sub(Drive *d, DfsTask *task, uint32_t id) {
  if (d->nsub == d->cap_sub) {
    size_t cap = d->cap_sub ? 2 * d->cap_sub : 64;
    d->sub = util_xrealloc(d->sub, cap * sizeof *d->sub);
    d->est = util_xrealloc(d->est, cap * sizeof *d->est);
    d->made = util_xrealloc(d->made, cap * sizeof *d->made);
    d->round = util_xrealloc(d->round, cap * sizeof *d->round);
    d->heard_kept = util_xrealloc(d->heard_kept, cap * sizeof *d->heard_kept);
    d->heard_done = util_xrealloc(d->heard_done, cap * sizeof *d->heard_done);
    d->base = util_xrealloc(d->base, (cap + 1) * sizeof *d->base);
    d->renumbered = util_xrealloc(d->renumbered, cap * sizeof *d->renumbered);
    d->cap_sub = cap;
  }
  Sub *s = &d->sub[d->nsub];
  memset(s, 0, sizeof *s);
  s->task = task;
  s->id = id;
  d->est[d->nsub] = 0;
  d->made[d->nsub] = 0;
  d->heard_kept[d->nsub] = 0;
  d->heard_done[d->nsub] = 0;
  d->renumbered[d->nsub] = 0;
  if (d->nsub == 0) d->base[0] = 0;
  d->nsub++;
}

/* Free a finished subtree's strategy (its tree's memory), keeping what it
   said (main thread, between rounds). */
static void retire(Drive *d, Sub *s) {
  set_progress(d, s, strategy_dfs_runs(s->strat), strategy_dfs_estimate(s->strat));
  s->complete = s->strat->complete;
  s->pruned = s->strat->pruned;
  strategy_destroy(s->strat);
  s->strat = NULL;
  s->retired = 1;
}

static void retire_finished(Drive *d) {
  for (size_t i = 0; i < d->nsub; i++)
    if (d->sub[i].strat && d->sub[i].finished) retire(d, &d->sub[i]);
}

/*
** Between rounds, a plan's new subtrees: from what each subtree found for
** the frozen levels, in subtree order, and from splitting the subtrees
** still at work while there are few (main thread; workers idle).
*/
static int plan_more(Drive *d) {
  Explore *x = d->x;
  size_t open = 0;
  for (size_t i = 0; i < d->nsub; i++) open += !d->sub[i].finished;
  for (size_t i = 0; i < d->nsub; i++)
    if (d->sub[i].strat) dfs_plan_collect(d->plan, d->sub[i].strat, open < SPLIT_OPEN);
  retire_finished(d);
  DfsTasks fresh;
  int rc = dfs_plan_tasks(d->plan, probe_run, x, &fresh);
  for (size_t i = 0; i < fresh.n; i++) {
    UTIL_GROW(d->all.v, d->all.n + 1, d->cap_all);
    d->all.v[d->all.n++] = fresh.v[i];
    add_sub(d, fresh.v[i], (uint32_t)d->nsub);
  }
  free(fresh.v);
  x->dfs_subtrees = (uint32_t)d->nsub;
  return rc;
}

void explore_dfs(Explore *x, int jobs) {
  const ExploreOptions *o = x->o;
  Drive d;
  memset(&d, 0, sizeof d);
  d.x = x;
  /* every shard must find the same subtrees alone; plain dfs tries every
     branch anyway (the fixed levels cost it no run) */
  if (o->nshards > 1 || !x->strat->cfg.por) {
    if (dfs_split(&x->strat->cfg, SUBTREES, probe_run, x, &d.all) != 0) {
      x->complete = 0; /* an error (x->status 2), a signal or --time-limit */
      return;
    }
    /* this shard's, with the ids of the whole split: they order its runs
       among the other shards' */
    for (size_t i = o->shard; i < d.all.n; i += o->nshards) add_sub(&d, d.all.v[i], (uint32_t)i);
    x->dfs_subtrees = (uint32_t)d.all.n;
    x->dfs_depth = (uint32_t)d.all.depth;
  } else {
    d.plan = dfs_plan_new(&x->strat->cfg);
    d.all.v = util_xmalloc(sizeof *d.all.v);
    d.cap_all = 1;
    d.all.v[d.all.n++] = dfs_plan_root(d.plan);
    add_sub(&d, d.all.v[0], 0);
    x->dfs_subtrees = 1;
  }
  pthread_mutex_init(&d.mu, NULL);
  pthread_cond_init(&d.cv, NULL);
  x->dfs_keyed = o->nshards > 1;
  if (!x->dfs_keyed) x->db_index = db_index, x->db_index_ud = &d;
  /* the budget: --runs over all shards */
  uint64_t budget = o->runs / o->nshards + (o->shard < o->runs % o->nshards);

  /* jobs - 1 workers; the main thread is one too */
  int nw = jobs - 1;
  Worker *ws = util_xcalloc(nw > 0 ? (size_t)nw : 1, sizeof(Worker));
  int started = 0;
  for (; started < nw; started++) {
    Worker *w = &ws[started];
    explore_worker_open(x, w, started + 1, jobs);
    w->ctx = &d;
    int err = pthread_create(&w->th, NULL, worker_main, w);
    if (err) { /* fewer workers: the main thread and the others take its share */
      explore_worker_refused(w, err);
      explore_worker_close(w);
      break;
    }
  }
  nw = started;
  for (;;) {
    if (d.plan && plan_more(&d) != 0) { /* a probe's error, a signal, --time-limit */
      d.stop = 1;
      break;
    }
    if (!d.plan) retire_finished(&d);
    if (d.stop || !plan_round(&d, budget)) break;
    run_round(&d, ws, nw);
    for (size_t i = 0; i < d.nsub; i++) heard(&d, i, d.sub[i].kept, d.sub[i].finished);
  }
  pthread_mutex_lock(&d.mu);
  d.quit = 1;
  pthread_cond_broadcast(&d.cv);
  pthread_mutex_unlock(&d.mu);
  for (int k = 0; k < nw; k++) {
    pthread_join(ws[k].th, NULL);
    if (ws[k].failed && !x->err[0]) /* the others did its share */
      fprintf(stderr, "racesim: warning: worker %d: %s\n", k + 1, ws[k].err);
    explore_worker_close(&ws[k]);
  }
  free(ws);

  int complete = !d.stop && x->status != 2 && !x->interrupted;
  uint64_t pruned = o->shard == 0 ? d.all.pruned : 0;
  for (size_t i = 0; i < d.nsub; i++) /* the last word, from every subtree as it stopped */
    if (d.sub[i].strat)
      set_progress(&d, &d.sub[i], strategy_dfs_runs(d.sub[i].strat),
                   strategy_dfs_estimate(d.sub[i].strat));
  for (size_t i = 0; i < d.nsub; i++) {
    Sub *s = &d.sub[i];
    complete &= s->finished && (s->strat ? s->strat->complete : s->retired && s->complete);
    pruned += s->strat ? s->strat->pruned : s->pruned;
    strategy_destroy(s->strat);
  }
  x->strat->pruned = pruned;
  x->strat->complete = x->complete = complete;
  if (!x->dfs_keyed) renumber_all(&d);
  else if (x->cov) coverage_finish(x->cov, NULL, NULL);
  x->db_index = NULL, x->db_index_ud = NULL;
  free(d.sub);
  free(d.est);
  free(d.made);
  free(d.round);
  free(d.heard_kept);
  free(d.heard_done);
  free(d.base);
  free(d.renumbered);
  dfs_tasks_free(&d.all);
  dfs_plan_free(d.plan);
  pthread_mutex_destroy(&d.mu);
  pthread_cond_destroy(&d.cv);
}
