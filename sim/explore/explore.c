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

static void on_signal(int sig) { explore_signal = sig; }

void explore_options_init(ExploreOptions *o) {
  memset(o, 0, sizeof *o);
  o->command = EXPLORE_RUN;
  o->strategy = "random";
  o->runs = 1000;
  strategy_config_init(&o->strategy_cfg);
  o->db = "racesim.db";
  o->record = RECORD_FAILING;
  o->record_keep = EXPLORE_RECORD_KEEP;
  o->jobs = 0; /* one per core */
  o->nshards = 1;
  o->shrink_runs = 10000;
  o->shrink_seconds = 10;
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
  const char *parts[] = {engine_sha256(x->sim), x->params_text.s ? x->params_text.s : ""};
  for (size_t k = 0; k < 2; k++)
    for (const char *p = parts[k]; *p; p++) h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
  return h & 0xffffffffffffULL;
}

/* ---- setup ----------------------------------------------------------- */

static void build_params(Explore *x) {
  const ExploreOptions *o = x->o;
  for (int i = 0; i < o->nparams; i++) {
    StrBuf kv; /* (whole: a fixed buffer cut long values in replay lines) */
    sb_init(&kv);
    sb_printf(&kv, "%s=%s", o->params[i].name, o->params[i].value);
    sb_printf(&x->params_text, "%s\n", kv.s);
    sb_puts(&x->params_cli, " -D ");
    sb_shell_word(&x->params_cli, kv.s);
    if (i) sb_putc(&x->params_db, ' ');
    sb_shell_word(&x->params_db, kv.s); /* (a value with blanks stays one) */
    sb_free(&kv);
  }
}

/* Parameters recorded in a token, for a replay given none on the line. */
int explore_params_from_text(const char *text, Param **out) {
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
  uint32_t k = 1;
  for (uint64_t i = 0; i < 10; i++) { /* (no detectors: only the length counts) */
    const SimRun *r = engine_run(x->sim, rs, NULL, i, i);
    if (r && r->steps > k) k = r->steps;
  }
  strategy_destroy(rs);
  return k;
}

/* Can --lock-graph FILE be written?  Found out before exploring, not after
   (the file is made now, and written at the end). */
static int lock_graph_writable(Explore *x) {
  if (!x->o->lock_graph) return 0;
  FILE *f = fopen(x->o->lock_graph, "a");
  if (!f) {
    snprintf(x->err, sizeof x->err, "--lock-graph: cannot write '%s': %s", x->o->lock_graph,
             strerror(errno));
    return -1;
  }
  fclose(f);
  return 0;
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
      mo->nparams = explore_params_from_text(x->token.params, &mo->params);
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
  x->sim = engine_open(&cfg, x->err, sizeof x->err);
  if (!x->sim) return -1;
  engine_set_cut(x->sim, &explore_signal, explore_deadline(x));
  size_t srclen;
  const char *src = engine_source(x->sim, &srclen);
  token_script_digest(src, srclen, x->digest);
  if (x->has_token && memcmp(x->digest, x->token.script, 4) != 0) {
    /* an edited script: follow the schedule, checking each step if it can */
    if (x->token.trail)
      fprintf(stderr, "racesim: warning: the script differs from the one this schedule was "
                      "recorded for; following the schedule step by step\n");
    else
      fprintf(stderr, "racesim: warning: the script differs from the one this schedule was "
                      "recorded for, and this older token does not say what each step did: "
                      "following its decisions unchecked\n");
  }
  if (detect_open(&x->dets, o->detectors, x->err, sizeof x->err) != 0) return -1;
  if (detect_find(&x->dets, "potential_deadlock")) x->lg = lockgraph_new();
  
  StrategyConfig c = o->strategy_cfg;
  x->base_seed = o->has_seed ? o->seed : o->nshards > 1 ? shard_seed(x) : random_seed();
  c.base_seed = x->base_seed;
  c.shard = o->shard;
  c.nshards = o->nshards;
  const char *sname = o->strategy;
  if (x->has_token) {
    sname = "replay";
    c.replay = x->token.dec;
    c.nreplay = x->token.ndec;
    c.replay_seed = x->token.seed;
    c.trail = x->token.trail;
    c.ntrail = x->token.ntrail;
  } else if (o->command == EXPLORE_REPLAY) {
    c.has_fixed_seed = 1;
    c.fixed_seed = o->seed;
  }
  const StrategyOps *ops = strategy_find(sname);
  if (ops && (ops->flags & STRAT_TREE)) c.max_runs = o->runs;
  if (ops && (ops->flags & STRAT_RUN_LENGTH) && !c.pct_steps) c.pct_steps = measure_steps(x);
  x->strat = strategy_create(sname, &c);
  if (!x->strat) {
    snprintf(x->err, sizeof x->err, "unknown strategy '%s' (%s)", sname, strategy_user_list());
    return -1;
  }
  /* --jobs: one worker per core by default; one for a replay, and for dfs
     with --stop-first (which finding comes first must not depend on
     timing) */
  x->jobs = o->jobs > 0 ? o->jobs : util_cores();
  if (o->command == EXPLORE_REPLAY || x->has_token ||
      (o->stop_first && ops && (ops->flags & STRAT_TREE)))
    x->jobs = 1;
  return 0;
}

