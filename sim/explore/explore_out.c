/*
** explore_out.c - what an exploration prints: the progress line, the
** summary of its bugs, the --json object, and a replay's step-by-step
** listing.
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

_Static_assert(LOCKGRAPH_MAX_CYCLE == 32, "the summary's warning says 32");
#include "token.h"
#include "trace.h"
#include "util.h"

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
  if (x->strat && (x->strat->ops->flags & STRAT_TREE))
    fprintf(stderr, "\r\033[K  %llu runs  %.0f runs/s  %zu observation%s  ~%.1f%% explored (%u subtrees)",
            (unsigned long long)x->runs, rate, x->fs.n, x->fs.n == 1 ? "" : "s",
            100.0 * x->dfs_frac, x->dfs_subtrees);
  else
    fprintf(stderr, "\r\033[K  %llu/%llu runs  %.0f runs/s  %zu observation%s",
            (unsigned long long)x->runs, (unsigned long long)budget, rate, x->fs.n,
            x->fs.n == 1 ? "" : "s");
  fflush(stderr);
}

void explore_searching(Explore *x, const char *what, size_t k, size_t n) {
  if (!x->tty) return;
  fprintf(stderr, "\r\033[K  %s: bug %zu of %zu (%llu runs explored; Ctrl-C stops it)", what,
          k + 1, n, (unsigned long long)x->runs);
  fflush(stderr);
}

const char *explore_mode_name(uint8_t m) { return m == MODE_ASYNC ? "async" : "threads"; }

int explore_hidden_state(const Explore *x) {
  for (size_t i = 0; i < x->warnings.n; i++)
    if (x->warnings.v[i].kind != WARN_RANDOM) return 1;
  return 0;
}

/*
** With the reduction, a preemption bound is where dfs stops branching, not
** a wall: a class of schedules with one order inside the bound is run in
** whichever order the search reaches, so a bug can be shown by a run past
** it.  Say so where one is (--no-por keeps to the bound).
*/
static void beyond_bound(const Explore *x) {
  const StrategyConfig *c = &x->strat->cfg;
  if (!(x->strat->ops->flags & STRAT_TREE) || c->preemption_bound < 0 || !c->por) return;
  size_t first = SIZE_MAX;
  uint32_t most = 0;
  for (size_t i = 0; i < x->bugs.n; i++) {
    const Distinct *d = &x->fs.v[x->bugs.v[i].rep];
    uint32_t p = d->shrunk && d->shrunk_preemptions < d->preemptions ? d->shrunk_preemptions
                                                                     : d->preemptions;
    if (p > (uint32_t)c->preemption_bound && p > most) most = p, first = i;
  }
  if (first == SIZE_MAX) return;
  printf("note: the reduction also ran schedules past the bound: bug [%zu] was found with %u "
         "preemption%s (--no-por keeps to --preemption-bound %d exactly)\n",
         first + 1, most, util_plural(most), c->preemption_bound);
}

/* What the strategy says of the exploration (its bound, its scope):
   'line' and 'json' initialised here, freed by the caller. */
static void strategy_report(const Explore *x, StrBuf *line, StrBuf *json, const char **scope) {
  sb_init(line);
  sb_init(json);
  StrategyReport rep = {x->runs, (int)x->max_threads, x->max_steps, x->gave_way, line, json, ""};
  if (x->strat->ops->report) x->strat->ops->report(x->strat, &rep);
  if (scope) *scope = rep.scope;
}

static const char *const kind_noun[FIND__COUNT] = {
    [FIND_LOST_UPDATE] = "lost update", [FIND_DATA_RACE] = "data race",
    [FIND_DEADLOCK] = "deadlock",       [FIND_POTENTIAL_DEADLOCK] = "lock-order cycle",
    [FIND_STUCK] = "stuck state",       [FIND_BARRIER_BROKEN] = "barrier break",
    [FIND_ASSERTION] = "failed check",  [FIND_ERROR] = "error",
    [FIND_STEP_LIMIT] = "step limit"};

/* "assertion in 317 runs, data_race in 1000 runs (2 signatures)": what a
   bug folds in besides its headline (the runs that showed any of a kind). */
