/*
** explore_workers.c - random and pct runs on every core (--jobs): worker
** threads with engines of their own, their runs handed to the main thread,
** which merges them in index order.
*/
#include "explore_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bug.h"
#include "detect.h"
#include "coverage.h"
#include "object.h"
#include "lockgraph.h"
#include "token.h"
#include "trace.h"
#include "util.h"

/* ---- parallel runs (--jobs) ------------------------------------------ */

/*
** Random and pct runs on every core.  Run k of the shard depends only on k,
** so whoever makes it makes the same run: the workers and the main thread
** claim the next k from one counter (an atomic add, no lock), make the run
** on their own engine, prepare what its record needs (the run itself moved,
** not copied, into its slot; its schedule token where its seed does not
** replay it; its coverage, in the maker's own table), and publish it in slot
** k % RING.  The main thread merges and records the runs strictly in k order,
** so everything is as with one job; it makes runs too while the next one to
** merge is not ready, but never one whose slot is not free (it alone frees
** them).  Threads sleep only when there is nothing to do (a full ring, or
** the next run not made yet), and are woken only if they sleep.
*/
/* How many times a thread gives way (sched_yield) before it sleeps. */
#define SPIN 200

typedef struct Pool {
  Explore *x;
  Slot slot[RING];
  atomic_uint_fast64_t ready[RING]; /* k + 1 once slot k % RING holds run k */
  atomic_uint_fast64_t next;        /* the next k to claim */
  atomic_uint_fast64_t merged;      /* runs merged: k's slot is free when k < merged + RING */
  atomic_int stop;
  atomic_int main_sleeps, workers_sleep; /* (workers_sleep: how many) */
  uint64_t limit; /* k < limit */
  pthread_mutex_t mu;
  pthread_cond_t cv_main, cv_workers;
} Pool;

/* Run k of this shard: its index in the exploration. */
static uint64_t index_of(const Explore *x, uint64_t k) {
  return x->o->shard + k * x->o->nshards;
}

/* Claim the next run, if its slot is free (below 'cap'): its k, or UINT64_MAX. */
static uint64_t claim(Pool *p, uint64_t cap) {
  uint64_t k = atomic_load(&p->next);
  while (k < p->limit && k < cap)
    if (atomic_compare_exchange_weak(&p->next, &k, k + 1)) return k;
  return UINT64_MAX;
}

/* Is the ring full (no run can be claimed until the main thread merges)? */
static int ring_full(Pool *p) {
  uint64_t n = atomic_load(&p->next);
  return n < p->limit && n >= atomic_load(&p->merged) + RING;
}

/*
** Make run k on engine 'sim' into its slot, with what its record needs.
** Returns 0, or -1 when the strategy has no run left.
*/
static int make_run(Pool *p, uint64_t k, Sim *sim, Strategy *strat, DetectorSet *dets,
                    TokenCoder *coder, Coverage *cov) {
  Explore *x = p->x;
  uint64_t i = index_of(x, k);
  SimRun *r = engine_run(sim, strat, dets, i, i);
  Slot *slot = &p->slot[k % RING];
  free(slot->token);
  slot->token = NULL;
  if (!r) {
    slot->none = 1;
  } else {
    slot->none = 0;
    engine_take_run(sim, &slot->run);
    util_copy(slot->err, sizeof slot->err, engine_error(sim, strat));
    r = &slot->run;
    if (r->end != END_CUT && r->end != END_PRUNED && r->end != END_DIVERGED &&
        r->end != END_SETUP) {
      if (cov) coverage_add_run(cov, r);
      if (explore_row_token(x, r))
        slot->token = token_encode_run(coder, x->digest, x->params_text.s, r);
    }
  }
  atomic_store(&p->ready[k % RING], k + 1);
  if (atomic_load(&p->main_sleeps)) {
    pthread_mutex_lock(&p->mu);
    pthread_cond_signal(&p->cv_main);
    pthread_mutex_unlock(&p->mu);
  }
  return r ? 0 : -1;
}

static void *worker_main(void *arg) {
  Worker *w = arg;
  Pool *p = w->ctx;
  /* the engine is made here, so that its memory comes from this thread's
     malloc arena: shared with the main thread's, every allocation would
     contend for one lock */
  if (explore_worker_engine(w) != 0) {
    w->failed = 1;
    return NULL;
  }
  w->coder = token_coder_new();
  if (p->x->cov) w->cov = coverage_new();
  while (!atomic_load(&p->stop) && !explore_signal) {
    uint64_t k = claim(p, atomic_load(&p->merged) + RING);
    if (k == UINT64_MAX) {
      if (atomic_load(&p->next) >= p->limit) break; /* every run is claimed */
      for (int spin = 0; spin < SPIN && ring_full(p); spin++) sched_yield();
      pthread_mutex_lock(&p->mu); /* a full ring: sleep until the main thread frees a slot */
      atomic_fetch_add(&p->workers_sleep, 1);
      if (!atomic_load(&p->stop) && ring_full(p)) util_cond_wait_ms(&p->cv_workers, &p->mu, 50);
      atomic_fetch_sub(&p->workers_sleep, 1);
      pthread_mutex_unlock(&p->mu);
      continue;
    }
    if (make_run(p, k, w->sim, w->strat, &w->dets, w->coder, w->cov) != 0) break;
  }
  return NULL;
}

