/*
** explore_search.c - the searches that follow an exploration: shrinking
** each bug's run, the potential deadlocks of the lock-order graph (each
** replayed, and confirmed by a directed search), and the graph for Graphviz.
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
  StrBuf m;
  sb_init(&m);
  for (uint32_t i = 0; i < r->nfindings; i++) {
    const RunFinding *f = &r->findings[i];
    if (f->sig == need[0] && !a->head_msg) a->head_msg = util_xstrdup(run_finding_msg(r, f, &m));
    if (f->sig == need[nneed - 1] && !a->rep_msg) {
      a->rep_msg = util_xstrdup(run_finding_msg(r, f, &m));
      Distinct tmp;
      memset(&tmp, 0, sizeof tmp);
      explore_describe_obs(&tmp, r, f);
      a->rep_conseq = tmp.conseq;
      free(tmp.where);
    }
  }
  sb_free(&m);
}

/* Does run 'r' show every signature of need[0..nneed)?  (A cut run shows nothing.) */
static int shows_all(const SimRun *r, const uint64_t *need, int nneed) {
  if (r->end == END_CUT) return 0;
  for (int k = 0; k < nneed; k++) {
    uint32_t i = 0;
    while (i < r->nfindings && r->findings[i].sig != need[k]) i++;
    if (i == r->nfindings) return 0;
  }
  return 1;
}

/* Fill 'a' from run 'r' (its schedule; its words if it shows the bug). */
static void attempt_from(Attempt *a, const SimRun *r, const uint64_t *need, int nneed) {
  memset(a, 0, sizeof *a);
  a->found = shows_all(r, need, nneed);
  if (a->found) attempt_words(a, r, need, nneed);
  a->steps = r->steps;
  a->preemptions = r->preemptions;
  a->ndec = r->ndecisions;
  a->dec = util_xmalloc(sizeof(Decision) * (r->ndecisions ? r->ndecisions : 1));
  if (r->ndecisions) memcpy(a->dec, r->decisions, sizeof(Decision) * r->ndecisions);
}

static int better(const Attempt *a, uint32_t preemptions, uint32_t steps) {
  return a->preemptions < preemptions || (a->preemptions == preemptions && a->steps < steps);
}

/* What a bug's search may still spend: runs, and a time (util_now). */
typedef struct Budget {
  uint64_t runs;
  double deadline;
  const char *out; /* what ran out: "runs", "time" (NULL: nothing yet) */
} Budget;

static int budget_left(Budget *bud) {
  if (!bud->out && bud->runs == 0) bud->out = "runs";
  if (!bud->out && explore_signal) bud->out = "interrupted";
  if (!bud->out && util_now() >= bud->deadline) bud->out = "time";
  return bud->out == NULL;
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
  SimRun *r = engine_run(x->sim, g, &x->dets, 0, d->first_run); /* (guided always has one) */
  attempt_from(a, r, need, nneed);
  const uint32_t *pre;
  a->npre = strategy_guided_preemptions(g, &pre);
  a->pre = util_xmalloc(sizeof(uint32_t) * (a->npre ? a->npre : 1));
  if (a->npre) memcpy(a->pre, pre, sizeof(uint32_t) * a->npre);
  strategy_destroy(g);
}

/*
** Guided by the run found: remove one preemption at a time (keep the
** running thread there, follow the old schedule after) and keep every
** change that still shows the bug with fewer preemptions, or as many and
** fewer steps.  'best' holds the run found (replayed) on entry.
*/
static void shrink_guided(Explore *x, const Distinct *d, const uint64_t *need, int nneed,
                          Budget *bud, Attempt *best) {
  Attempt cand;
  int improved = 1;
  while (improved && budget_left(bud)) {
    improved = 0;
    for (uint32_t k = 0; k < best->npre && budget_left(bud); k++) {
      bud->runs--;
      guided_run(x, d, need, nneed, best->dec, best->ndec, best->pre[k], &cand);
      if (cand.found && better(&cand, best->preemptions, best->steps)) {
        attempt_free(best);
        *best = cand;
        improved = 1;
        break;
      }
      attempt_free(&cand);
    }
  }
}

/* After the first schedule found within a bound: look this much further
   for one with fewer steps. */
#define FEWER_STEPS_RUNS 200

