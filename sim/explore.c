/*
** explore.c - the exploration driver: runs, findings, recording, summary.
**
** Each run: the strategy prepares it, the scheduler executes it, the
** strategy learns from it, then its findings are merged by signature (a bug
** found in 4,000 runs is one finding with a count and its first run) and it
** is recorded.  The loop ends at the run budget, when the strategy has
** nothing left (dfs), at the first finding with --stop-first, or on SIGINT or
** SIGTERM, after the current run: everything completed is committed and
** summarised, and the exit status says what happened.
*/
#include "explore.h"
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

/* The signal that stops the exploration: set by the handler, read by every
   worker's engine (sched_set_cut).  Lock-free, so the handler may store it. */
static atomic_int g_signal;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler must be able to set g_signal");

static void on_signal(int sig) { g_signal = sig; }


void explore_options_init(ExploreOptions *o) {
  memset(o, 0, sizeof *o);
  o->command = "run";
  o->strategy = "random";
  o->runs = 1000;
  o->depth = 3;
  o->preemption_bound = -1;
  o->por = 1;
  o->db = "racesim.db";
  o->record = RECORD_FAILING;
  o->jobs = 0; /* one per core */
  o->nshards = 1;
}

static uint64_t random_seed(void) {
  uint64_t v = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd >= 0) {
    if (read(fd, &v, sizeof v) != (ssize_t)sizeof v) v = 0;
    close(fd);
  }
  if (!v) v = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(util_now() * 1e9);
  return v & 0xffffffffffffULL; /* short enough to type */
}

/*
** The shards of one exploration must share a base seed; without --seed they
** agree on one derived from the script and its parameters (and a seed
** given to one shard must be given to all).
*/
static uint64_t shard_seed(const Explore *x) {
  uint64_t h = UINT64_C(1469598103934665603);
  const char *parts[] = {sched_sha256(x->sim), x->params_text.s ? x->params_text.s : ""};
  for (size_t k = 0; k < 2; k++)
    for (const char *p = parts[k]; *p; p++) h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
  return h & 0xffffffffffffULL;
}

/* ---- per-run bookkeeping --------------------------------------------- */

/*
** The command that replays a run: by its seed (a random run, unless
** 'token_only'), else by its schedule token; with the limits and the
** database the exploration had, so that the replay records where it did.
*/
static char *replay_command(Explore *x, uint64_t seed, const char *token, int token_only) {
  const ExploreOptions *o = x->o;
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "racesim replay ");
  sb_shell_word(&b, o->script);
  int by_seed = !token_only && strcmp(x->strat->ops->name, "random") == 0;
  if (by_seed) sb_printf(&b, " --seed 0x%llx", (unsigned long long)seed);
  else sb_printf(&b, " --schedule %s", token);
  if (by_seed) sb_puts(&b, x->params_cli.s ? x->params_cli.s : "");
  if (by_seed && o->max_steps && o->max_steps != SIM_DEFAULT_MAX_STEPS)
    sb_printf(&b, " --max-steps %u", o->max_steps);
  if (o->max_instructions && o->max_instructions != SIM_DEFAULT_MAX_INSTRUCTIONS)
    sb_printf(&b, " --max-instructions %llu", (unsigned long long)o->max_instructions);
  if (o->max_memory && o->max_memory != SIM_DEFAULT_MAX_MEMORY)
    sb_printf(&b, " --max-memory %zu", o->max_memory >> 20);
  if (!o->db) {
    sb_puts(&b, " --no-db");
  } else if (strcmp(o->db, "racesim.db") != 0) {
    sb_puts(&b, " --db ");
    sb_shell_word(&b, o->db);
  }
  return sb_take(&b);
}

static char *run_token(Explore *x, const SimRun *r) {
  return token_encode(x->digest, r->seed, r->max_steps, x->params_text.s,
                      r->decisions, r->ndecisions);
}

static void free_own(char **own, uint32_t n) {
  if (!own) return;
  for (uint32_t i = 0; i < n; i++) free(own[i]);
  free(own);
}

/* Is finding i of 'r' a repeat of an earlier one in the same run? */
static int seen_in_run_before(const SimRun *r, uint32_t i) {
  for (uint32_t k = 0; k < i; k++)
    if (r->findings[k].sig == r->findings[i].sig) return 1;
  return 0;
}

static int seen_in_run(Explore *x, uint64_t sig) {
  for (size_t i = 0; i < x->nseen; i++)
    if (x->seen[i] == sig) return 1;
  UTIL_GROW(x->seen, x->nseen + 1, x->cap_seen);
  x->seen[x->nseen++] = sig;
  return 0;
}

static uint64_t name_hash(const char *s) { return util_fnv(UTIL_FNV_INIT, s, strlen(s)); }

/*
** A lock of a cycle, as grouping compares them: its table for a lock kept
** in one (L[1] and L[3] made by one line of code are alike, as they are to
** the deadlock's signature), else its name.
*/
static uint64_t lock_hash(const char *name) {
  uint64_t fam = finding_family(name);
  return fam ? fam : name_hash(name);
}

/*
** What grouping into bugs needs to know of a new observation (bug.h): its
** location and lines, the locks of its cycle, or how to say it as a
** consequence.  The same in every run with its signature.
*/
static void describe_obs(Distinct *d, const SimRun *r, const RunFinding *f) {
  switch (f->kind) {
  case FIND_LOST_UPDATE:
  case FIND_DATA_RACE:
    d->where = util_xstrdup(obj_name(r, f->obj));
    d->loc = name_hash(d->where);
    d->fam = finding_family(d->where);
    for (int k = 0; k < FINDING_EVS && d->nlines < 4; k++)
      if (f->evs[k] >= 0) d->lines[d->nlines++] = r->events[f->evs[k]].line;
    break;
  case FIND_DEADLOCK: /* the locks that the threads of the cycle wait for */
    for (int k = 0; k < FINDING_EVS; k++) {
      if (f->evs[k] < 0) continue;
      int32_t t = r->events[f->evs[k]].tid, o = t >= 0 ? r->threads[t].pend.obj : -1;
      if (o >= 0) d->locks[d->nlocks++] = lock_hash(obj_name(r, o));
    }
    break;
  case FIND_STUCK: /* what the blocked threads wait for: objects by where they come from */
    for (int32_t t = 0; t < r->nthreads && d->nlocks < FINDING_EVS; t++) {
      const SimThread *th = &r->threads[t];
      if (th->state != TS_READY || th->pend.obj < 0) continue;
      uint64_t o = obj_site(r, &r->objs[th->pend.obj]);
      int have = 0;
      for (int k = 0; k < d->nlocks && !have; k++) have = d->locks[k] == o;
      if (!have) d->locks[d->nlocks++] = o;
    }
    break;
  case FIND_ASSERTION: {
    const SimEvent *e = f->ev >= 0 ? &r->events[f->ev] : NULL;
    if (!e) break;
    StrBuf b;
    sb_init(&b);
    sb_puts(&b, "the check");
    run_puts_where(r, e->site, e->line, &b);
    sb_printf(&b, " failed in %s%s: ", thread_name(r, e->tid),
              (e->flags & EV_FINALLY) ? " (finally)" : "");
    if (e->value.tag == VAL_STR) sb_putn(&b, run_str(r, e->value.u.s.off), e->value.u.s.len);
    d->conseq = sb_take(&b);
    break;
  }
  default: break;
  }
}

/* Make run 'r' (the one with the lowest index) the one 'd' shows. */
static void show_run(Explore *x, Distinct *d, const SimRun *r, const RunFinding *f,
                     char **token) {
  d->first_run = r->index;
  d->seed = r->seed;
  d->steps = r->steps;
  d->preemptions = r->preemptions;
  free(d->message);
  d->message = util_xstrdup(run_str(r, f->msg));
  free(d->dec);
  d->ndec = r->ndecisions;
  d->dec = util_xmalloc(sizeof(Decision) * (r->ndecisions ? r->ndecisions : 1));
  if (r->ndecisions) memcpy(d->dec, r->decisions, sizeof(Decision) * r->ndecisions);
  if (d->kind == FIND_ASSERTION || d->kind == FIND_ERROR) { /* how this run tells it */
    Distinct tmp;
    memset(&tmp, 0, sizeof tmp);
    describe_obs(&tmp, r, f);
    free(d->conseq);
    d->conseq = tmp.conseq; /* (the values it names are this run's) */
    finding_clear_with(d);
    for (uint32_t i = 0; i < r->nfindings; i++) {
      const RunFinding *g = &r->findings[i];
      if (g->kind == FIND_LOST_UPDATE || g->kind == FIND_DATA_RACE)
        finding_add_with(d, g->sig, run_str(r, g->msg));
    }
  }
  if (!*token) *token = run_token(x, r);
  free(d->schedule);
  d->schedule = util_xstrdup(*token);
  free(d->replay);
  d->replay = replay_command(x, r->seed, *token, 0);
}