/* The types of the errors among the observations j.. of bug b, each once
   (" (BrokenBarrierError, Empty)"), from "<Type> escaped ..."; "error" for
   a plain Lua error ("error in ..."). */
static void error_types(const Explore *x, const Bug *b, size_t j, StrBuf *out) {
  const char *type[4];
  size_t len[4];
  int n = 0;
  for (size_t m = j; m < b->nobs && n < 4; m++) {
    const Distinct *d = &x->fs.v[b->obs[m]];
    if (d->kind != FIND_ERROR || !d->message) continue;
    const char *t = d->message, *sp = strstr(t, " escaped ");
    size_t l = sp ? (size_t)(sp - t) : 0;
    if (!l || l > 64 || memchr(t, ' ', l)) t = "error", l = 5;
    int have = 0;
    for (int i = 0; i < n && !have; i++) have = len[i] == l && !memcmp(type[i], t, l);
    if (have) continue;
    sb_puts(out, n ? ", " : " (");
    sb_putn(out, t, l);
    type[n] = t, len[n++] = l;
  }
  if (n) sb_putc(out, ')');
}

static void evidence_line(const Explore *x, const Bug *b, StrBuf *out) {
  uint8_t done[FIND__COUNT] = {0};
  int k = 0;
  for (size_t j = 1; j < b->nobs; j++) {
    int kind = x->fs.v[b->obs[j]].kind;
    if (done[kind]) continue;
    done[kind] = 1;
    uint64_t n = 0, runs = bug_runs_of(&x->fs, b, kind, &x->profiles); /* any of them */
    for (size_t m = j; m < b->nobs; m++) n += x->fs.v[b->obs[m]].kind == kind;
    if (kind == b->kind) { /* the headline's own kind: counted in the bug's runs too */
      Bug others = *b; /* (the runs that showed one of the others) */
      others.obs = b->obs + 1, others.nobs = b->nobs - 1;
      runs = bug_runs_of(&x->fs, &others, kind, &x->profiles);
      sb_printf(out, "%s%llu other %s%s", k++ ? ", " : "", (unsigned long long)n,
                kind_noun[kind], util_plural(n));
      if (kind == FIND_ERROR) error_types(x, b, j, out);
      sb_printf(out, " in %llu run%s", (unsigned long long)runs, util_plural(runs));
    }
    else if (kind == FIND_POTENTIAL_DEADLOCK) /* one per exploration: no run count */
      sb_printf(out, "%s%s (its lock-order cycle)", k++ ? ", " : "", finding_kind_names[kind]);
    else
      sb_printf(out, "%s%s in %llu run%s", k++ ? ", " : "", finding_kind_names[kind],
                (unsigned long long)runs, util_plural(runs));
    if (n > 1 && kind != b->kind) sb_printf(out, " (%llu signatures)", (unsigned long long)n);
  }
}

/* 'label', then 'text' with its control characters made visible (names in
   it are the scenario's: a terminal must not act on them), then a newline. */
static void print_line(const char *label, const char *text) {
  fputs(label, stdout);
  util_fputs_visible(text, stdout);
  putchar('\n');
}

/*
** Print a line that holds a racesim replay command, as the user can paste
** it here: with the program as it was invoked ("build/racesim replay ...")
** when that is a path, not the command on PATH.
*/
static void print_command(const Explore *x, const char *label, const char *text) {
  const char *prog = x->o->prog, *cmd = strstr(text, "racesim replay ");
  StrBuf b;
  sb_init(&b);
  if (prog && strcmp(prog, "racesim") != 0 && cmd) {
    sb_printf(&b, "%.*s", (int)(cmd - text), text);
    sb_shell_word(&b, prog);
    sb_puts(&b, cmd + 7);
  } else {
    sb_puts(&b, text);
  }
  print_line(label, b.s);
  sb_free(&b);
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
           i + 1, finding_kind_names[b->kind], (unsigned long long)x->runs, util_plural(x->runs),
           first, d->steps, util_plural(d->steps), d->preemptions, util_plural(d->preemptions));
  else
    printf("\n[%zu] %s: in %llu of %llu run%s (first: run %s, %u step%s, %u preemption%s)\n",
           i + 1, finding_kind_names[b->kind], (unsigned long long)b->runs,
           (unsigned long long)x->runs, util_plural(x->runs), first, d->steps, util_plural(d->steps),
           d->preemptions, util_plural(d->preemptions));
  print_line("    ", b->message);
  if (b->nobs > 1) {
    StrBuf e;
    sb_init(&e);
    evidence_line(x, b, &e);
    print_line("    also seen: ", e.s);
    sb_free(&e);
  }
  if (h->note) print_command(x, "    ", h->note); /* (it may hold a replay command) */
  StrBuf sh;
  sb_init(&sh);
  finding_shrink_line(d, &sh);
  if (sh.len) print_line("    ", sh.s);
  sb_free(&sh);
  print_command(x, "    replay: ", d->replay);
}