/*
** Every schedule with at most 'bound' preemptions, in depth-first order
** (plain: a reduced search covers each class within the bound with one
** run, which may make more preemptions than that), until one
** shows the bug; then a little further for fewer steps.  Returns 1 found
** (in 'best'), 0 none exists, -1 the budget ran out first.
*/
static int bounded_search(Explore *x, const Distinct *d, const uint64_t *need, int nneed,
                          int bound, Budget *bud, Attempt *best) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.base_seed = d->seed; /* math.random as in the run found */
  c.preemption_bound = bound;
  c.por = 0;
  Strategy *g = strategy_create("dfs", &c);
  int found = 0, res = -1;
  uint64_t after = 0;
  for (uint64_t i = 0; budget_left(bud); i++) {
    SimRun *r = engine_run(x->sim, g, &x->dets, i, d->first_run);
    if (!r) {
      res = found;
      break;
    }
    bud->runs--;
    if (r->end == END_CUT) { /* (a signal, or the deadline) */
      if (!bud->out) bud->out = explore_signal ? "interrupted" : "time";
      break;
    }
    if (shows_all(r, need, nneed) && (!found || r->steps < best->steps)) {
      attempt_free(best);
      attempt_from(best, r, need, nneed);
      found = 1;
    }
    if (found && ++after > FEWER_STEPS_RUNS) {
      res = 1;
      break;
    }
  }
  strategy_destroy(g);
  return found ? 1 : res;
}