/*
** A failed check or an escaped error in this run: keep, as its possible
** causes, the lost updates and data races of the run (bug.h).
*/
/* The threads of finding 'g' (a bit per thread id; ids from 64 on are not
   tracked). */
static uint64_t threads_of(const SimRun *r, const RunFinding *g) {
  uint64_t m = 0;
  for (int k = 0; k < FINDING_EVS; k++)
    if (g->evs[k] >= 0 && r->events[g->evs[k]].tid >= 0 && r->events[g->evs[k]].tid < 64)
      m |= UINT64_C(1) << r->events[g->evs[k]].tid;
  return m;
}

/*
** What thread 'tid' had read before event 'ev': the locations (x->dep_objs)
** and the threads whose writes it read (returned, a bit per thread).  One
** pass, keeping the last writer of each location.
*/
static uint64_t reads_of(Explore *x, const SimRun *r, int32_t tid, int32_t ev, size_t *nobjs) {
  UTIL_GROW(x->dep_writer, (size_t)r->nobjs + 1, x->cap_dep_writer);
  for (int32_t o = 0; o < r->nobjs; o++) x->dep_writer[o] = -1;
  uint64_t writers = 0;
  size_t n = 0;
  for (int32_t i = 0; i < ev && (uint32_t)i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->obj < 0) continue;
    int reads = e->op == OP_READ || e->op == OP_ADD;
    if (e->tid == tid && reads) {
      int32_t w = x->dep_writer[e->obj];
      if (w >= 0 && w < 64) writers |= UINT64_C(1) << w;
      size_t k = 0;
      while (k < n && x->dep_objs[k] != e->obj) k++;
      if (k == n) {
        UTIL_GROW(x->dep_objs, n + 1, x->cap_dep_objs);
        x->dep_objs[n++] = e->obj;
      }
    }
    if (e->op == OP_WRITE || e->op == OP_ADD || e->op == OP_NEW) x->dep_writer[e->obj] = e->tid;
  }
  *nobjs = n;
  return writers;
}

/*
** Did a failure depend on finding 'g' of its run?  It did if its thread
** took part in g, read g's location, or read a value one of g's threads
** wrote (its thread 'tid', and what reads_of found).
*/
static int depends_on(const Explore *x, const SimRun *r, int32_t tid, uint64_t writers,
                      size_t nobjs, const RunFinding *g) {
  uint64_t gt = threads_of(r, g);
  if ((tid >= 0 && tid < 64 && (gt >> tid & 1)) || (gt & writers)) return 1;
  for (size_t k = 0; k < nobjs; k++)
    if (x->dep_objs[k] == g->obj) return 1;
  return 0;
}

static void note_causes(Explore *x, const SimRun *r) {
  size_t n = 0;
  UTIL_GROW(x->causes, x->nseen + 1, x->cap_causes);
  for (size_t i = 0; i < x->nseen; i++) { /* this run's signatures, once each */
    const Distinct *d = finding_get(&x->fs, x->seen[i]);
    if (d->kind == FIND_LOST_UPDATE || d->kind == FIND_DATA_RACE) x->causes[n++] = x->seen[i];
  }
  for (size_t i = 0; i < x->nseen; i++) {
    Distinct *d = finding_get(&x->fs, x->seen[i]);
    if (d->kind == FIND_ASSERTION || d->kind == FIND_ERROR) finding_note_causes(d, x->causes, n);
  }
  for (uint32_t i = 0; i < r->nfindings; i++) { /* which of them the failure depended on */
    const RunFinding *f = &r->findings[i];
    if (f->kind != FIND_ASSERTION && f->kind != FIND_ERROR) continue;
    size_t nrel = 0, nobjs;
    uint64_t writers = reads_of(x, r, f->tid, f->ev >= 0 ? f->ev : (int32_t)r->nevents, &nobjs);
    for (uint32_t j = 0; j < r->nfindings; j++) {
      const RunFinding *g = &r->findings[j];
      if ((g->kind != FIND_LOST_UPDATE && g->kind != FIND_DATA_RACE) ||
          !depends_on(x, r, f->tid, writers, nobjs, g))
        continue;
      UTIL_GROW(x->related, nrel + 1, x->cap_related);
      x->related[nrel++] = g->sig;
    }
    finding_note_related(finding_get(&x->fs, f->sig), x->related, nrel);
  }
}

/*
** Merge the run's findings; record it.  Runs may come in any order (dfs
** subtrees): a finding shows the run with the lowest index.
*/
static int process_run(Explore *x, SimRun *r) {
  char *token = NULL;
  x->nseen = 0;
  UTIL_GROW(x->replays, (size_t)r->nfindings + 1, x->cap_replays);
  for (uint32_t i = 0; i < r->nfindings; i++) {
    const RunFinding *f = &r->findings[i];
    x->replays[i] = NULL;
    if (seen_in_run(x, f->sig)) continue;
    Distinct *d = finding_get(&x->fs, f->sig);
    if (!d) {
      d = finding_add(&x->fs, f->sig, f->kind);
      describe_obs(d, r, f);
      show_run(x, d, r, f, &token);
    } else if (r->index < d->first_run) {
      show_run(x, d, r, f, &token);
    }
    d->count++;
    x->replays[i] = d->first_run == r->index ? d->replay : NULL;
  }
  note_causes(x, r);
  UTIL_GROW(x->causes, x->nseen + 1, x->cap_causes); /* (a scratch copy: sorted) */
  if (x->nseen) memcpy(x->causes, x->seen, sizeof(uint64_t) * x->nseen);
  if (x->nseen) profiles_add(&x->profiles, x->causes, x->nseen);
  char **own = NULL; /* the other runs' replay commands, for the database */
  if (x->trace) {
    for (uint32_t i = 0; i < r->nfindings; i++) {
      if (x->replays[i] || seen_in_run_before(r, i)) continue;
      if (!own) own = util_xcalloc(r->nfindings, sizeof *own);
      if (!token) token = run_token(x, r);
      own[i] = replay_command(x, r->seed, token, 0);
      x->replays[i] = own[i];
    }
  }
  if (x->trace) {
    int failing = r->nfindings > 0 || r->end == END_ABORT;
    int events = x->o->record == RECORD_ALL || (failing && x->o->record == RECORD_FAILING);
    if (!token && (x->o->record != RECORD_NONE || failing)) token = run_token(x, r);
    if (trace_run(x->trace, x->expl_id, r, token, events, x->replays) < 0) {
      snprintf(x->err, sizeof x->err, "cannot write the trace database: %s",
               trace_error(x->trace));
      free_own(own, r->nfindings);
      free(token);
      return -1;
    }
  }
  free_own(own, r->nfindings);
  free(token);
  return 0;
}

/* ---- shrinking ------------------------------------------------------ */

typedef struct Attempt {
  int found;
  uint32_t steps, preemptions;
  Decision *dec;
  uint32_t ndec;
  uint32_t *pre; /* where it preempted (decision indices) */
  uint32_t npre;
  /* when found: how this run tells the bug (need[0] is its headline, the
     last of need the observation that shows it) */
  char *head_msg, *rep_msg, *rep_conseq;
} Attempt;

static void attempt_free(Attempt *a) {
  free(a->dec);
  free(a->pre);
  free(a->head_msg);
  free(a->rep_msg);
  free(a->rep_conseq);
  memset(a, 0, sizeof *a);
}

/* Keep the messages of run 'r' that tell the bug 'a' found. */
static void attempt_words(Attempt *a, const SimRun *r, const uint64_t *need, int nneed) {
  for (uint32_t i = 0; i < r->nfindings; i++) {
    const RunFinding *f = &r->findings[i];
    if (f->sig == need[0] && !a->head_msg) a->head_msg = util_xstrdup(run_str(r, f->msg));
    if (f->sig == need[nneed - 1] && !a->rep_msg) {
      a->rep_msg = util_xstrdup(run_str(r, f->msg));
      Distinct tmp;
      memset(&tmp, 0, sizeof tmp);
      describe_obs(&tmp, r, f);
      a->rep_conseq = tmp.conseq;
      free(tmp.where);
    }
  }
}