/* "23%", "0.17%": dfs's estimate, with two figures when it is small. */
static const char *percent(double frac, char *buf, size_t len) {
  double p = 100.0 * frac;
  snprintf(buf, len, p >= 1 || p == 0 ? "%.0f%%" : "%.2g%%", p);
  return buf;
}

/*
** How much of its tree an unfinished dfs explored, estimated from the
** branches found so far (strategy_dfs_estimate): "an estimated 16% of
** shard 1/2 (...) explored".  With the reduction, races found later add
** branches, often many (on 6 racy threads it says 75% where 1.9% was
** made; for two increments on each of 5 threads, 16% where 0.0005% was),
** and it is low at times too (16% where 22% was), which the clause says;
** plain dfs knows every branch from the start.
*/
static const char *explored(const Explore *x, const char *part, char *buf, size_t len) {
  char pc[32];
  snprintf(buf, len, "an estimated %s%s explored%s", percent(x->dfs_frac, pc, sizeof pc), part,
           x->strat->cfg.por ? ", a rough figure while races found later add branches" : "");
  return buf;
}

/*
** When dfs stopped with a small part of its tree explored, a bigger budget
** may not be the way (a preemption bound often would not be either: it
** explores a part of the same tree, most of it where threads block): say
** how many runs the whole would take, and what else would do.
*/
static void advise_small(const Explore *x) {
  if (x->dfs_frac <= 0 || x->dfs_frac >= 0.01 || x->runs == 0) return;
  printf("the whole tree would take some %.2g runs; if that is too many, make the scenario "
         "smaller (a smaller -D parameter), or search it with --strategy random or pct, which "
         "prints the probability with which it finds a bug of a given depth\n",
         (double)x->runs / x->dfs_frac);
}