static int open_trace(Explore *x) {
  const ExploreOptions *o = x->o;
  const StrategyConfig *c = &x->strat->cfg;
  if (!o->db) return 0;
  x->trace = trace_open(o->db, x->err, sizeof x->err);
  if (!x->trace) return -1;
  char seed[24];
  snprintf(seed, sizeof seed, "0x%llx", (unsigned long long)x->base_seed);
  StrBuf opts;
  sb_init(&opts);
  sb_printf(&opts, "{\"runs\": %llu, \"max_steps\": %u, \"depth\": %d, \"pct_steps\": %u, "
                   "\"preemption_bound\": %d, \"record\": %d, \"jobs\": %d, \"shard\": \"%u/%u\", "
                   "\"detectors\": ",
            (unsigned long long)o->runs, o->max_steps ? o->max_steps : SIM_DEFAULT_MAX_STEPS,
            c->pct_depth, c->pct_steps, c->preemption_bound, o->record, x->jobs,
            o->shard + 1, o->nshards);
  sb_json_str(&opts, o->detectors ? o->detectors : "all"); /* (merge joins shards of one plan) */
  sb_putc(&opts, '}');
  char shard[32], record[32];
  snprintf(shard, sizeof shard, "%u/%u", o->shard + 1, o->nshards);
  if (o->record == RECORD_FAILING)
    snprintf(record, sizeof record, "failing:%llu", (unsigned long long)o->record_keep);
  else snprintf(record, sizeof record, "%s", o->record == RECORD_ALL ? "all" : "none");
  TraceExploration te = {o->script, engine_sha256(x->sim), x->strat->ops->name,
                         x->params_db.s ? x->params_db.s : "", seed, "threads", opts.s,
                         shard, x->jobs, record};
  x->expl_id = trace_begin(x->trace, &te);
  sb_free(&opts);
  if (x->expl_id < 0) {
    snprintf(x->err, sizeof x->err, "cannot write the trace database '%s': %s", o->db,
             trace_error(x->trace));
    return -1;
  }
  x->cov = coverage_new();
  engine_set_tick(x->sim, explore_tick, x);
  return 0;
}

/* random, pct and replay on this thread: runs shard, shard + N, ... */
static void explore_loop(Explore *x) {
  const ExploreOptions *o = x->o;
  uint64_t budget = o->command == EXPLORE_REPLAY ? 1 : o->runs;
  for (uint64_t i = o->shard; i < budget; i += o->nshards) {
    if (explore_should_stop(x) || explore_run_here(x, i, budget)) break;
  }
  x->complete = x->strat->complete;
}

/*
** The bugs, the coverage and the exploration's last row.  After a write
** failure the file keeps the runs committed before it, its row says so
** ('failed', with those runs), and the bugs of runs it does not have are
** not written: the message says what it keeps.
*/
static void finish_trace(Explore *x) {
  if (!x->trace) return;
  if (x->expl_id <= 0) { /* (open_trace failed: x->err says why) */
    trace_close(x->trace);
    x->trace = NULL;
    return;
  }
  if (!trace_broken(x->trace)) trace_bugs(x->trace, x->expl_id, &x->fs, &x->bugs);
  const char *object, *kind, *item;
  uint64_t runs, first;
  size_t n = x->cov ? coverage_item(x->cov, 0, &object, &kind, &item, &runs, &first) : 0;
  for (size_t i = 0; i < n; i++) {
    coverage_item(x->cov, i, &object, &kind, &item, &runs, &first);
    trace_coverage(x->trace, x->expl_id, object, kind, item, runs, first);
  }
  const char *status = x->interrupted ? "interrupted" : x->status == 2 ? "failed" : "done";
  trace_end(x->trace, x->expl_id, x->runs, x->steps, x->complete, x->strat ? x->strat->pruned : 0,
            status, explore_mode_name(x->mode));
  if (trace_broken(x->trace)) {
    x->db_failed = 1;
    x->db_kept = trace_kept(x->trace);
    snprintf(x->err, sizeof x->err,
             "cannot write the trace database '%s': %s; it keeps the first %llu of the %llu "
             "runs of exploration %lld%s",
             x->o->db, trace_error(x->trace), (unsigned long long)x->db_kept,
             (unsigned long long)x->runs, (long long)x->expl_id,
             x->db_kept < x->runs ? ", without its bugs" : "");
    if (!x->interrupted) x->status = 2;
  }
  trace_close(x->trace);
  x->trace = NULL;
  x->recorded = 1;
}