/* Run 'base' loosely, not preempting at decision 'deviate'; fill 'a'. */
static void guided_run(Explore *x, const Distinct *d, const uint64_t *need, int nneed,
                       const Decision *base, uint32_t nbase, int64_t deviate, Attempt *a) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.replay = base;
  c.nreplay = nbase;
  c.replay_seed = d->seed;
  c.deviate_at = deviate;
  Strategy *g = strategy_create("guided", &c);
  sched_set_strategy(x->sim, g);
  uint64_t seed;
  g->ops->begin_run(g, 0, &seed);
  sched_run(x->sim, d->first_run, seed);
  SimRun *r = sched_result(x->sim);
  g->ops->end_run(g, r);
  memset(a, 0, sizeof *a);
  int have = 0; /* how many of the signatures it needs; a cut run shows nothing */
  for (int k = 0; k < nneed && r->end != END_CUT; k++)
    for (uint32_t i = 0; i < r->nfindings; i++)
      if (r->findings[i].sig == need[k]) {
        have++;
        break;
      }
  a->found = have == nneed;
  if (a->found) attempt_words(a, r, need, nneed);
  a->steps = r->steps;
  a->preemptions = r->preemptions;
  a->ndec = r->ndecisions;
  a->dec = util_xmalloc(sizeof(Decision) * (r->ndecisions ? r->ndecisions : 1));
  if (r->ndecisions) memcpy(a->dec, r->decisions, sizeof(Decision) * r->ndecisions);
  const uint32_t *pre;
  a->npre = strategy_guided_preemptions(g, &pre);
  a->pre = util_xmalloc(sizeof(uint32_t) * (a->npre ? a->npre : 1));
  if (a->npre) memcpy(a->pre, pre, sizeof(uint32_t) * a->npre);
  strategy_destroy(g);
  sched_set_strategy(x->sim, x->strat);
}

/*
** Look for a simpler run showing the bug that 'd' shows (the signatures
** need[0..nneed)): remove one preemption at a time (keep the running thread
** there, follow the old schedule after) and keep every change that still
** shows them all with fewer preemptions, or as many and fewer steps.
*/
static void shrink_one(Explore *x, Distinct *d, const uint64_t *need, int nneed,
                       double deadline) {
  Attempt best, cand;
  guided_run(x, d, need, nneed, d->dec, d->ndec, -1, &best);
  if (!best.found) {
    attempt_free(&best);
    return;
  }
  int improved = 1, budget = 80;
  while (improved && budget > 0 && util_now() < deadline) {
    improved = 0;
    for (uint32_t k = 0; k < best.npre && budget > 0 && util_now() < deadline; k++, budget--) {
      guided_run(x, d, need, nneed, best.dec, best.ndec, best.pre[k], &cand);
      if (cand.found && (cand.preemptions < best.preemptions ||
                         (cand.preemptions == best.preemptions && cand.steps < best.steps))) {
        attempt_free(&best);
        best = cand;
        improved = 1;
        break;
      }
      attempt_free(&cand);
    }
  }
  if (best.preemptions < d->preemptions ||
      (best.preemptions == d->preemptions && best.steps < d->steps)) {
    d->shrunk = 1;
    d->shrunk_steps = best.steps;
    d->shrunk_preemptions = best.preemptions;
    d->shrunk_schedule = token_encode(x->digest, d->seed, sched_result(x->sim)->max_steps,
                                      x->params_text.s, best.dec, best.ndec);
    free(d->replay);
    d->replay = replay_command(x, d->seed, d->shrunk_schedule, 1);
    /* the bug as the run replayed tells it (threads and steps may differ) */
    d->shrunk_head = best.head_msg, best.head_msg = NULL;
    d->shrunk_msg = best.rep_msg, best.rep_msg = NULL;
    d->shrunk_conseq = best.rep_conseq, best.rep_conseq = NULL;
  }
  attempt_free(&best);
}

/*
** Replay the run that completed a lock-order cycle (it was recorded without
** its events unless --record all), and find in it the acquisitions that
** close the cycle's edges, for the database to show and highlight.  NULL if
** the replay did not fit (it always should: runs are deterministic).
*/
static const SimRun *replay_cycle_run(Explore *x, const LockGraphRun *how, uint64_t run,
                                      uint64_t sig, int32_t *evs, int *nevs) {
  const char *to[8], *from[8], *thread[8];
  int32_t line[8];
  int n = lockgraph_cycle(x->lg, sig, to, line, from, thread, 8);
  StrategyConfig c;
  strategy_config_init(&c);
  c.replay = how->dec;
  c.nreplay = how->ndec;
  c.replay_seed = how->seed;
  Strategy *g = strategy_create("replay", &c);
  sched_set_strategy(x->sim, g);
  SimRun *r = NULL;
  uint64_t seed;
  if (!g->ops->begin_run(g, 0, &seed)) { /* the replay's only run, numbered as the original */
    sched_run(x->sim, run, seed);
    r = sched_result(x->sim);
    g->ops->end_run(g, r);
    if (r->end == END_DIVERGED || r->end == END_CUT || g->err[0]) r = NULL;
  }
  strategy_destroy(g);
  sched_set_strategy(x->sim, x->strat);
  /* each edge: its thread's first acquisition of 'to' at its line while
     holding 'from' (a count of that thread's holds of 'from') */
  int held[8] = {0}, found[8] = {0};
  *nevs = 0;
  for (uint32_t i = 0; r && i < r->nevents && *nevs < n; i++) {
    const SimEvent *e = &r->events[i];
    int acq = e->op == OP_ACQUIRE && e->value.tag == VAL_BOOL && e->value.u.i;
    if ((!acq && e->op != OP_RELEASE) || e->obj < 0 || e->tid < 0) continue;
    const char *obj = obj_name(r, e->obj), *who = thread_name(r, e->tid);
    for (int k = 0; k < n; k++) {
      if (strcmp(who, thread[k]) != 0) continue;
      if (acq && !found[k] && held[k] > 0 && line[k] == e->line && !strcmp(obj, to[k])) {
        found[k] = 1;
        evs[(*nevs)++] = (int32_t)i;
      }
      if (!strcmp(obj, from[k])) held[k] += acq ? 1 : held[k] > 0 ? -1 : 0;
    }
  }
  return r;
}

/*
** The potential deadlocks: the cycles of the lock-order graph, each a
** finding of the run that completed it (recorded late in the database).
*/
static void report_cycles(Explore *x) {
  if (!x->lg) return;
  size_t n = lockgraph_cycles(x->lg, x->o->script);
  for (size_t i = 0; i < n; i++) {
    uint64_t sig, run;
    const LockGraphRun *how;
    const char *msg = lockgraph_cycle_info(x->lg, i, &sig, &run, &how);
    Distinct *d = finding_get(&x->fs, sig);
    if (d) continue;
    d = finding_add(&x->fs, sig, FIND_POTENTIAL_DEADLOCK);
    const char *locks[FINDING_EVS];
    int32_t lines[FINDING_EVS];
    int nl = lockgraph_cycle(x->lg, sig, locks, lines, NULL, NULL, FINDING_EVS);
    for (int k = 0; k < nl; k++) d->locks[d->nlocks++] = lock_hash(locks[k]);
    d->count = 1;
    d->first_run = run;
    d->seed = how->seed;
    d->steps = how->steps;
    d->preemptions = how->preemptions;
    d->message = util_xstrdup(msg);
    d->ndec = how->ndec;
    d->dec = util_xmalloc(sizeof(Decision) * (how->ndec ? how->ndec : 1));
    if (how->ndec) memcpy(d->dec, how->dec, sizeof(Decision) * how->ndec);
    d->schedule = token_encode(x->digest, how->seed, how->max_steps, x->params_text.s, how->dec,
                               how->ndec);
    d->replay = replay_command(x, how->seed, d->schedule, 0);
    if (x->trace) {
      int32_t evs[8];
      int ne = 0;
      const SimRun *r = x->o->record == RECORD_NONE ? NULL
                                                    : replay_cycle_run(x, how, run, sig, evs, &ne);
      trace_late_finding(x->trace, x->expl_id, run, "potential_deadlock", sig, msg, d->replay,
                         r, evs, ne);
    }
  }
}

/*
** A potential deadlock that no run deadlocked on: steer a directed search
** toward it, and say whether it was reached (with a replay command).
*/
#define DIRECTED_RUNS 300