void explore_print_human(Explore *x) {
  const ExploreOptions *o = x->o;
  double end = util_now(), el = (x->t_explored > 0 ? x->t_explored : end) - x->t0;
  int cut_here = x->interrupted && !x->searches_interrupted; /* (while the runs ran) */
  printf("%s %llu run%s (%llu steps) in %.2f s", cut_here ? "interrupted after" : "explored",
         (unsigned long long)x->runs, x->runs == 1 ? "" : "s", (unsigned long long)x->steps, el);
  if (el > 0 && x->runs > 1) {
    double rate = (double)x->runs / el;
    printf(rate >= 100 ? ", %.0f runs/s" : ", %.3g runs/s", rate);
  }
  printf("\n");
  if (x->t_explored > 0 && (end - x->t_explored >= 0.5 || x->searches_interrupted))
    printf("then shrinking and confirming %s %.2f s\n",
           x->searches_interrupted ? "were interrupted after" : "took", end - x->t_explored);
  if (x->cut_run)
    printf("the run in progress was cut short and dropped (%s)\n",
           x->interrupted ? "interrupted" : "--time-limit ran out");
  int tree = (x->strat->ops->flags & STRAT_TREE) != 0;
  StrBuf said, json;
  const char *scope;
  strategy_report(x, &said, &json, &scope);
  sb_free(&json);
  if (x->timed_out && !tree)
    printf("stopped: --time-limit ran out before the run budget (%llu of %llu runs)\n",
           (unsigned long long)x->runs, (unsigned long long)o->runs);
  else if (o->stop_first && !tree && !x->interrupted && x->bugs.n &&
           o->command != EXPLORE_REPLAY && x->runs < o->runs)
    printf("stopped: --stop-first, at the first run that showed a bug (%llu of %llu runs)\n",
           (unsigned long long)x->runs, (unsigned long long)o->runs);
  if (tree) {
    char part[96] = "";
    if (o->nshards > 1)
      snprintf(part, sizeof part, " of shard %u/%u (%u of the %u subtrees)", o->shard + 1,
               o->nshards, (x->dfs_subtrees + o->nshards - 1 - o->shard) / o->nshards,
               x->dfs_subtrees);
    char pc[256];
    explored(x, part, pc, sizeof pc);
    if (x->complete)
      printf("complete: every interleaving%s%s was explored (%llu run%s pruned as redundant)\n",
             part, scope,
             (unsigned long long)x->strat->pruned, util_plural(x->strat->pruned));
    else if (x->warnings.n && x->strat->complete && explore_hidden_state(x))
      printf("not complete: the threads share state racesim cannot see (below), so the "
             "interleavings of its reads and writes were not told apart\n");
    else if (x->warnings.n && x->strat->complete)
      printf("not complete: the scenario draws numbers from math.random (below), whose other "
             "values were not tried\n");
    else if (x->strat->complete == 0 && x->truncated)
      printf("not complete: some runs hit --max-steps, so what they would have done next was "
             "not explored (%llu run%s pruned)\n",
             (unsigned long long)x->strat->pruned, util_plural(x->strat->pruned));
    else if (x->timed_out)
      printf("not complete: --time-limit ran out with %s (%llu run%s pruned)\n", pc,
             (unsigned long long)x->strat->pruned, util_plural(x->strat->pruned));
    else if (o->stop_first && !x->interrupted && x->status != 2 && x->bugs.n)
      printf("not complete: --stop-first stopped it at the first run that showed a bug "
             "(%s; %llu run%s pruned)\n",
             pc, (unsigned long long)x->strat->pruned, util_plural(x->strat->pruned));
    else if (x->interrupted || x->status == 2)
      printf("not complete: the exploration stopped before the end (%s; %llu run%s pruned)\n",
             pc, (unsigned long long)x->strat->pruned, util_plural(x->strat->pruned));
    else
      printf("not complete: the run budget ran out with %s (%llu run%s pruned); raise --runs "
             "to go on\n",
             pc, (unsigned long long)x->strat->pruned, util_plural(x->strat->pruned));
    int stopped = x->interrupted || x->status == 2 || (o->stop_first && x->bugs.n);
    if (!x->complete && (x->timed_out || !stopped)) advise_small(x);
  }
  fputs(said.s ? said.s : "", stdout);
  sb_free(&said);
  beyond_bound(x);
  if (x->lg_cut)
    printf("warning: the search for lock-order cycles stopped %s (the graph has room for "
           "cycles of %d locks): potential deadlocks through more locks may be missing\n",
           x->lg_cut == 1 ? "at cycles of 32 locks" : "at its budget of steps", x->lg_longest);
  for (size_t i = 0; i < x->warnings.n; i++)
    print_line("warning: ", x->warnings.v[i].msg);
  if (x->bugs.n == 0) {
    printf(x->runs ? "no findings\n" : "no findings (no run finished)\n");
  } else {
    printf("%zu bug%s (%zu observation%s):\n", x->bugs.n, util_plural(x->bugs.n), x->fs.n,
           util_plural(x->fs.n));
    for (size_t i = 0; i < x->bugs.n; i++) print_bug(x, i);
  }
  if (x->recorded && x->db_failed)
    printf("\ntrace database: %s (exploration %lld, failed: %llu of %llu runs kept)\n", o->db,
           (long long)x->expl_id, (unsigned long long)x->db_kept, (unsigned long long)x->runs);
  else if (x->recorded)
    printf("\ntrace database: %s (exploration %lld)\n", o->db, (long long)x->expl_id);
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
  if (d->shrink != SHRINK_NONE) { /* DESIGN's "shrunk", and what the search proved */
    StrBuf sh;
    sb_init(&sh);
    finding_shrink_line(d, &sh);
    sb_printf(b, ", \"minimal\": %s, \"preemptions_lower_bound\": ",
              d->shrink == SHRINK_MINIMAL ? "true" : "false");
    if (d->shrink == SHRINK_NOT) sb_puts(b, "null");
    else sb_printf(b, "%u", d->shrink_lower);
    sb_puts(b, ", \"shrink\": ");
    sb_json_str(b, sh.s);
    sb_free(&sh);
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

void explore_print_json(Explore *x) {
  const ExploreOptions *o = x->o;
  double el = util_now() - x->t0;
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "{\"script\": ");
  sb_json_str(&b, o->script);
  sb_puts(&b, ", \"strategy\": ");
  sb_json_str(&b, x->strat->ops->name);
  sb_printf(&b, ", \"mode\": \"%s\", \"base_seed\": \"0x%llx\"", explore_mode_name(x->mode),
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
  StrBuf said, json;
  strategy_report(x, &said, &json, NULL);
  sb_puts(&b, json.s ? json.s : "");
  sb_free(&said);
  sb_free(&json);
  double el_runs = x->t_explored > 0 ? x->t_explored - x->t0 : el; /* (not the searches) */
  sb_printf(&b, ", \"elapsed\": %.3f, \"runs_per_second\": %.1f", el,
            el_runs > 0 ? (double)x->runs / el_runs : 0.0);
  if (x->recorded) {
    sb_puts(&b, ", \"db\": {\"path\": ");
    sb_json_str(&b, o->db);
    sb_printf(&b, ", \"exploration_id\": %lld", (long long)x->expl_id);
    if (x->db_failed) /* (a write failed: what the file keeps) */
      sb_printf(&b, ", \"failed\": true, \"runs_kept\": %llu", (unsigned long long)x->db_kept);
    sb_putc(&b, '}');
  }
  sb_puts(&b, ", \"warnings\": [");
  for (size_t i = 0; i < x->warnings.n; i++) {
    const ExploreWarning *w = &x->warnings.v[i];
    sb_printf(&b, "%s{\"kind\": \"%s\", \"name\": ", i ? ", " : "",
              w->kind == WARN_GLOBAL ? "global" : w->kind == WARN_RANDOM ? "random" : "local");
    sb_json_str(&b, w->name);
    sb_puts(&b, ", \"message\": ");
    sb_json_str(&b, w->msg);
    sb_printf(&b, ", \"runs\": %llu, \"first_run\": %llu}", (unsigned long long)w->runs,
              (unsigned long long)w->first_run);
  }
  sb_puts(&b, "]");
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
void explore_describe_run(Explore *x, const SimRun *r) {
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
    /* an error's type where an operation's object goes ("error" for Lua's own) */
    const char *what = e->obj >= 0 ? obj_name(r, e->obj)
                       : e->op == OP_ERROR && e->aux > 0 && (size_t)e->aux < r->text.len
                           ? run_str(r, (uint32_t)e->aux)
                           : "";
    sb_printf(L, "%5u %8.3f  %-14s %-11s %-18s %-14s", i + 1, e->vtime, thread_name(r, e->tid),
              op_name(e->op), what, v.s ? v.s : "");
    if (e->line > 0 || run_site_is_path(r, e->site)) {
      sb_putc(L, ' ');
      run_format_event_at(r, e, L);
    }
    if (flags[0]) sb_printf(L, "  [%s]", flags);
    sb_putc(L, '\n');
    const StepRec *pre = run_preemption_at(r, i);
    if (pre) { /* under the thread that was picked */
      sb_printf(L, "%16s^ preemption: %s could go on; runnable: ", "",
                thread_name(r, pre->preempted));
      run_format_runnable(r, pre, L);
      sb_putc(L, '\n');
    }
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
    if (pre) {
      sb_puts(J, ", \"preempted\": ");
      sb_json_str(J, thread_name(r, pre->preempted));
      sb_puts(J, ", \"runnable\": [");
      for (uint32_t k = 0; k < pre->nrunnable; k++) {
        if (k) sb_puts(J, ", ");
        sb_json_str(J, thread_name(r, r->runnable[pre->runnable + k]));
      }
      sb_puts(J, "]");
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