/*
** The schedule with the fewest preemptions that shows the bug of 'd' (the
** signatures need[0..nneed)), then the fewest steps: every schedule with 0,
** 1, 2, ... preemptions, until one shows it (then it is minimal) or the
** budget runs out; then, from the run found, removing its preemptions one
** at a time.  Deterministic: it depends on the run found and the budget in
** runs only (and on the time only when that runs out first).
*/
static void shrink_one(Explore *x, Distinct *d, const uint64_t *need, int nneed, Budget *bud) {
  Attempt best;
  memset(&best, 0, sizeof best);
  uint32_t lower = 0;
  int found = 0;
  /* the bounded searches may spend three quarters; the rest is the guided one's */
  double now = util_now();
  Budget all = *bud;
  bud->runs = all.runs / 4 * 3;
  bud->deadline = now + (all.deadline - now) * 0.75;
  while (lower < d->preemptions && budget_left(bud)) {
    int st = bounded_search(x, d, need, nneed, (int)lower, bud, &best);
    if (st == 1) found = 1;
    if (st != 0) break;
    lower++; /* none with 'lower' preemptions */
  }
  const char *out = bud->out;
  bud->runs += all.runs - all.runs / 4 * 3;
  bud->deadline = all.deadline;
  bud->out = NULL;
  if (!found && lower < d->preemptions && budget_left(bud)) {
    attempt_free(&best);
    bud->runs--;
    guided_run(x, d, need, nneed, d->dec, d->ndec, -1, &best);
    if (best.found) shrink_guided(x, d, need, nneed, bud, &best);
    found = best.found;
  }
  d->shrink_lower = lower;
  uint32_t pre = d->preemptions;
  if (found && better(&best, d->preemptions, d->steps)) {
    pre = best.preemptions;
    d->shrunk = 1;
    d->shrunk_steps = best.steps;
    d->shrunk_preemptions = best.preemptions;
    d->shrunk_schedule = explore_token_dec(x, d->seed, engine_result(x->sim)->max_steps,
                                           best.dec, best.ndec);
    free(d->replay);
    d->replay = explore_replay_command(x, d->seed, d->shrunk_schedule, 1);
    /* the bug as the run replayed tells it (threads and steps may differ) */
    d->shrunk_head = best.head_msg, best.head_msg = NULL;
    d->shrunk_msg = best.rep_msg, best.rep_msg = NULL;
    d->shrunk_conseq = best.rep_conseq, best.rep_conseq = NULL;
  }
  d->shrink = pre <= lower ? SHRINK_MINIMAL : SHRINK_SHORTEST;
  d->shrink_why = out ? out : bud->out;
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
  const char *to[LOCKGRAPH_MAX_CYCLE], *from[LOCKGRAPH_MAX_CYCLE], *thread[LOCKGRAPH_MAX_CYCLE];
  int32_t line[LOCKGRAPH_MAX_CYCLE];
  int n = lockgraph_cycle(x->lg, sig, to, line, from, thread, LOCKGRAPH_MAX_CYCLE);
  Strategy *g = explore_replayer(how->dec, how->ndec, how->seed);
  /* the replay's only run, numbered as the original */
  SimRun *r = engine_run(x->sim, g, &x->dets, 0, run);
  if (r && (r->end == END_DIVERGED || r->end == END_CUT || g->err[0])) r = NULL;
  strategy_destroy(g);
  /* each edge: its thread's first acquisition of 'to' at its line while
     holding 'from' (a count of that thread's holds of 'from') */
  int held[LOCKGRAPH_MAX_CYCLE] = {0}, found[LOCKGRAPH_MAX_CYCLE] = {0};
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

Distinct *explore_cycle_observation(FindingStore *fs, const LockGraph *g, size_t i) {
  uint64_t sig, run;
  const LockGraphRun *how;
  const char *msg = lockgraph_cycle_info(g, i, &sig, &run, &how);
  Distinct *d = finding_add(fs, sig, FIND_POTENTIAL_DEADLOCK);
  const char *locks[FINDING_EVS];
  int32_t lines[FINDING_EVS];
  int nl = lockgraph_cycle(g, sig, locks, lines, NULL, NULL, FINDING_EVS);
  for (int k = 0; k < nl; k++) d->locks[d->nlocks++] = explore_lock_hash(locks[k]);
  d->count = 1;
  d->first_run = run;
  d->seed = how->seed;
  d->steps = how->steps;
  d->preemptions = how->preemptions;
  d->message = util_xstrdup(msg);
  return d;
}

/*
** The potential deadlocks: the cycles of the lock-order graph, each a
** finding of the run that completed it (recorded late in the database).
*/
void explore_report_cycles(Explore *x) {
  if (!x->lg) return;
  size_t n = lockgraph_cycles(x->lg, x->o->script);
  x->lg_cut = lockgraph_search_cut(x->lg, &x->lg_longest);
  for (size_t i = 0; i < n; i++) {
    uint64_t sig, run;
    const LockGraphRun *how;
    const char *msg = lockgraph_cycle_info(x->lg, i, &sig, &run, &how);
    Distinct *d = finding_get(&x->fs, sig);
    if (d) continue;
    d = explore_cycle_observation(&x->fs, x->lg, i);
    d->ndec = how->ndec;
    d->dec = util_xmalloc(sizeof(Decision) * (how->ndec ? how->ndec : 1));
    if (how->ndec) memcpy(d->dec, how->dec, sizeof(Decision) * how->ndec);
    d->schedule = explore_token_dec(x, how->seed, how->max_steps, how->dec, how->ndec);
    d->replay = explore_replay_command(x, how->seed, d->schedule, 0);
    if (x->trace) {
      int32_t evs[LOCKGRAPH_MAX_CYCLE];
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
** toward it (explore_directed_search, explore.h), and say whether it was
** reached (with a replay command).
*/
SimRun *explore_directed_search(Sim *sim, DetectorSet *dets, uint64_t base_seed,
                                const char **names, const int32_t *lines, int n,
                                uint64_t *tries) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.base_seed = base_seed;
  c.target_names = names;
  c.target_lines = lines;
  c.ntargets = n;
  Strategy *g = strategy_create("directed", &c);
  SimRun *found = NULL;
  uint64_t i;
  for (i = 0; i < EXPLORE_DIRECTED_RUNS && !found && !explore_signal; i++) {
    SimRun *r = engine_run(sim, g, dets, i, i);
    if (!r || r->end == END_CUT) break; /* (a signal, or the time ran out) */
    for (uint32_t k = 0; k < r->nfindings && !found; k++) {
      const RunFinding *f = &r->findings[k];
      if (f->kind != FIND_DEADLOCK || f->obj < 0) continue;
      for (int t = 0; t < n && !found; t++)
        if (!strcmp(obj_name(r, f->obj), names[t])) found = r;
    }
  }
  strategy_destroy(g);
  *tries = i;
  return found;
}

static void confirm_one(Explore *x, Distinct *d) {
  const char *names[LOCKGRAPH_MAX_CYCLE];
  int32_t lines[LOCKGRAPH_MAX_CYCLE];
  int n = lockgraph_cycle(x->lg, d->sig, names, lines, NULL, NULL, LOCKGRAPH_MAX_CYCLE);
  if (n == 0) return;
  uint64_t i;
  SimRun *r = explore_directed_search(x->sim, &x->dets, x->base_seed, names, lines, n, &i);
  if (r) {
    char *tok = explore_token(x, r);
    StrBuf b;
    sb_init(&b);
    char *cmd = explore_replay_command(x, 0, tok, 1);
    sb_printf(&b, "confirmed: a directed search deadlocked on it in %llu run%s: %s",
              (unsigned long long)i, i > 1 ? "s" : "", cmd);
    free(cmd);
    d->note = sb_take(&b);
    free(tok);
  } else if (i < EXPLORE_DIRECTED_RUNS) { /* cut short: a signal, --time-limit */
    d->note = util_xstrdup(explore_signal ? "not confirmed: the directed search was interrupted"
                                          : "not confirmed: --time-limit ran out before the "
                                            "directed search");
  } else {
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, "not reached in %d directed runs: the threads may never hold these locks at "
                  "the same time (something else orders them)",
              EXPLORE_DIRECTED_RUNS);
    d->note = sb_take(&b);
  }
}

/* Confirm each potential deadlock that no run of the exploration showed. */
void explore_confirm(Explore *x) {
  if (!x->lg || x->o->command != EXPLORE_RUN || x->status == 2) return;
  double limit = explore_deadline(x); /* (--time-limit covers the searches too) */
  engine_set_cut(x->sim, &explore_signal, limit);
  for (size_t k = 0; k < x->bugs.n && !explore_signal; k++) {
    Distinct *d = &x->fs.v[x->bugs.v[k].head];
    if (limit > 0 && util_now() >= limit) break;
    /* (one that happened is evidence of its deadlock, not a headline) */
    if (d->kind == FIND_POTENTIAL_DEADLOCK) {
      explore_searching(x, "confirming", k, x->bugs.n);
      confirm_one(x, d);
    }
  }
}

/*
** The fewest preemptions, then steps, that show each bug (its
** representative observation's run): --shrink-budget runs and seconds per
** bug, SHRINK_TOTAL seconds in all.
*/
#define SHRINK_TOTAL 60.0

void explore_shrink(Explore *x) {
  if (x->o->no_shrink || x->o->command != EXPLORE_RUN || x->status == 2) return;
  double deadline = util_now() + SHRINK_TOTAL;
  double limit = explore_deadline(x); /* (--time-limit covers the searches too) */
  if (limit > 0 && limit < deadline) deadline = limit;
  engine_set_cut(x->sim, &explore_signal, deadline); /* a cut run shows nothing */
  for (size_t k = 0; k < x->bugs.n; k++) {
    Bug *b = &x->bugs.v[k];
    Distinct *d = &x->fs.v[b->rep];
    if (d->kind == FIND_POTENTIAL_DEADLOCK) continue; /* a graph's cycle, not a run's */
    d->shrink = SHRINK_NOT;
    if (d->kind == FIND_STEP_LIMIT) {
      d->shrink_why = "each attempt would run to --max-steps";
      continue;
    }
    if (explore_signal || util_now() >= deadline) {
      d->shrink_why = explore_signal           ? "interrupted"
                      : deadline == limit      ? "--time-limit ran out"
                                               : "the time for shrinking ran out";
      continue;
    }
    explore_searching(x, "shrinking", k, x->bugs.n);
    uint64_t need[2];
    int nneed = bug_required(&x->fs, b, need);
    double until = util_now() + x->o->shrink_seconds;
    Budget bud = {x->o->shrink_runs, until < deadline ? until : deadline, NULL};
    shrink_one(x, d, need, nneed, &bud);
    if (d->shrunk) bug_compose(&x->fs, b); /* in the words of the run replayed */
  }
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

/*
** Edge i as lock_edges.graph keeps it: what a merge needs to search it with
** other shards' edges (lockgraph.h, LockGraphEdge), and a schedule token of
** its first run (without a step trail: no replay is needed to make it).
*/
static char *edge_graph(Explore *x, size_t i) {
  LockGraphEdge e;
  lockgraph_edge_full(x->lg, i, &e);
  StrBuf b;
  sb_init(&b);
  sb_printf(&b, "{\"from\": \"%016llx\", \"to\": \"%016llx\", \"thread\": \"%016llx\", "
                "\"held\": \"",
            (unsigned long long)e.from, (unsigned long long)e.to, (unsigned long long)e.thread);
  for (int k = 0; k < e.nheld; k++)
    sb_printf(&b, "%s%016llx", k ? "," : "", (unsigned long long)e.held[k]);
  char *tok = token_encode(x->digest, e.run.seed, e.run.max_steps, x->params_text.s, e.run.dec,
                           e.run.ndec);
  sb_printf(&b, "\", \"ordinal\": %u, \"seed\": \"0x%llx\", \"steps\": %u, "
                "\"preemptions\": %u, \"schedule\": ",
            e.ordinal, (unsigned long long)e.run.seed, e.run.steps, e.run.preemptions);
  sb_json_str(&b, tok);
  sb_puts(&b, "}");
  free(tok);
  return sb_take(&b);
}

/* The lock-order graph: into the database, and as Graphviz for --lock-graph.
   Returns 0, or -1 (x->err says why) if the file could not be written. */
int explore_lock_graph(Explore *x) {
  if (!x->lg) return 0;
  FILE *dot = NULL;
  int rc = 0;
  if (x->o->lock_graph) {
    dot = fopen(x->o->lock_graph, "w");
    if (!dot) {
      snprintf(x->err, sizeof x->err, "--lock-graph: cannot write '%s': %s", x->o->lock_graph,
               strerror(errno));
      rc = -1;
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
    if (x->trace) {
      char *graph = edge_graph(x, i);
      trace_lock_edge(x->trace, x->expl_id, from, to, thread, line, from_line, first, count,
                      graph);
      free(graph);
    }
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
    if (ferror(dot) | (fclose(dot) != 0)) { /* (a full disk shows at the close) */
      snprintf(x->err, sizeof x->err, "--lock-graph: cannot write '%s': %s", x->o->lock_graph,
               strerror(errno));
      rc = -1;
    }
  }
  return rc;
}