static void confirm_one(Explore *x, Distinct *d) {
  const char *names[8];
  int32_t lines[8];
  int n = lockgraph_cycle(x->lg, d->sig, names, lines, NULL, NULL, 8);
  if (n == 0) return;
  StrategyConfig c;
  strategy_config_init(&c);
  c.base_seed = x->base_seed;
  c.target_names = names;
  c.target_lines = lines;
  c.ntargets = n;
  Strategy *g = strategy_create("directed", &c);
  sched_set_strategy(x->sim, g);
  uint64_t i;
  int found = 0;
  for (i = 0; i < DIRECTED_RUNS && !found && !g_signal; i++) {
    uint64_t seed;
    g->ops->begin_run(g, i, &seed);
    sched_run(x->sim, i, seed);
    SimRun *r = sched_result(x->sim);
    g->ops->end_run(g, r);
    for (uint32_t k = 0; k < r->nfindings && !found; k++) {
      const RunFinding *f = &r->findings[k];
      if (f->kind != FIND_DEADLOCK || f->obj < 0) continue;
      for (int t = 0; t < n; t++) found |= !strcmp(obj_name(r, f->obj), names[t]);
    }
    if (found) {
      char *tok = run_token(x, r);
      StrBuf b;
      sb_init(&b);
      char *cmd = replay_command(x, 0, tok, 1);
      sb_printf(&b, "confirmed: a directed search deadlocked on it in %llu run%s: %s",
                (unsigned long long)i + 1, i ? "s" : "", cmd);
      free(cmd);
      d->note = sb_take(&b);
      free(tok);
    }
  }
  if (!found && !g_signal) {
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, "not reached in %d directed runs: the threads may never hold these locks at "
                  "the same time (something else orders them)",
              DIRECTED_RUNS);
    d->note = sb_take(&b);
  }
  strategy_destroy(g);
  sched_set_strategy(x->sim, x->strat);
}

/* Confirm each potential deadlock that no run of the exploration showed. */
static void confirm(Explore *x) {
  if (!x->lg || strcmp(x->o->command, "run") || x->status == 2) return;
  for (size_t k = 0; k < x->bugs.n; k++) {
    Distinct *d = &x->fs.v[x->bugs.v[k].head];
    /* (one that happened is evidence of its deadlock, not a headline) */
    if (d->kind == FIND_POTENTIAL_DEADLOCK) confirm_one(x, d);
  }
}

/* Shrink the run that shows each bug (its representative observation's). */
static void shrink(Explore *x) {
  if (x->o->no_shrink || strcmp(x->o->command, "run") || x->status == 2) return;
  double deadline = util_now() + 10.0;
  sched_set_cut(x->sim, &g_signal, deadline); /* a cut run shows nothing */
  for (size_t k = 0; k < x->bugs.n && util_now() < deadline; k++) {
    Bug *b = &x->bugs.v[k];
    Distinct *d = &x->fs.v[b->rep];
    /* a potential deadlock is reported once per exploration; a step limit
       costs --max-steps per attempt */
    if (d->kind == FIND_POTENTIAL_DEADLOCK || d->kind == FIND_STEP_LIMIT ||
        d->preemptions == 0 || g_signal)
      continue;
    uint64_t need[2];
    int nneed = bug_required(&x->fs, b, need);
    shrink_one(x, d, need, nneed, deadline);
    if (d->shrunk) bug_compose(&x->fs, b); /* in the words of the run replayed */
  }
}

/* ---- output --------------------------------------------------------- */

void explore_progress(Explore *x, uint64_t budget, int final) {
  if (!x->tty) return;
  double now = util_now();
  if (!final && now - x->last_progress < 0.1) return;
  x->last_progress = now;
  if (final) {
    fprintf(stderr, "\r\033[K");
    return;
  }
  double el = now - x->t0;
  double rate = el > 0 ? (double)x->runs / el : 0;
  if (x->strat && strcmp(x->strat->ops->name, "dfs") == 0)
    fprintf(stderr, "\r\033[K  %llu runs  %.0f runs/s  %zu finding%s  ~%.1f%% explored (%u subtrees)",
            (unsigned long long)x->runs, rate, x->fs.n, x->fs.n == 1 ? "" : "s",
            100.0 * x->dfs_frac, x->dfs_subtrees);
  else
    fprintf(stderr, "\r\033[K  %llu/%llu runs  %.0f runs/s  %zu finding%s",
            (unsigned long long)x->runs, (unsigned long long)budget, rate, x->fs.n,
            x->fs.n == 1 ? "" : "s");
  fflush(stderr);
}

static const char *mode_name(uint8_t m) { return m == MODE_ASYNC ? "async" : "threads"; }

/* PCT's bound: one run finds a depth-d bug with p >= 1/(n k^(d-1)). */
static void pct_bound(const Explore *x, double *p1, double *pall, int *n) {
  const SimRun *r = sched_result(x->sim);
  *n = r->nthreads > 0 ? r->nthreads : 1;
  double k = x->strat->cfg.pct_steps ? x->strat->cfg.pct_steps : 1;
  *p1 = 1.0 / ((double)*n * pow(k, x->strat->cfg.pct_depth - 1));
  *pall = 1.0 - pow(1.0 - *p1, (double)x->runs);
}

/* "s" unless n is one: "1 run", "2 runs" */
static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

static const char *const kind_noun[FIND__COUNT] = {
    [FIND_LOST_UPDATE] = "lost update", [FIND_DATA_RACE] = "data race",
    [FIND_DEADLOCK] = "deadlock",       [FIND_POTENTIAL_DEADLOCK] = "lock-order cycle",
    [FIND_STUCK] = "stuck state",       [FIND_BARRIER_BROKEN] = "barrier break",
    [FIND_ASSERTION] = "failed check",  [FIND_ERROR] = "error",
    [FIND_STEP_LIMIT] = "step limit"};

/* "assertion in 317 runs, data_race in 1000 runs (2 signatures)": what a
   bug folds in besides its headline (the runs that showed any of a kind). */
static void evidence_line(const Explore *x, const Bug *b, StrBuf *out) {
  uint8_t done[FIND__COUNT] = {0};
  int k = 0;
  for (size_t j = 1; j < b->nobs; j++) {
    int kind = x->fs.v[b->obs[j]].kind;
    if (done[kind]) continue;
    done[kind] = 1;
    uint64_t n = 0, runs = bug_runs_of(&x->fs, b, kind, &x->profiles); /* any of them */
    for (size_t m = j; m < b->nobs; m++) n += x->fs.v[b->obs[m]].kind == kind;
    if (kind == b->kind) /* the headline's own kind: counted in the bug's runs */
      sb_printf(out, "%s%llu other %s%s", k++ ? ", " : "", (unsigned long long)n,
                kind_noun[kind], plural(n));
    else if (kind == FIND_POTENTIAL_DEADLOCK) /* one per exploration: no run count */
      sb_printf(out, "%s%s (its lock-order cycle)", k++ ? ", " : "", finding_kind_names[kind]);
    else
      sb_printf(out, "%s%s in %llu run%s", k++ ? ", " : "", finding_kind_names[kind],
                (unsigned long long)runs, plural(runs));
    if (n > 1 && kind != b->kind) sb_printf(out, " (%llu signatures)", (unsigned long long)n);
  }
}

/*
** Print a line that holds a racesim replay command, as the user can paste
** it here: with the program as it was invoked ("build/racesim replay ...")
** when that is a path, not the command on PATH.
*/
static void print_command(const Explore *x, const char *label, const char *text) {
  const char *prog = x->o->prog, *cmd = strstr(text, "racesim replay ");
  if (prog && strcmp(prog, "racesim") != 0 && cmd) {
    StrBuf b;
    sb_init(&b);
    sb_shell_word(&b, prog);
    printf("%s%.*s%s%s\n", label, (int)(cmd - text), text, b.s, cmd + 7);
    sb_free(&b);
  } else {
    printf("%s%s\n", label, text);
  }
}

static void print_bug(const Explore *x, size_t i) {
  const Bug *b = &x->bugs.v[i];
  const Distinct *h = &x->fs.v[b->head], *d = &x->fs.v[b->rep];
  char first[48];
  if (x->dfs_keyed) /* a dfs shard: subtree and run within it */
    snprintf(first, sizeof first, "%llu:%llu", (unsigned long long)(d->first_run >> 32),
             (unsigned long long)(d->first_run & UINT32_MAX));
  else snprintf(first, sizeof first, "%llu", (unsigned long long)d->first_run);
  if (b->kind == FIND_POTENTIAL_DEADLOCK) /* one graph over all runs, not a run's finding */
    printf("\n[%zu] %s: in the lock-order graph of %llu run%s (cycle complete in run %s, "
           "%u step%s, %u preemption%s)\n",
           i + 1, finding_kind_names[b->kind], (unsigned long long)x->runs, plural(x->runs),
           first, d->steps, plural(d->steps), d->preemptions, plural(d->preemptions));
  else
    printf("\n[%zu] %s: in %llu of %llu run%s (first: run %s, %u step%s, %u preemption%s)\n",
           i + 1, finding_kind_names[b->kind], (unsigned long long)b->runs,
           (unsigned long long)x->runs, plural(x->runs), first, d->steps, plural(d->steps),
           d->preemptions, plural(d->preemptions));
  printf("    %s\n", b->message);
  if (b->nobs > 1) {
    StrBuf e;
    sb_init(&e);
    evidence_line(x, b, &e);
    printf("    also seen: %s\n", e.s);
    sb_free(&e);
  }
  if (h->note) print_command(x, "    ", h->note); /* (it may hold a replay command) */
  if (d->shrunk)
    printf("    shrunk: %u step%s, %u preemption%s (from %u, %u)\n", d->shrunk_steps,
           plural(d->shrunk_steps), d->shrunk_preemptions, plural(d->shrunk_preemptions),
           d->steps, d->preemptions);
  print_command(x, "    replay: ", d->replay);
}

