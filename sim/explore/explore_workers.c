/*
** explore_workers.c - random and pct runs on every core (--jobs): worker
** threads with engines of their own, their runs handed to the main thread
** in index order.
*/
#include "explore_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
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
** Worker w runs the runs w, w+J, w+2J... (random and pct: each run depends
** only on its index) in its own Lua state and hands each finished run to
** the main thread through a small ring; the main thread takes them strictly
** in index order, so everything merged and recorded is as with one job.
*/

static void *worker_main(void *arg) {
  Worker *w = arg;
  Explore *x = w->x;
  /* the engine is made here, so that its memory comes from this thread's
     malloc arena: shared with the main thread's, every allocation would
     contend for one lock */
  if (explore_worker_engine(w) != 0) {
    pthread_mutex_lock(&w->mu);
    w->done = w->failed = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return NULL;
  }
  uint64_t stride = (uint64_t)w->jobs * x->o->nshards;
  for (uint64_t i = x->o->shard + (uint64_t)w->id * x->o->nshards; i < x->o->runs; i += stride) {
    pthread_mutex_lock(&w->mu);
    while (w->count == RING && !x->stop) {
      w->waiting = 1;
      pthread_cond_wait(&w->cv, &w->mu);
      w->waiting = 0;
    }
    int stop = x->stop || explore_signal;
    int at = (w->head + w->count) % RING; /* a free slot: only this thread fills it */
    pthread_mutex_unlock(&w->mu);
    if (stop) break;
    double t0 = util_now();
    SimRun *r = engine_run(w->sim, w->strat, &w->dets, i, i);
    if (!r) break;
    Slot *slot = &w->ring[at];
    run_copy(&slot->run, r);
    snprintf(slot->err, sizeof slot->err, "%s", engine_error(w->sim, w->strat));
    pthread_mutex_lock(&w->mu);
    w->count++;
    /* wake the main thread for a batch, not for every run */
    if (w->main_waiting && (w->count >= RING / 2 || util_now() - t0 > WAKE_AFTER))
      pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
  }
  pthread_mutex_lock(&w->mu);
  w->done = 1;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  return NULL;
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
  if (detect_open(&w->dets, x->o->detectors, w->err, sizeof w->err) != 0) return -1;
  w->strat = strategy_create(x->strat->ops->name, &x->strat->cfg);
  return 0;
}

void explore_worker_close(Worker *w) {
  strategy_destroy(w->strat);
  engine_close(w->sim);
  detect_close(&w->dets);
  for (int k = 0; k < RING; k++) run_free(&w->ring[k].run);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
}

/*
** The main thread makes every jobs-th run itself and takes the others from
** the workers' rings, all in index order.
*/
void explore_parallel(Explore *x, int jobs) {
  int nw = jobs - 1;
  Worker *ws = util_xcalloc((size_t)nw, sizeof(Worker));
  int started = 0;
  for (; started < nw; started++) {
    if (explore_worker_open(x, &ws[started], started + 1, jobs) != 0) {
      explore_worker_close(&ws[started]);
      x->status = 2;
      break;
    }
    pthread_create(&ws[started].th, NULL, worker_main, &ws[started]);
  }
  for (uint64_t k = 0; x->status != 2; k++) {
    uint64_t i = x->o->shard + k * x->o->nshards; /* the k-th run of this shard */
    if (i >= x->o->runs || explore_should_stop(x)) break;
    if (k % (uint64_t)jobs == 0) {
      if (explore_run_here(x, i, x->o->runs)) break;
      continue;
    }
    Worker *w = &ws[k % (uint64_t)jobs - 1];
    pthread_mutex_lock(&w->mu);
    int stop = 0;
    while (w->count == 0 && !w->done && !stop) {
      w->main_waiting = 1;
      util_cond_wait_ms(&w->cv, &w->mu, 50); /* and look at signals */
      w->main_waiting = 0;
      stop = explore_should_stop(x);
    }
    int have = w->count > 0;
    pthread_mutex_unlock(&w->mu);
    if (!have && w->failed) {
      snprintf(x->err, sizeof x->err, "%s", w->err);
      x->status = 2;
    }
    if (!have || stop) break;
    Slot *slot = &w->ring[w->head];
    int st = explore_handle_run(x, &slot->run, slot->err, x->o->runs);
    pthread_mutex_lock(&w->mu);
    w->head = (w->head + 1) % RING;
    w->count--;
    if (w->waiting) pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (st < 0) x->status = 2;
    if (st) break;
  }
  for (int k = 0; k < started; k++) {
    pthread_mutex_lock(&ws[k].mu);
    x->stop = 1; /* read by the workers under their lock */
    pthread_cond_broadcast(&ws[k].cv);
    pthread_mutex_unlock(&ws[k].mu);
  }
  for (int k = 0; k < started; k++) {
    pthread_join(ws[k].th, NULL);
    explore_worker_close(&ws[k]);
  }
  free(ws);
}
