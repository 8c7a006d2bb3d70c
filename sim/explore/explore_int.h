/*
** explore_int.h - what explore.c shares with explore_dfs.c: the state of an
** exploration and the worker threads of --jobs.
*/
#ifndef RACESIM_EXPLORE_INT_H
#define RACESIM_EXPLORE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "bug.h"
#include "detect.h"
#include "explore.h"
#include "lockgraph.h"
#include "coverage.h"
#include "strategy.h"
#include "token.h"
#include "trace.h"
#include "util.h"

typedef struct Explore {
  const ExploreOptions *o;
  Sim *sim;
  Strategy *strat;
  DetectorSet dets;
  Trace *trace;
  int64_t expl_id;
  FindingStore fs;
  uint8_t digest[4];
  StrBuf params_text; /* for tokens: "k=v\n" */
  StrBuf params_cli;  /* for replay commands: " -D k=v" */
  StrBuf params_db;   /* for the database: "k=v k=v" */
  Token token;        /* replay --schedule */
  TokenCoder *coder;  /* for the tokens the main thread makes */
  int has_token;
  uint64_t base_seed;
  uint64_t runs, steps;
  uint32_t max_threads, max_steps; /* the most threads and steps of any run */
  uint64_t gave_way;               /* runs in which a thread gave way */
  int complete, interrupted, status;
  uint8_t mode;
  char expect[256];
  double t0, last_progress;
  int tty, print;
  uint64_t *seen;  /* the signatures of the run being merged, once each */
  size_t nseen, cap_seen;
  uint64_t *causes; /* ... and its lost updates and data races */
  size_t cap_causes;
  uint64_t *related; /* ... and those a failure of it depended on */
  size_t cap_related;
  int32_t *dep_writer, *dep_objs; /* (note_causes: last writers, locations read, */
  uint8_t *dep_from;              /*  per thread: whether its writes were read) */
  size_t cap_dep_writer, cap_dep_objs, cap_dep_from;
  BugList bugs;     /* the observations grouped (bug.h), at the end */
  WarningList warnings; /* state shared where racesim cannot see it */
  Profiles profiles; /* which signatures runs showed together (bug counts) */
  const char **replays;
  size_t cap_replays;
  int recorded;   /* a trace database was written (x->trace is closed by then) */
  int db_failed;  /* ... until a write failed: it keeps db_kept runs */
  int lg_cut, lg_longest; /* the lock-order cycle search stopped short (lockgraph.h) */
  double t_explored;      /* when the runs were done (the searches that follow take more) */
  int searches_interrupted; /* a signal came after the runs, in those searches */
  uint64_t db_kept;
  /* --record failing:K: how many runs of each signature (0: an error with
     no finding) have been kept, per dfs subtree (0 for random and pct) */
  U64Map kept;
  int truncated;  /* a run was cut short by a limit */
  LockGraph *lg;   /* the lock-order graph, fed in run-index order */
  Coverage *cov;   /* synchronization coverage (with a database only) */
  SimConfig cfg;   /* for the workers' own engines */
  int stop; /* workers: no more runs (read and written under a worker's lock) */
  int have_first; /* a run has been merged (mode and expect are known) */
  int jobs;       /* worker threads */
  int timed_out;  /* --time-limit ran out (written by the main thread only) */
  uint64_t cut_run; /* a run cut short mid-way (a signal, --time-limit): its index + 1 */
  /* dfs (explore_dfs.c): subtrees, the fraction explored, and whether run
     indices are still subtree << 32 | run (a shard keeps them so) */
  uint32_t dfs_subtrees, dfs_depth;
  double dfs_frac;
  int dfs_keyed;
  /* dfs: the number a run's database row takes, its final one where it is
     known already, else a provisional one (explore_dfs.c); NULL: the run's
     index */
  uint64_t (*db_index)(void *ud, uint64_t index, int *provisional);
  void *db_index_ud;
  StrBuf listing; /* replay: the run, step by step */
  StrBuf scratch; /* a finding's message, told when it is needed */
  char *given_token; /* the token of the run being merged, made by its maker */
  /* the exploration's runs leave out their operations' call paths; the few
     it tells or records are replayed with them (explore_merge.c) */
  int lazy_sites;
  SimRun *site_keep; /* the run replayed, moved out of the main engine */
  int cov_by_makers; /* coverage is counted where runs are made (--jobs) */
  StrBuf events_json;
  char err[1024];
} Explore;

/*
** A worker: its own engine (Lua state, detectors) and a small ring of
** finished runs for the main thread.
*/
#define RING 64
/*
** A worker wakes a waiting main thread when its ring is half full, or at
** once after a run this long (seconds): slow runs are not held back.
*/
#define WAKE_AFTER 0.0005