static void print_human(Explore *x) {
  const ExploreOptions *o = x->o;
  double el = util_now() - x->t0;
  const char *sname = x->strat->ops->name;
  printf("%s %llu run%s (%llu steps) in %.2f s", x->interrupted ? "interrupted after" : "explored",
         (unsigned long long)x->runs, x->runs == 1 ? "" : "s", (unsigned long long)x->steps, el);
  if (el > 0 && x->runs > 1) {
    double rate = (double)x->runs / el;
    printf(rate >= 100 ? ", %.0f runs/s" : ", %.3g runs/s", rate);
  }
  printf("\n");
  if (x->cut_run)
    printf("the run in progress was cut short and dropped (%s)\n",
           x->interrupted ? "interrupted" : "--time-limit ran out");
  if (x->timed_out && strcmp(sname, "dfs") != 0)
    printf("stopped: --time-limit ran out before the run budget (%llu of %llu runs)\n",
           (unsigned long long)x->runs, (unsigned long long)o->runs);
  if (strcmp(sname, "dfs") == 0) {
    char part[96] = "";
    if (o->nshards > 1)
      snprintf(part, sizeof part, " of shard %u/%u (%u of the %u subtrees)", o->shard + 1,
               o->nshards, (x->dfs_subtrees + o->nshards - 1 - o->shard) / o->nshards,
               x->dfs_subtrees);
    if (x->complete)
      printf("complete: every interleaving%s%s was explored (%llu run%s pruned as redundant)\n",
             part, o->preemption_bound >= 0 ? " within the preemption bound" : "",
             (unsigned long long)x->strat->pruned, plural(x->strat->pruned));
    else if (x->strat->complete == 0 && x->truncated)
      printf("not complete: some runs hit --max-steps, so what they would have done next was "
             "not explored (%llu run%s pruned)\n",
             (unsigned long long)x->strat->pruned, plural(x->strat->pruned));
    else if (x->timed_out)
      printf("not complete: --time-limit ran out with about %.0f%%%s explored (%llu run%s "
             "pruned)\n",
             100.0 * x->dfs_frac, part, (unsigned long long)x->strat->pruned,
             plural(x->strat->pruned));
    else if (x->interrupted || x->status == 2 || o->stop_first)
      printf("not complete: the exploration stopped before the end (about %.0f%%%s explored, "
             "%llu run%s pruned)\n",
             100.0 * x->dfs_frac, part, (unsigned long long)x->strat->pruned,
             plural(x->strat->pruned));
    else
      printf("not complete: the run budget ran out with about %.0f%%%s explored (%llu run%s "
             "pruned); raise --runs to go on\n",
             100.0 * x->dfs_frac, part, (unsigned long long)x->strat->pruned,
             plural(x->strat->pruned));
  } else if (strcmp(sname, "pct") == 0 && x->runs) {
    double p1, pall;
    int n;
    pct_bound(x, &p1, &pall, &n);
    char all[48];
    if (pall > 0.999999) snprintf(all, sizeof all, "> 0.999999");
    else snprintf(all, sizeof all, ">= %.4g", pall);
    printf("pct: depth %d, %u steps: each run finds a given depth-%d bug with probability "
           ">= 1/(%d * %u^%d) = %.3g; %llu runs: %s\n",
           x->strat->cfg.pct_depth, x->strat->cfg.pct_steps, x->strat->cfg.pct_depth, n,
           x->strat->cfg.pct_steps, x->strat->cfg.pct_depth - 1, p1,
           (unsigned long long)x->runs, all);
  }
  if (x->bugs.n == 0) {
    printf("no findings\n");
  } else {
    printf("%zu bug%s (%zu observation%s):\n", x->bugs.n, plural(x->bugs.n), x->fs.n,
           plural(x->fs.n));
    for (size_t i = 0; i < x->bugs.n; i++) print_bug(x, i);
  }
  if (x->recorded) printf("\ntrace database: %s (exploration %lld)\n", o->db, (long long)x->expl_id);
}


/* One bug of the --json output: DESIGN section 5's fields and its evidence. */
static void json_bug(const Explore *x, const Bug *bug, StrBuf *b) {
  const Distinct *h = &x->fs.v[bug->head], *d = &x->fs.v[bug->rep];
  sb_printf(b, "{\"kind\": \"%s\", \"count\": %llu, \"signature\": \"%016llx\", \"message\": ",
            finding_kind_names[bug->kind], (unsigned long long)bug->runs,
            (unsigned long long)h->sig);
  sb_json_str(b, bug->message);
  sb_printf(b, ", \"first_run\": %llu, \"seed\": \"0x%llx\", \"steps\": %u, "
               "\"preemptions\": %u, \"schedule\": ",
            (unsigned long long)d->first_run, (unsigned long long)d->seed, d->steps,
            d->preemptions);
  sb_json_str(b, d->schedule);
  sb_puts(b, ", \"replay\": ");
  sb_json_str(b, d->replay);
  if (d->shrunk) {
    sb_printf(b, ", \"shrunk\": {\"steps\": %u, \"preemptions\": %u, \"schedule\": ",
              d->shrunk_steps, d->shrunk_preemptions);
    sb_json_str(b, d->shrunk_schedule);
    sb_puts(b, "}");
  }
  if (h->note) {
    sb_puts(b, ", \"note\": ");
    sb_json_str(b, h->note);
  }
  sb_puts(b, ", \"evidence\": [");
  for (size_t j = 0; j < bug->nobs; j++) {
    const Distinct *e = &x->fs.v[bug->obs[j]];
    sb_printf(b, "%s{\"kind\": \"%s\", \"role\": \"%s\", \"count\": %llu, \"first_run\": %llu, "
                 "\"signature\": \"%016llx\", \"message\": ",
              j ? ", " : "", finding_kind_names[e->kind], bug_role_names[bug->role[j]],
              (unsigned long long)e->count, (unsigned long long)e->first_run,
              (unsigned long long)e->sig);
    /* the headline as the run shown (or the shrunk one) tells it */
    sb_json_str(b, j == 0 ? bug_headline_text(&x->fs, bug) : e->message);
    sb_puts(b, "}");
  }
  sb_puts(b, "]}");
}

static void print_json(Explore *x) {
  const ExploreOptions *o = x->o;
  double el = util_now() - x->t0;
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "{\"script\": ");
  sb_json_str(&b, o->script);
  sb_puts(&b, ", \"strategy\": ");
  sb_json_str(&b, x->strat->ops->name);
  sb_printf(&b, ", \"mode\": \"%s\", \"base_seed\": \"0x%llx\"", mode_name(x->mode),
            (unsigned long long)x->base_seed);
  sb_printf(&b, ", \"runs\": %llu, \"steps\": %llu, \"complete\": %s, \"pruned\": %llu",
            (unsigned long long)x->runs, (unsigned long long)x->steps,
            x->complete ? "true" : "false", (unsigned long long)x->strat->pruned);
  sb_printf(&b, ", \"interrupted\": %s, \"jobs\": %d", x->interrupted ? "true" : "false",
            x->jobs);
  if (x->dfs_subtrees)
    sb_printf(&b, ", \"subtrees\": %u, \"explored\": %.4f", x->dfs_subtrees,
              x->complete ? 1.0 : x->dfs_frac);
  sb_puts(&b, ", \"params\": {");
  for (int i = 0; i < o->nparams; i++) {
    if (i) sb_puts(&b, ", ");
    sb_json_str(&b, o->params[i].name);
    sb_puts(&b, ": ");
    sb_json_str(&b, o->params[i].value);
  }
  sb_puts(&b, "}");
  if (strcmp(x->strat->ops->name, "pct") == 0 && x->runs) {
    double p1, pall;
    int n;
    pct_bound(x, &p1, &pall, &n);
    sb_printf(&b, ", \"pct\": {\"depth\": %d, \"steps\": %u, \"p_run\": %.6g, \"p_all\": %.6g}",
              x->strat->cfg.pct_depth, x->strat->cfg.pct_steps, p1, pall);
  }
  sb_printf(&b, ", \"elapsed\": %.3f, \"runs_per_second\": %.1f", el,
            el > 0 ? (double)x->runs / el : 0.0);
  if (x->recorded) {
    sb_puts(&b, ", \"db\": {\"path\": ");
    sb_json_str(&b, o->db);
    sb_printf(&b, ", \"exploration_id\": %lld}", (long long)x->expl_id);
  }
  sb_printf(&b, ", \"bugs\": %zu, \"observations\": %zu", x->bugs.n, x->fs.n);
  sb_puts(&b, ", \"findings\": [");
  for (size_t i = 0; i < x->bugs.n; i++) {
    if (i) sb_puts(&b, ", ");
    json_bug(x, &x->bugs.v[i], &b);
  }
  sb_puts(&b, "]");
  if (x->events_json.len) {
    sb_puts(&b, ", \"events\": [");
    sb_putn(&b, x->events_json.s, x->events_json.len);
    sb_puts(&b, "]");
  }
  sb_puts(&b, "}\n");
  fputs(b.s, stdout);
  sb_free(&b);
}