static void explore_free(Explore *x) {
  if (x->trace) trace_close(x->trace);
  strategy_destroy(x->strat);
  engine_close(x->sim);
  detect_close(&x->dets);
  finding_free(&x->fs);
  token_free(&x->token);
  token_coder_free(x->coder);
  sb_free(&x->params_text);
  sb_free(&x->params_cli);
  sb_free(&x->params_db);
  sb_free(&x->listing);
  sb_free(&x->scratch);
  sb_free(&x->events_json);
  free(x->seen);
  free(x->causes);
  free(x->related);
  free(x->dep_writer);
  free(x->dep_objs);
  free(x->dep_from);
  free(x->replays);
  if (x->site_keep) run_free(x->site_keep);
  free(x->site_keep);
  u64map_free(&x->kept);
  bug_free(&x->bugs);
  warnings_free(&x->warnings);
  profiles_free(&x->profiles);
  lockgraph_free(x->lg);
  coverage_free(x->cov);
}

static int run_exploration(Explore *x) {
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  explore_signal = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  x->t0 = util_now();
  x->tty = x->print && !x->o->quiet && !x->o->json && isatty(2);
  if (setup(x) != 0 || open_trace(x) != 0 || lock_graph_writable(x) != 0) {
    x->status = 2;
  } else {
    if (x->print && !x->o->json && !x->o->quiet && x->o->command != EXPLORE_REPLAY)
      printf("racesim %s: %s, strategy %s, base seed 0x%llx\n", RACESIM_VERSION,
             x->o->script, x->strat->ops->name, (unsigned long long)x->base_seed);
    /* a run with all its events recorded needs every call path anyway */
    x->lazy_sites = x->o->record != RECORD_ALL && x->o->command != EXPLORE_REPLAY;
    engine_set_op_sites(x->sim, !x->lazy_sites);
    if (x->strat->ops->flags & STRAT_TREE) explore_dfs(x, x->jobs);
    else if (x->jobs > 1) explore_parallel(x, x->jobs);
    else explore_loop(x);
    x->lazy_sites = 0; /* (the searches below replay runs to tell them) */
    engine_set_op_sites(x->sim, 1);
    explore_progress(x, 0, 1);
    x->t_explored = util_now();
    if (x->warnings.n) x->complete = 0; /* interleavings of what it cannot see were not told apart */
    /* commit the runs now: what follows (cycles, confirmation, shrinking)
       can take seconds, and must not hold the database from other writers */
    if (x->trace) trace_flush(x->trace, 1);
    if (x->cov && !x->dfs_subtrees) coverage_finish(x->cov, NULL, NULL);
    engine_set_cut(x->sim, &explore_signal, 0); /* what follows keeps its own budgets */
    if (!x->interrupted && x->status != 2) explore_report_cycles(x);
    int dot_failed = explore_lock_graph(x) != 0;
    bug_group(&x->fs, x->o->command != EXPLORE_REPLAY ? x->runs : 0, &x->bugs);
    for (size_t k = 0; k < x->bugs.n; k++)
      x->bugs.v[k].runs = bug_runs(&x->fs, &x->bugs.v[k], &x->profiles);
    if (!x->interrupted) explore_confirm(x);
    if (!x->interrupted) explore_shrink(x);
    if (explore_signal && !x->interrupted) /* during the searches after the exploration */
      x->interrupted = x->searches_interrupted = 1;
    if (x->tty) fputs("\r\033[K", stderr); /* (explore_searching's line) */
    for (int i = 0; x->runs && i < x->o->nparams; i++) {
      const char *name = engine_unused_param(x->sim, i);
      if (name)
        fprintf(stderr, "racesim: warning: -D %s: the scenario never called param(\"%s\")\n",
                name, name);
    }
    if (x->status != 2) x->status = x->fs.n ? 1 : 0;
    if (dot_failed) x->status = 2; /* (x->err says why; the runs are kept) */
    if (x->o->strict && x->warnings.n && x->status != 2) {
      snprintf(x->err, sizeof x->err,
               explore_hidden_state(x)
                   ? "--strict: the threads share state racesim cannot see (%zu warning%s)"
                   : "--strict: dfs did not try every value math.random could draw (%zu "
                     "warning%s)",
               x->warnings.n, util_plural(x->warnings.n));
      x->status = 2;
    }
    if (x->interrupted) x->status = explore_signal == SIGTERM ? 143 : 130;
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
  if (x.err[0]) { /* (it may quote the scenario's names) */
    fputs("racesim: error: ", stderr);
    util_fputs_visible(x.err, stderr);
    fputc('\n', stderr);
  }
  if (!(x.err[0] && st == 2 && !x.strat)) {
    if (x.strat && (x.runs || st != 2)) {
      if (o->json) explore_print_json(&x);
      else {
        if (o->command == EXPLORE_REPLAY && x.listing.len && !o->quiet)
          util_fputs_visible(x.listing.s, stdout);
        explore_print_human(&x);
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
  snprintf(res->mode, sizeof res->mode, "%s", explore_mode_name(x.mode));
  snprintf(res->err, sizeof res->err, "%s", x.err);
  res->findings = x.fs;
  finding_init(&x.fs);
  res->warnings = x.warnings;
  memset(&x.warnings, 0, sizeof x.warnings);
  explore_free(&x);
  return st;
}