typedef struct Slot {
  SimRun run;
  char *token; /* its schedule token, if its maker made it (or NULL) */
  int none;    /* the strategy had no run left */
  char err[256];
  uint32_t sub;  /* dfs: the subtree, the runs it made, and those it will take, */
  uint64_t made;
  double est;
  uint64_t kept; /* ... its runs kept so far, and whether it has finished */
  int finished;
} Slot;

typedef struct Worker {
  Explore *x;
  int id, jobs;
  pthread_t th;
  Sim *sim;
  Strategy *strat;
  DetectorSet dets;
  void *ctx;       /* explore_dfs.c's state, or explore_workers.c's */
  TokenCoder *coder; /* random, pct: the tokens of its runs ... */
  Coverage *cov;     /* ... and their coverage, merged at the end */
  Slot ring[RING];
  int head, count; /* ring: next to take, how many ready */
  int done;        /* no more runs will come */
  int waiting;     /* for a free slot (signal it when one frees) */
  int main_waiting; /* the main thread, for a run of this worker */
  int failed;      /* the engine could not be made: err says why */
  uint64_t round_done; /* dfs: the last round this worker has finished */
  char err[512];
  pthread_mutex_t mu;
  pthread_cond_t cv;
} Worker;

/* The signal that stops the exploration (0: none): set by the handler. */
extern atomic_int explore_signal;

/* ---- explore_merge.c: a run merged into the exploration ---------------- */

/* The command that replays a run: by seed (a random run, unless
   'token_only'), else by schedule token; with the exploration's limits and
   database. */
char *explore_replay_command(Explore *x, uint64_t seed, const char *token, int token_only);
/* Does run r's database row need its schedule token (its seed does not
   replay it; kept, or failing)?  Its events, if kept, need one too. */
int explore_row_token(const Explore *x, const SimRun *r);
/* The schedule token of run 'r'. */
char *explore_token(Explore *x, const SimRun *r);
/* The token of the run that decisions 'dec' make (replayed once, without
   detectors, to learn what each step was); a version 1 token if that replay
   does not go through. */
/* A strategy that replays decisions 'dec' with run seed 'seed' (one run). */
Strategy *explore_replayer(const Decision *dec, uint32_t ndec, uint64_t seed);
char *explore_token_dec(Explore *x, uint64_t seed, uint32_t max_steps, const Decision *dec,
                        uint32_t ndec);
/* What grouping into bugs needs of a new observation (bug.h). */
void explore_describe_obs(Distinct *d, const SimRun *r, const RunFinding *f);
/* Make run i on the main thread's engine and merge it: 0 go on, 1 stop. */
int explore_run_here(Explore *x, uint64_t i, uint64_t budget);

/*
** Merge and record one run (main thread).  'err' explains a divergence or
** a scenario broken before any thread.  Returns 0 to go on, 1 to stop
** (--stop-first), -1 on an error.
*/
int explore_handle_run(Explore *x, SimRun *r, const char *err, uint64_t budget);
/* Should the exploration stop now (a signal, --time-limit)? */
int explore_should_stop(Explore *x);
void explore_tick(void *x);
/* On a terminal: the search that follows the runs ('what' bug k of n). */
void explore_searching(Explore *x, const char *what, size_t k, size_t n);
/* When --time-limit runs out (util_now seconds), or 0 without one. */
double explore_deadline(const Explore *x);
void explore_progress(Explore *x, uint64_t budget, int final);
/* A worker whose thread the system refused (pthread_create's error): say
   so, and that the exploration goes on with fewer threads. */
void explore_worker_refused(const Worker *w, int err);
int explore_worker_open(Explore *x, Worker *w, int id, int jobs);
/* Make the worker's engine: on the worker's own thread.  -1: see w->err. */
int explore_worker_engine(Worker *w);
void explore_worker_close(Worker *w);

/* dfs over subtrees with 'jobs' workers (explore_dfs.c). */
void explore_dfs(Explore *x, int jobs);
/* random and pct with 'jobs' threads (explore_workers.c). */
void explore_parallel(Explore *x, int jobs);

/* ---- explore_search.c: after the exploration ------------------------- */

/* The potential deadlocks: the lock-order graph's cycles, each a finding of
   the run that completed it (recorded late in the database). */
void explore_report_cycles(Explore *x);
/* The lock-order graph into the database, and as Graphviz (--lock-graph). */
int explore_lock_graph(Explore *x);
/* A directed search for each potential deadlock that no run showed. */
void explore_confirm(Explore *x);
/* Shorter runs that show each bug. */
void explore_shrink(Explore *x);

/* ---- explore_out.c: what it prints ----------------------------------- */

/* Does a warning say the threads share state racesim cannot see (rather
   than only that math.random was drawn from)? */
int explore_hidden_state(const Explore *x);

const char *explore_mode_name(uint8_t m);
void explore_print_human(Explore *x);
void explore_print_json(Explore *x);
/* The step-by-step listing of a replayed run (and its JSON form). */
void explore_describe_run(Explore *x, const SimRun *r);

#endif