void explore_worker_refused(const Worker *w, int err) {
  fprintf(stderr, "racesim: warning: cannot start worker thread %d (%s): exploring with %d\n",
          w->id, strerror(err), w->id);
}

int explore_worker_open(Explore *x, Worker *w, int id, int jobs) {
  memset(w, 0, sizeof *w);
  w->x = x, w->id = id, w->jobs = jobs;
  for (int k = 0; k < RING; k++) run_init(&w->ring[k].run);
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  return 0;
}

int explore_worker_engine(Worker *w) {
  Explore *x = w->x;
  SimConfig cfg = x->cfg;
  w->sim = engine_open(&cfg, w->err, sizeof w->err);
  if (!w->sim) return -1;
  engine_set_cut(w->sim, &explore_signal, explore_deadline(x));
  engine_set_op_sites(w->sim, !x->lazy_sites);
  if (detect_open(&w->dets, x->o->detectors, w->err, sizeof w->err) != 0) return -1;
  w->strat = strategy_create(x->strat->ops->name, &x->strat->cfg);
  return 0;
}

void explore_worker_close(Worker *w) {
  if (w->sim) engine_adopt_params(w->x->sim, w->sim); /* (what its runs read) */
  token_coder_free(w->coder);
  coverage_free(w->cov);
  strategy_destroy(w->strat);
  engine_close(w->sim);
  detect_close(&w->dets);
  for (int k = 0; k < RING; k++) run_free(&w->ring[k].run), free(w->ring[k].token);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
}

void explore_parallel(Explore *x, int jobs) {
  Pool *p = util_xcalloc(1, sizeof *p);
  p->x = x;
  p->limit = x->o->runs > x->o->shard ? (x->o->runs - x->o->shard - 1) / x->o->nshards + 1 : 0;
  for (int k = 0; k < RING; k++) run_init(&p->slot[k].run);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv_main, NULL);
  pthread_cond_init(&p->cv_workers, NULL);
  int nw = jobs - 1;
  Worker *ws = util_xcalloc((size_t)nw, sizeof(Worker));
  int started = 0;
  for (; started < nw; started++) {
    explore_worker_open(x, &ws[started], started + 1, jobs);
    ws[started].ctx = p;
    int err = pthread_create(&ws[started].th, NULL, worker_main, &ws[started]);
    if (err) {
      explore_worker_refused(&ws[started], err);
      explore_worker_close(&ws[started]);
      break; /* (fewer workers: the same runs, made by fewer) */
    }
  }
  x->cov_by_makers = 1;
  TokenCoder *coder = token_coder_new();
  for (uint64_t k = 0; k < p->limit && x->status != 2; k++) {
    if (explore_should_stop(x)) break;
    Slot *slot = &p->slot[k % RING];
    while (atomic_load(&p->ready[k % RING]) != k + 1) {
      uint64_t mine = claim(p, k + RING); /* (the slots up to k + RING are free) */
      if (mine != UINT64_MAX) {
        make_run(p, mine, x->sim, x->strat, &x->dets, coder, x->cov);
        continue;
      }
      /* run k is being made by a worker: a short run is ready sooner than a
         sleep and a wake-up take, so give way a while before sleeping */
      for (int spin = 0; spin < SPIN && atomic_load(&p->ready[k % RING]) != k + 1; spin++)
        sched_yield();
      if (atomic_load(&p->ready[k % RING]) == k + 1) break;
      pthread_mutex_lock(&p->mu);
      atomic_store(&p->main_sleeps, 1);
      if (atomic_load(&p->ready[k % RING]) != k + 1)
        util_cond_wait_ms(&p->cv_main, &p->mu, 50); /* and look at signals */
      atomic_store(&p->main_sleeps, 0);
      pthread_mutex_unlock(&p->mu);
      explore_tick(x);
      if (explore_should_stop(x)) break;
    }
    if (atomic_load(&p->ready[k % RING]) != k + 1) break; /* stopped */
    if (slot->none) break;
    x->given_token = slot->token;
    slot->token = NULL;
    int st = explore_handle_run(x, &slot->run, slot->err, x->o->runs);
    free(x->given_token);
    x->given_token = NULL;
    atomic_store(&p->merged, k + 1);
    if (atomic_load(&p->workers_sleep)) {
      pthread_mutex_lock(&p->mu);
      pthread_cond_broadcast(&p->cv_workers);
      pthread_mutex_unlock(&p->mu);
    }
    if (st < 0) x->status = 2;
    if (st) break;
  }
  atomic_store(&p->stop, 1);
  pthread_mutex_lock(&p->mu);
  pthread_cond_broadcast(&p->cv_workers);
  pthread_mutex_unlock(&p->mu);
  for (int k = 0; k < started; k++) {
    pthread_join(ws[k].th, NULL);
    if (ws[k].failed && !x->err[0]) /* the others did its share */
      fprintf(stderr, "racesim: warning: worker %d: %s\n", k + 1, ws[k].err);
    if (ws[k].cov && x->cov) coverage_merge(x->cov, ws[k].cov);
    explore_worker_close(&ws[k]);
  }
  x->cov_by_makers = 0;
  token_coder_free(coder);
  for (int k = 0; k < RING; k++) {
    run_free(&p->slot[k].run);
    free(p->slot[k].token);
  }
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv_main);
  pthread_cond_destroy(&p->cv_workers);
  free(p);
  free(ws);
}