/* The step-by-step listing of a replayed run (and its JSON form). */
static void describe_run(Explore *x, const SimRun *r) {
  StrBuf *L = &x->listing, *J = &x->events_json, v;
  sb_init(&v);
  sb_printf(L, "%5s %8s  %-14s %-11s %-18s %-14s %s\n", "step", "time", "thread", "op",
            "object", "value", "line");
  for (uint32_t i = 0; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    sb_reset(&v);
    run_format_value(r, &e->value, &v);
    char flags[64];
    trace_flags(e->flags, flags, sizeof flags);
    sb_printf(L, "%5u %8.3f  %-14s %-11s %-18s %-14s", i + 1, e->vtime, thread_name(r, e->tid),
              op_name(e->op), e->obj >= 0 ? obj_name(r, e->obj) : "", v.s ? v.s : "");
    if (e->line > 0 || run_site_is_path(r, e->site)) {
      sb_putc(L, ' ');
      run_format_event_at(r, e, L);
    }
    if (flags[0]) sb_printf(L, "  [%s]", flags);
    sb_putc(L, '\n');
    sb_printf(J, "%s{\"step\": %u, \"transition\": %u, \"time\": %.6g, \"thread\": ",
              i ? ", " : "", i + 1, e->step, e->vtime);
    sb_json_str(J, thread_name(r, e->tid));
    sb_puts(J, ", \"op\": ");
    sb_json_str(J, op_name(e->op));
    sb_puts(J, ", \"object\": ");
    if (e->obj >= 0) sb_json_str(J, obj_name(r, e->obj));
    else sb_puts(J, "null");
    sb_puts(J, ", \"value\": ");
    if (e->value.tag == VAL_NONE) sb_puts(J, "null");
    else sb_json_str(J, v.s);
    sb_printf(J, ", \"line\": %d, \"site\": ", e->line);
    StrBuf site;
    sb_init(&site);
    if (e->line > 0) run_format_site(r, e->line, &site);
    if (site.s) sb_json_str(J, site.s);
    else sb_puts(J, "null");
    if (run_site_is_path(r, e->site)) {
      sb_reset(&site);
      run_format_event_at(r, e, &site);
      sb_puts(J, ", \"path\": ");
      sb_json_str(J, site.s);
    }
    sb_free(&site);
    if (flags[0]) {
      sb_puts(J, ", \"flags\": ");
      sb_json_str(J, flags);
    }
    sb_puts(J, "}");
  }
  uint32_t k = r->nevents;
  for (int32_t i = 0; r->end == END_STALL && i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    if (t->state != TS_READY || t->pend.op == OP_END) continue;
    /* where it waits, as the trace database records it */
    sb_printf(J, "%s{\"step\": %u, \"transition\": %u, \"time\": %.6g, \"thread\": ", k ? ", " : "",
              k + 1, r->steps + 1, r->vtime);
    k++;
    sb_json_str(J, thread_name(r, i));
    sb_puts(J, ", \"op\": ");
    sb_json_str(J, op_pending_name(t->pend.op));
    sb_puts(J, ", \"object\": ");
    if (t->pend.obj >= 0) sb_json_str(J, obj_name(r, t->pend.obj));
    else sb_puts(J, "null");
    sb_printf(J, ", \"value\": null, \"line\": %d, \"flags\": \"blocked\"}", t->pend.line);
    sb_printf(L, "%5s %8.3f  %-14s %-11s %-18s %-14s", "-", r->vtime, thread_name(r, i),
              op_pending_name(t->pend.op), t->pend.obj >= 0 ? obj_name(r, t->pend.obj) : "", "");
    if (t->pend.line > 0) {
      sb_putc(L, ' ');
      run_format_at(r, t->pend.site, t->pend.line, L);
    }
    sb_puts(L, "  [blocked: never proceeds]\n");
  }
  sb_free(&v);
}

/* ---- setup ----------------------------------------------------------- */

static void build_params(Explore *x) {
  const ExploreOptions *o = x->o;
  for (int i = 0; i < o->nparams; i++) {
    sb_printf(&x->params_text, "%s=%s\n", o->params[i].name, o->params[i].value);
    char kv[512];
    snprintf(kv, sizeof kv, "%s=%s", o->params[i].name, o->params[i].value);
    sb_puts(&x->params_cli, " -D ");
    sb_shell_word(&x->params_cli, kv);
    sb_printf(&x->params_db, "%s%s", i ? " " : "", kv);
  }
}

/* Parameters recorded in a token, for a replay given none on the line. */
static int params_from_token(const char *text, Param **out) {
  int n = 0;
  *out = NULL;
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    if (eq) {
      *out = util_xrealloc(*out, sizeof(Param) * (size_t)(n + 1));
      Param *q = &(*out)[n++];
      q->name = util_xmalloc((size_t)(eq - p) + 1);
      memcpy(q->name, p, (size_t)(eq - p));
      q->name[eq - p] = '\0';
      q->value = util_xmalloc(len - (size_t)(eq - p));
      memcpy(q->value, eq + 1, len - (size_t)(eq - p) - 1);
      q->value[len - (size_t)(eq - p) - 1] = '\0';
      q->used = 0;
    }
    p = nl ? nl + 1 : NULL;
  }
  return n;
}

/* PCT needs k, the length of a run: measure it with a few random runs. */
static uint32_t measure_steps(Explore *x) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.base_seed = x->base_seed ^ 0x63616c6962ULL;
  Strategy *rs = strategy_create("random", &c);
  sched_set_strategy(x->sim, rs);
  sched_set_detectors(x->sim, NULL);
  uint32_t k = 1;
  for (uint64_t i = 0; i < 10; i++) {
    uint64_t seed;
    rs->ops->begin_run(rs, i, &seed);
    sched_run(x->sim, i, seed);
    rs->ops->end_run(rs, sched_result(x->sim));
    if (sched_result(x->sim)->steps > k) k = sched_result(x->sim)->steps;
  }
  strategy_destroy(rs);
  sched_set_detectors(x->sim, &x->dets);
  return k;
}

static int setup(Explore *x) {
  const ExploreOptions *o = x->o;
  ExploreOptions *mo = (ExploreOptions *)o; /* params may come from a token */
  build_params(x);
  SimConfig cfg = {0};
  cfg.script = o->script;
  cfg.max_steps = o->max_steps;
  cfg.max_instructions = o->max_instructions;
  cfg.max_memory = o->max_memory;
  cfg.echo_print = o->echo;
  cfg.params = o->params;
  cfg.nparams = o->nparams;
  if (o->schedule) {
    if (token_decode(o->schedule, &x->token, x->err, sizeof x->err) != 0) return -1;
    x->has_token = 1;
    if (!o->nparams && x->token.params && *x->token.params) {
      free(mo->params); /* the parser's empty array */
      mo->nparams = params_from_token(x->token.params, &mo->params);
      cfg.params = o->params;
      cfg.nparams = o->nparams;
      sb_reset(&x->params_text);
      sb_reset(&x->params_cli);
      sb_reset(&x->params_db);
      build_params(x);
    } else if (strcmp(x->token.params ? x->token.params : "", x->params_text.s ? x->params_text.s : "") != 0) {
      snprintf(x->err, sizeof x->err,
               "the schedule token was recorded with other parameters (-D): give "
               "the same ones, or none to use the token's");
      return -1;
    }
    if (!o->max_steps) cfg.max_steps = x->token.max_steps;
  }
  x->cfg = cfg;
  x->sim = sched_open(&cfg, x->err, sizeof x->err);
  if (!x->sim) return -1;
  sched_set_cut(x->sim, &g_signal, explore_deadline(x));
  size_t srclen;
  const char *src = sched_source(x->sim, &srclen);
  token_script_digest(src, srclen, x->digest);
  if (x->has_token && memcmp(x->digest, x->token.script, 4) != 0) {
    snprintf(x->err, sizeof x->err,
             "the schedule token was recorded for another script (or another "
             "version of '%s'): it cannot be replayed here",
             o->script);
    return -1;
  }
  const char *only = o->detectors && !strcmp(o->detectors, "none") ? "" : o->detectors;
  if (detect_open(&x->dets, only, x->err, sizeof x->err) != 0) return -1;
  if (o->detectors && !strcmp(o->detectors, "none")) detect_close(&x->dets);
  if (detect_find(&x->dets, "potential_deadlock")) x->lg = lockgraph_new();
  sched_set_detectors(x->sim, &x->dets);

  StrategyConfig c;
  strategy_config_init(&c);
  x->base_seed = o->has_seed ? o->seed : o->nshards > 1 ? shard_seed(x) : random_seed();
  c.base_seed = x->base_seed;
  c.pct_depth = o->depth;
  c.preemption_bound = o->preemption_bound;
  c.por = o->por;
  c.shard = o->shard;
  c.nshards = o->nshards;
  const char *sname = o->strategy;
  if (x->has_token) {
    sname = "replay";
    c.replay = x->token.dec;
    c.nreplay = x->token.ndec;
    c.replay_seed = x->token.seed;
  } else if (strcmp(o->command, "replay") == 0) {
    c.has_fixed_seed = 1;
    c.fixed_seed = o->seed;
  }
  if (strcmp(sname, "dfs") == 0) c.max_runs = o->runs;
  if (strcmp(sname, "pct") == 0) c.pct_steps = o->pct_steps ? o->pct_steps : measure_steps(x);
  x->strat = strategy_create(sname, &c);
  if (!x->strat) {
    snprintf(x->err, sizeof x->err, "unknown strategy '%s' (random, pct or dfs)", sname);
    return -1;
  }
  sched_set_strategy(x->sim, x->strat);
  /* --jobs: one worker per core by default; one for a replay, and for dfs
     with --stop-first (which finding comes first must not depend on
     timing) */
  x->jobs = o->jobs > 0 ? o->jobs : util_cores();
  if (!strcmp(o->command, "replay") || x->has_token ||
      (o->stop_first && !strcmp(sname, "dfs")))
    x->jobs = 1;
  return 0;
}

static int open_trace(Explore *x) {
  const ExploreOptions *o = x->o;
  if (!o->db) return 0;
  x->trace = trace_open(o->db, x->err, sizeof x->err);
  if (!x->trace) return -1;
  char seed[24];
  snprintf(seed, sizeof seed, "0x%llx", (unsigned long long)x->base_seed);
  StrBuf opts;
  sb_init(&opts);
  sb_printf(&opts, "{\"runs\": %llu, \"max_steps\": %u, \"depth\": %d, \"pct_steps\": %u, "
                   "\"preemption_bound\": %d, \"record\": %d, \"jobs\": %d, \"shard\": \"%u/%u\"}",
            (unsigned long long)o->runs, o->max_steps ? o->max_steps : SIM_DEFAULT_MAX_STEPS,
            o->depth, x->strat->cfg.pct_steps, o->preemption_bound, o->record, x->jobs,
            o->shard + 1, o->nshards);
  char shard[32];
  snprintf(shard, sizeof shard, "%u/%u", o->shard + 1, o->nshards);
  TraceExploration te = {o->script, sched_sha256(x->sim), x->strat->ops->name,
                         x->params_db.s ? x->params_db.s : "", seed, "threads", opts.s,
                         shard, x->jobs};
  x->expl_id = trace_begin(x->trace, &te);
  sb_free(&opts);
  if (x->expl_id < 0) {
    snprintf(x->err, sizeof x->err, "cannot write the trace database '%s': %s", o->db,
             trace_error(x->trace));
    return -1;
  }
  x->cov = coverage_new();
  return 0;
}

/* ---- the loop -------------------------------------------------------- */

/*
** Does run 'r' show a bug, for --stop-first?  A data race in a run whose
** result was right is not one yet: it may be evidence of a lost update that
** another run shows, and it is one only when nothing else is looked for.
*/
static int shows_bug(const Explore *x, const SimRun *r) {
  for (uint32_t i = 0; i < r->nfindings; i++)
    if (r->findings[i].kind != FIND_DATA_RACE) return 1;
  return r->nfindings && !detect_find(&x->dets, "lost_update");
}

/*
** What a run means for the exploration: merge it and record it.  'err' is
** the message of a divergence or of a scenario broken before any thread.
** Returns 0 to go on, 1 to stop (--stop-first), -1 on an error.
*/
int explore_handle_run(Explore *x, SimRun *r, const char *err, uint64_t budget) {
  const ExploreOptions *o = x->o;
  int replay = strcmp(o->command, "replay") == 0;
  if (!x->have_first && r->end != END_PRUNED && r->end != END_DIVERGED && r->end != END_CUT) {
    x->have_first = 1;
    x->mode = r->mode;
    if (r->expect != UINT32_MAX) snprintf(x->expect, sizeof x->expect, "%s", run_str(r, r->expect));
  }
  if (r->end == END_CUT) { /* a signal or the time limit, mid-run */
    if (!x->cut_run) x->cut_run = r->index + 1;
    if (!x->expect[0] && r->expect != UINT32_MAX) /* (check: what the scenario expects) */
      snprintf(x->expect, sizeof x->expect, "%s", run_str(r, r->expect));
    explore_should_stop(x);
    return 1;
  }
  if (r->end == END_DIVERGED || (replay && err[0] && r->end != END_SETUP)) {
    snprintf(x->err, sizeof x->err, "%s", err);
    return -1;
  }
  if (r->end == END_SETUP) {
    snprintf(x->err, sizeof x->err, "the scenario failed before spawning any thread: %s", err);
    return -1;
  }
  if (r->end == END_PRUNED) return 0;
  if (r->end == END_STEP_LIMIT || r->end == END_ABORT) x->truncated = 1;
  x->runs++;
  x->steps += r->steps;
  if (x->lg) lockgraph_add_run(x->lg, r);
  if (x->cov) coverage_add_run(x->cov, r);
  if (replay) describe_run(x, r);
  if (process_run(x, r) != 0) return -1;
  explore_progress(x, budget, 0);
  return o->stop_first && shows_bug(x, r) ? 1 : 0;
}

/* When --time-limit runs out (util_now seconds), or 0. */
double explore_deadline(const Explore *x) {
  return x->o->time_limit > 0 ? x->t0 + x->o->time_limit : 0;
}

/* Should the exploration stop before the next run? */
int explore_should_stop(Explore *x) {
  if (g_signal) {
    x->interrupted = 1;
    return 1;
  }
  if (x->o->time_limit > 0 && util_now() - x->t0 > x->o->time_limit) x->timed_out = 1;
  return x->timed_out;
}

/* One run, on the main thread's engine: 0 go on, 1 stop. */
static int run_here(Explore *x, uint64_t i, uint64_t budget) {
  uint64_t seed;
  if (x->strat->ops->begin_run(x->strat, i, &seed)) return 1;
  sched_run(x->sim, i, seed);
  SimRun *r = sched_result(x->sim);
  x->strat->ops->end_run(x->strat, r);
  const char *err = x->strat->err[0] ? x->strat->err : sched_error(x->sim);
  int st = explore_handle_run(x, r, err, budget);
  if (st < 0) x->status = 2;
  return st != 0;
}

/* random, pct and replay on this thread: runs shard, shard + N, ... */
static void explore_loop(Explore *x) {
  const ExploreOptions *o = x->o;
  uint64_t budget = strcmp(o->command, "replay") == 0 ? 1 : o->runs;
  for (uint64_t i = o->shard; i < budget; i += o->nshards) {
    if (explore_should_stop(x) || run_here(x, i, budget)) break;
  }
  x->complete = x->strat->complete;
}

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
    int stop = x->stop || g_signal;
    int at = (w->head + w->count) % RING; /* a free slot: only this thread fills it */
    pthread_mutex_unlock(&w->mu);
    if (stop) break;
    uint64_t seed;
    if (w->strat->ops->begin_run(w->strat, i, &seed)) break;
    double t0 = util_now();
    sched_run(w->sim, i, seed);
    SimRun *r = sched_result(w->sim);
    w->strat->ops->end_run(w->strat, r);
    Slot *slot = &w->ring[at];
    run_copy(&slot->run, r);
    snprintf(slot->err, sizeof slot->err, "%s",
             w->strat->err[0] ? w->strat->err : sched_error(w->sim));
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
  w->sim = sched_open(&cfg, w->err, sizeof w->err);
  if (!w->sim) return -1;
  sched_set_cut(w->sim, &g_signal, explore_deadline(x));
  const char *only = x->o->detectors && !strcmp(x->o->detectors, "none") ? "" : x->o->detectors;
  if (detect_open(&w->dets, only, w->err, sizeof w->err) != 0) return -1;
  if (x->o->detectors && !strcmp(x->o->detectors, "none")) detect_close(&w->dets);
  sched_set_detectors(w->sim, &w->dets);
  w->strat = strategy_create(x->strat->ops->name, &x->strat->cfg);
  sched_set_strategy(w->sim, w->strat);
  return 0;
}

void explore_worker_close(Worker *w) {
  strategy_destroy(w->strat);
  sched_close(w->sim);
  detect_close(&w->dets);
  for (int k = 0; k < RING; k++) run_free(&w->ring[k].run);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
}

/*
** The main thread makes every jobs-th run itself and takes the others from
** the workers' rings, all in index order.
*/
static void parallel_loop(Explore *x, int jobs) {
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
      if (run_here(x, i, x->o->runs)) break;
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

/* A Graphviz quoted string. */
static void dot_id(StrBuf *b, const char *s) {
  sb_putc(b, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') sb_putc(b, '\\');
    sb_putc(b, *s);
  }
  sb_putc(b, '"');
}

/* The lock-order graph: into the database, and as Graphviz for --lock-graph. */
static void lock_graph(Explore *x) {
  if (!x->lg) return;
  FILE *dot = NULL;
  if (x->o->lock_graph) {
    dot = fopen(x->o->lock_graph, "w");
    if (!dot) {
      fprintf(stderr, "racesim: cannot write %s: %s\n", x->o->lock_graph, strerror(errno));
    } else {
      fprintf(dot, "// lock-order graph of %s: A -> B when a thread took B while holding A\n",
              x->o->script);
      fprintf(dot, "digraph lock_order {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
    }
  }
  const char *from, *to, *thread;
  int32_t line, from_line;
  uint64_t first, count;
  size_t n = lockgraph_edge(x->lg, 0, &from, &to, &thread, &line, &from_line, &first, &count);
  for (size_t i = 0; i < n; i++) {
    lockgraph_edge(x->lg, i, &from, &to, &thread, &line, &from_line, &first, &count);
    if (x->trace)
      trace_lock_edge(x->trace, x->expl_id, from, to, thread, line, from_line, first, count);
    if (dot) {
      StrBuf b;
      sb_init(&b);
      sb_puts(&b, "  ");
      dot_id(&b, from);
      sb_puts(&b, " -> ");
      dot_id(&b, to);
      sb_puts(&b, " [label=");
      StrBuf l;
      sb_init(&l);
      sb_printf(&l, "%s: %s:%d", thread, util_basename(x->o->script), (int)line);
      dot_id(&b, l.s);
      sb_free(&l);
      sb_puts(&b, "];\n");
      fputs(b.s, dot);
      sb_free(&b);
    }
  }
  if (dot) {
    fprintf(dot, "}\n");
    fclose(dot);
  }
}

static void finish_trace(Explore *x) {
  if (!x->trace) return;
  if (trace_bugs(x->trace, x->expl_id, &x->fs, &x->bugs) != 0)
    fprintf(stderr, "racesim: cannot record the bugs in the trace database: %s\n",
            trace_error(x->trace));
  const char *object, *kind, *item;
  uint64_t runs, first;
  size_t n = x->cov ? coverage_item(x->cov, 0, &object, &kind, &item, &runs, &first) : 0;
  for (size_t i = 0; i < n; i++) {
    coverage_item(x->cov, i, &object, &kind, &item, &runs, &first);
    trace_coverage(x->trace, x->expl_id, object, kind, item, runs, first);
  }
  const char *status = x->interrupted ? "interrupted" : x->status == 2 ? "failed" : "done";
  trace_end(x->trace, x->expl_id, x->runs, x->steps, x->complete, x->strat ? x->strat->pruned : 0,
            status, mode_name(x->mode));
  trace_close(x->trace);
  x->trace = NULL;
  x->recorded = 1;
}

static void explore_free(Explore *x) {
  if (x->trace) trace_close(x->trace);
  strategy_destroy(x->strat);
  sched_close(x->sim);
  detect_close(&x->dets);
  finding_free(&x->fs);
  token_free(&x->token);
  sb_free(&x->params_text);
  sb_free(&x->params_cli);
  sb_free(&x->params_db);
  sb_free(&x->listing);
  sb_free(&x->events_json);
  free(x->seen);
  free(x->causes);
  free(x->related);
  free(x->dep_writer);
  free(x->dep_objs);
  free(x->replays);
  bug_free(&x->bugs);
  profiles_free(&x->profiles);
  lockgraph_free(x->lg);
  coverage_free(x->cov);
}

static int run_exploration(Explore *x) {
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  g_signal = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  x->t0 = util_now();
  x->tty = x->print && !x->o->quiet && !x->o->json && isatty(2);
  if (setup(x) != 0 || open_trace(x) != 0) {
    x->status = 2;
  } else {
    if (x->print && !x->o->json && !x->o->quiet && strcmp(x->o->command, "replay") != 0)
      printf("racesim %s: %s, strategy %s, base seed 0x%llx\n", RACESIM_VERSION,
             x->o->script, x->strat->ops->name, (unsigned long long)x->base_seed);
    if (!strcmp(x->strat->ops->name, "dfs")) explore_dfs(x, x->jobs);
    else if (x->jobs > 1) parallel_loop(x, x->jobs);
    else explore_loop(x);
    explore_progress(x, 0, 1);
    /* commit the runs now: what follows (cycles, confirmation, shrinking)
       can take seconds, and must not hold the database from other writers */
    if (x->trace) trace_flush(x->trace, 1);
    if (x->cov && !x->dfs_subtrees) coverage_finish(x->cov, NULL, NULL);
    sched_set_cut(x->sim, &g_signal, 0); /* what follows keeps its own budgets */
    if (!x->interrupted && x->status != 2) report_cycles(x);
    lock_graph(x);
    bug_group(&x->fs, strcmp(x->o->command, "replay") ? x->runs : 0, &x->bugs);
    for (size_t k = 0; k < x->bugs.n; k++)
      x->bugs.v[k].runs = bug_runs(&x->fs, &x->bugs.v[k], &x->profiles);
    if (!x->interrupted) confirm(x);
    if (!x->interrupted) shrink(x);
    if (g_signal) x->interrupted = 1; /* during the searches after the exploration */
    for (int i = 0; x->runs && i < x->o->nparams; i++) {
      const char *name = sched_unused_param(x->sim, i);
      if (name)
        fprintf(stderr, "racesim: warning: -D %s: the scenario never called param(\"%s\")\n",
                name, name);
    }
    if (x->status != 2) x->status = x->fs.n ? 1 : 0;
    if (x->interrupted) x->status = g_signal == SIGTERM ? 143 : 130;
  }
  finish_trace(x);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  return x->status;
}

int explore_main(const ExploreOptions *o) {
  Explore x;
  memset(&x, 0, sizeof x);
  x.o = o;
  x.print = 1;
  int st = run_exploration(&x);
  if (x.err[0] && st == 2 && !x.strat) {
    fprintf(stderr, "racesim: error: %s\n", x.err);
  } else {
    if (x.err[0]) fprintf(stderr, "racesim: error: %s\n", x.err);
    if (x.strat && (x.runs || st != 2)) {
      if (o->json) print_json(&x);
      else {
        if (strcmp(o->command, "replay") == 0 && x.listing.len && !o->quiet)
          fputs(x.listing.s, stdout);
        print_human(&x);
      }
    }
  }
  fflush(stdout);
  explore_free(&x);
  return st;
}

int explore_collect(const ExploreOptions *o, ExploreResult *res) {
  Explore x;
  memset(&x, 0, sizeof x);
  x.o = o;
  int st = run_exploration(&x);
  memset(res, 0, sizeof *res);
  res->runs = x.runs;
  res->steps = x.steps;
  res->pruned = x.strat ? x.strat->pruned : 0;
  res->complete = x.complete;
  res->interrupted = x.interrupted;
  res->status = st;
  snprintf(res->expect, sizeof res->expect, "%s", x.expect);
  snprintf(res->mode, sizeof res->mode, "%s", mode_name(x.mode));
  snprintf(res->err, sizeof res->err, "%s", x.err);
  res->findings = x.fs;
  finding_init(&x.fs);
  explore_free(&x);
  return st;
}
