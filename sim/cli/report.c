/*
** report.c - `racesim report DB [--exploration ID] [--run N] [--html FILE]
** [--json]`.
**
** Reads a trace database and prints what it holds: every exploration (or
** the one of --exploration) with its bugs (table bugs: each with its
** headline, counts, the run that shows it, what it folds in and its replay
** command; --json in the shape of `racesim run --json`; an exploration
** recorded without bugs rows, by schema version 1, shows each distinct
** finding as a bug of its own), or one run step by step (--run N: N is the
** run index users see, runs.idx, in the latest exploration or the one
** given), as text, JSON, or one self-contained HTML file (no network, no
** external assets): the summary, each bug with a swimlane timeline of the
** run that shows it (one lane per thread, one row per step, the steps that
** make the bug highlighted, call paths shown), a wait-for graph for a
** deadlock or a stuck run, the lock-order graph, and the synchronization
** coverage, the graphs as inline SVG.  Every name that comes from a
** scenario is escaped.
*/
#include <sqlite3.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "cli.h"
#include "report_int.h"
#include "svg.h"
#include "trace.h"
#include "util.h"

/* ---- text and JSON ---------------------------------------------------- */

static void json_str_or_null(StrBuf *o, const char *s) {
  if (s) sb_json_str(o, s);
  else sb_puts(o, "null");
}

static void json_num_or_null(StrBuf *o, long long v) {
  if (v >= 0) sb_printf(o, "%lld", v);
  else sb_puts(o, "null");
}

/* One bug in the shape of `racesim run --json`'s findings (explore.c). */
static void json_bug(StrBuf *o, const RepBug *g) {
  sb_puts(o, "{\"kind\": ");
  json_str_or_null(o, g->kind);
  sb_printf(o, ", \"count\": %lld, \"signature\": ", g->runs);
  json_str_or_null(o, g->sig);
  sb_puts(o, ", \"message\": ");
  json_str_or_null(o, g->message);
  sb_puts(o, ", \"first_run\": ");
  json_num_or_null(o, g->first_run);
  sb_puts(o, ", \"seed\": ");
  json_str_or_null(o, g->seed);
  sb_puts(o, ", \"steps\": ");
  json_num_or_null(o, g->steps);
  sb_puts(o, ", \"preemptions\": ");
  json_num_or_null(o, g->preemptions);
  sb_puts(o, ", \"schedule\": ");
  json_str_or_null(o, g->schedule);
  sb_puts(o, ", \"replay\": ");
  json_str_or_null(o, g->replay);
  if (g->shrunk_schedule) {
    sb_puts(o, ", \"shrunk\": {\"steps\": ");
    json_num_or_null(o, g->shrunk_steps);
    sb_puts(o, ", \"preemptions\": ");
    json_num_or_null(o, g->shrunk_preemptions);
    sb_puts(o, ", \"schedule\": ");
    sb_json_str(o, g->shrunk_schedule);
    sb_puts(o, "}");
  }
  if (g->shrink) {
    sb_puts(o, ", \"minimal\": ");
    sb_puts(o, g->minimal == 1 ? "true" : "false");
    sb_puts(o, ", \"preemptions_lower_bound\": ");
    json_num_or_null(o, g->lower);
    sb_puts(o, ", \"shrink\": ");
    sb_json_str(o, g->shrink);
  }
  if (g->note) {
    sb_puts(o, ", \"note\": ");
    sb_json_str(o, g->note);
  }
  sb_puts(o, ", \"evidence\": [");
  for (size_t j = 0; j < g->nobs; j++) {
    const RepObs *e = &g->obs[j];
    sb_puts(o, j ? ", {\"kind\": " : "{\"kind\": ");
    json_str_or_null(o, e->kind);
    sb_puts(o, ", \"role\": ");
    json_str_or_null(o, e->role);
    sb_printf(o, ", \"count\": %lld, \"first_run\": ", e->runs);
    json_num_or_null(o, e->first_run);
    sb_puts(o, ", \"signature\": ");
    json_str_or_null(o, e->sig);
    sb_puts(o, ", \"message\": ");
    json_str_or_null(o, e->message);
    sb_puts(o, "}");
  }
  sb_puts(o, "]}");
}

/* One bug as text: what `racesim run` prints, and what it folds in. */
static void text_bug(StrBuf *o, const RepBug *g, int k, long long runs, int keyed) {
  char first[48];
  StrBuf at;
  sb_init(&at);
  if (g->steps >= 0) sb_printf(&at, ", %lld step%s", g->steps, util_plural(g->steps));
  if (g->preemptions >= 0)
    sb_printf(&at, ", %lld preemption%s", g->preemptions, util_plural(g->preemptions));
  if (g->kind && !strcmp(g->kind, "potential_deadlock"))
    sb_printf(o, "  [%d] %s: in the lock-order graph of %lld run%s (cycle complete in run %s%s)\n",
              k, g->kind, runs, util_plural(runs),
              report_run_label(first, sizeof first, g->first_run, keyed), at.s ? at.s : "");
  else
    sb_printf(o, "  [%d] %s: in %lld of %lld run%s (first: run %s%s)\n", k,
              g->kind ? g->kind : "?", g->runs, runs, util_plural(runs),
              report_run_label(first, sizeof first, g->first_run, keyed), at.s ? at.s : "");
  sb_free(&at);
  sb_printf(o, "      %s\n", g->message ? g->message : "");
  if (g->nobs > 1) sb_puts(o, "      folds in:\n");
  for (size_t j = 1; j < g->nobs; j++) {
    const RepObs *e = &g->obs[j];
    sb_printf(o, "        %-11s %s in %lld run%s (first: run %s): %s\n",
              e->role ? e->role : "", e->kind ? e->kind : "?", e->runs, util_plural(e->runs),
              report_run_label(first, sizeof first, e->first_run, keyed), e->message ? e->message : "");
  }
  if (g->note) sb_printf(o, "      %s\n", g->note);
  if (g->shrink) sb_printf(o, "      %s\n", g->shrink);
  else if (g->shrunk_schedule)
    sb_printf(o, "      shrunk: %lld preemption%s, %lld step%s (from %lld, %lld)\n",
              g->shrunk_preemptions, util_plural(g->shrunk_preemptions), g->shrunk_steps,
              util_plural(g->shrunk_steps), g->preemptions, g->steps); /* (as run says it) */
  if (g->replay) sb_printf(o, "      replay: %s\n", g->replay);
}

static int summary(Report *r) {
  StrBuf *o = &r->out;
  sqlite3_stmt *x = report_prep(r, "SELECT id, script, strategy, base_seed, runs, steps, complete,"
                            " status, mode, shard, started_at, finished_at, params, pruned"
                            " FROM explorations WHERE ?1 < 0 OR id = ?1 ORDER BY id");
  if (!x) return 2;
  sqlite3_bind_int64(x, 1, r->expl);
  if (r->json) sb_printf(o, "{\"db\": "), sb_json_str(o, r->path), sb_puts(o, ", \"explorations\": [");
  int n = 0;
  while (sqlite3_step(x) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(x, 0), runs = sqlite3_column_int64(x, 4);
    BugSet bs;
    if (report_load_bugs(r, id, &bs) != 0) {
      report_bugs_free(&bs);
      sqlite3_finalize(x);
      return 2;
    }
    if (r->json) {
      sb_printf(o, "%s{\"id\": %lld, \"script\": ", n ? ", " : "", id);
      sb_json_str(o, report_col(x, 1));
      sb_puts(o, ", \"strategy\": ");
      sb_json_str(o, report_col(x, 2));
      sb_puts(o, ", \"base_seed\": ");
      sb_json_str(o, report_col(x, 3));
      sb_printf(o, ", \"runs\": %lld, \"steps\": %lld, \"complete\": %s, \"pruned\": %lld, \"status\": ",
                runs, sqlite3_column_int64(x, 5), sqlite3_column_int(x, 6) ? "true" : "false",
                sqlite3_column_int64(x, 13));
      sb_json_str(o, report_col(x, 7));
      sb_puts(o, ", \"mode\": ");
      sb_json_str(o, report_col(x, 8));
      sb_puts(o, ", \"shard\": ");
      sb_json_str(o, report_col(x, 9));
      sb_puts(o, ", \"params\": ");
      sb_json_str(o, report_col(x, 12));
      sb_puts(o, ", \"started_at\": ");
      sb_json_str(o, report_col(x, 10));
      sb_printf(o, ", \"bugs\": %zu, \"observations\": %zu, \"grouped\": %s, \"findings\": [",
                bs.n, bs.nobs, bs.grouped ? "true" : "false");
      for (size_t k = 0; k < bs.n; k++) {
        if (k) sb_puts(o, ", ");
        json_bug(o, &bs.v[k]);
      }
      sb_puts(o, "]}");
    } else {
      sb_printf(o, "exploration %lld: %s, strategy %s, base seed %s%s%s\n", id, report_col(x, 1), report_col(x, 2),
                report_col(x, 3), report_col(x, 12)[0] ? ", -D " : "", report_col(x, 12));
      sb_printf(o, "  %lld run%s, %lld steps, %s, %s (%s mode, shard %s, started %s)\n", runs,
                util_plural(runs), sqlite3_column_int64(x, 5),
                sqlite3_column_int(x, 6) ? "complete" : "not complete", report_col(x, 7), report_col(x, 8),
                report_col(x, 9), report_col(x, 10));
      if (!bs.n) {
        sb_puts(o, "  no findings\n");
      } else {
        sb_puts(o, "  ");
        report_bug_count(o, &bs, report_col(x, 7));
        sb_puts(o, ":\n");
      }
      int keyed = report_keyed_runs(report_col(x, 2), report_col(x, 9));
      for (size_t k = 0; k < bs.n; k++) text_bug(o, &bs.v[k], (int)k + 1, runs, keyed);
      sb_putc(o, '\n');
    }
    report_bugs_free(&bs);
    n++;
  }
  sqlite3_finalize(x);
  if (r->json) sb_puts(o, "]}\n");
  else if (!n) sb_puts(o, "no explorations in this database\n");
  return 0;
}

/*
** The first row of 'sql' (bound to 'arg' if it takes a parameter): its 'n'
** integer columns into v, each -1 when NULL or when there is no row.
*/

/*
** Check r->expl (--exploration ID), or, with 'latest' and no ID given, make
** it the latest exploration.  0, or 2 after saying which explorations DB has.
*/
static int resolve_exploration(Report *r, int latest) {
  if (r->expl < 0 && !latest) return 0;
  long long all[3]; /* count, min(id), max(id) */
  report_int_row(r, "SELECT count(*), min(id), max(id) FROM explorations", 0, all, 3);
  if (all[0] <= 0) {
    fprintf(stderr, "racesim report: '%s' holds no exploration (nothing was run into it)\n",
            r->path);
    return 2;
  }
  if (r->expl < 0) r->expl = all[2];
  long long found;
  report_int_row(r, "SELECT id FROM explorations WHERE id = ?", r->expl, &found, 1);
  if (found < 0) {
    fprintf(stderr,
            "racesim report: there is no exploration %lld in '%s': it holds %lld exploration%s, "
            "ids %lld to %lld (racesim report %s lists them)\n",
            r->expl, r->path, all[0], all[0] == 1 ? "" : "s", all[1], all[2], r->path);
    return 2;
  }
  return 0;
}

/*
** The runs.id of the run of index 'idx' in exploration r->expl, or -1 after
** saying which runs it has.  'given': the exploration came from --exploration.
*/
static long long find_run(Report *r, long long idx, const char *text, int given) {
  long long id = -1;
  if (idx >= 0) { /* (else a number past any index: 'text' says which) */
    sqlite3_stmt *st = report_prep(r, "SELECT id FROM runs WHERE exploration_id = ? AND idx = ?"
                                      " ORDER BY id LIMIT 1");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, r->expl);
    sqlite3_bind_int64(st, 2, idx);
    id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
  }
  if (id >= 0) return id;
  long long n[3]; /* count, min(idx), max(idx) */
  report_int_row(r, "SELECT count(*), min(idx), max(idx) FROM runs WHERE exploration_id = ?", r->expl,
          n, 3);
  fprintf(stderr, "racesim report: exploration %lld%s of '%s' has no run %s: ", r->expl,
          given ? "" : " (the latest)", r->path, text);
  if (n[0] <= 0) fprintf(stderr, "it has no runs");
  else {
    char lo[48], hi[48], strategy[16] = "", shard[16] = "";
    sqlite3_stmt *st = report_prep(r, "SELECT strategy, shard FROM explorations WHERE id = ?");
    if (st) {
      sqlite3_bind_int64(st, 1, r->expl);
      if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(strategy, sizeof strategy, "%s", report_col(st, 0));
        snprintf(shard, sizeof shard, "%s", report_col(st, 1));
      }
      sqlite3_finalize(st);
    }
    int keyed = report_keyed_runs(strategy, shard);
    report_run_label(lo, sizeof lo, n[1], keyed), report_run_label(hi, sizeof hi, n[2], keyed);
    if (n[0] == 1) fprintf(stderr, "it has 1 run, index %s", lo);
    else
      fprintf(stderr, "it has %lld runs, indices %s to %s%s", n[0], lo, hi,
              keyed ? " (a dfs shard: subtree:run)"
              : n[2] - n[1] + 1 == n[0] ? "" : " (not every index in between: a shard)");
  }
  fprintf(stderr, "%s\n", given ? "" : "; --exploration ID looks in another");
  return -1;
}

/* The run whose runs.id is 'run', step by step. */
static int one_run(Report *r, long long run) {
  StrBuf *o = &r->out;
  char file[256] = "?"; /* the script's base name: places read as in a replay */
  sqlite3_stmt *st = report_prep(r, "SELECT r.idx, r.seed, r.schedule, r.steps, r.status, x.script,"
                             " r.recorded, r.exploration_id, x.params, x.strategy, x.shard"
                             " FROM runs r JOIN explorations x"
                             " ON x.id = r.exploration_id WHERE r.id = ?");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  if (sqlite3_step(st) != SQLITE_ROW) {
    fprintf(stderr, "racesim report: there is no run %lld in '%s'\n", run, r->path);
    sqlite3_finalize(st);
    return 2;
  }
  int recorded = sqlite3_column_int(st, 6);
  snprintf(file, sizeof file, "%s", util_basename(report_col(st, 5)));
  if (r->json) {
    sb_printf(o, "{\"exploration\": %lld, \"run\": %lld, \"index\": %lld, \"seed\": ",
              sqlite3_column_int64(st, 7), run, sqlite3_column_int64(st, 0));
    sb_json_str(o, report_col(st, 1));
    sb_puts(o, ", \"schedule\": ");
    json_str_or_null(o, (const char *)sqlite3_column_text(st, 2));
    sb_printf(o, ", \"steps\": %lld, \"status\": ", sqlite3_column_int64(st, 3));
    sb_json_str(o, report_col(st, 4));
    sb_puts(o, ", \"script\": ");
    sb_json_str(o, report_col(st, 5));
    sb_puts(o, ", \"events\": [");
  } else {
    char label[48];
    report_run_label(label, sizeof label, sqlite3_column_int64(st, 0),
              report_keyed_runs(report_col(st, 9), report_col(st, 10)));
    sb_printf(o, "run %s of exploration %lld (%s; runs.id %lld): %s, %lld steps, seed %s\n",
              label, sqlite3_column_int64(st, 7), report_col(st, 5), run,
              report_col(st, 4), sqlite3_column_int64(st, 3), report_col(st, 1));
    if (!recorded && sqlite3_column_type(st, 2) != SQLITE_NULL) {
      sb_printf(o, "its events were not recorded (use --record all, or replay it: racesim "
                   "replay %s --schedule %s)\n",
                report_col(st, 5), report_col(st, 2));
    } else if (!recorded && strcmp(report_col(st, 9), "random") != 0) {
      /* pct and dfs runs are replayed by their token, which --record none
         keeps only for failing runs */
      sb_printf(o, "its events were not recorded, nor its schedule: --record none keeps the "
                   "schedules of failing runs only (--record failing keeps every run's, "
                   "--record all every run's events)\n");
    } else if (!recorded) { /* a random run: its seed replays it, with the parameters */
      sb_printf(o, "its events were not recorded (use --record all, or replay it: racesim "
                   "replay %s --seed %s",
                report_col(st, 5), report_col(st, 1));
      StrBuf w;
      sb_init(&w);
      for (const char *p = report_col(st, 8); (p = util_shell_word_next(p, &w));) {
        sb_puts(o, " -D ");
        sb_shell_word(o, w.s);
      }
      sb_free(&w);
      sb_puts(o, ")\n");
    }
    if (recorded) /* (an empty table says nothing) */
      sb_printf(o, "%5s %8s  %-14s %-11s %-18s %-14s %s\n", "step", "time", "thread", "op",
                "object", "value", "line");
  }
  sqlite3_finalize(st);
  st = report_prep(r, "SELECT step, vtime, thread, op, object, value, line, flags, path,"
               " preempted, runnable FROM events_readable WHERE run_id = ? ORDER BY step");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  int k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (r->json) {
      sb_printf(o, "%s{\"step\": %lld, \"time\": %g, \"thread\": ", k ? ", " : "",
                sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
      sb_json_str(o, report_col(st, 2));
      sb_puts(o, ", \"op\": ");
      sb_json_str(o, report_col(st, 3));
      sb_puts(o, ", \"object\": ");
      if (sqlite3_column_type(st, 4) == SQLITE_NULL) sb_puts(o, "null");
      else sb_json_str(o, report_col(st, 4));
      sb_puts(o, ", \"value\": ");
      if (sqlite3_column_type(st, 5) == SQLITE_NULL) sb_puts(o, "null");
      else sb_json_str(o, report_col(st, 5));
      sb_printf(o, ", \"line\": %lld, \"flags\": ", sqlite3_column_int64(st, 6));
      json_str_or_null(o, sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : report_col(st, 7));
      sb_puts(o, ", \"path\": ");
      json_str_or_null(o, sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL : report_col(st, 8));
      if (sqlite3_column_type(st, 9) != SQLITE_NULL) {
        sb_puts(o, ", \"preempted\": ");
        sb_json_str(o, report_col(st, 9));
        sb_puts(o, ", \"runnable\": [");
        const char *p = report_col(st, 10);
        for (int n = 0; *p; n++) { /* the names, as the view joins them */
          const char *e = strstr(p, ", ");
          size_t len = e ? (size_t)(e - p) : strlen(p);
          char *name = util_xmalloc(len + 1);
          memcpy(name, p, len);
          name[len] = '\0';
          if (n) sb_puts(o, ", ");
          sb_json_str(o, name);
          free(name);
          p += len + (e ? 2 : 0);
        }
        sb_puts(o, "]");
      }
      sb_puts(o, "}");
    } else {
      sb_printf(o, "%5lld %8.3f  %-14s %-11s %-18s %-14s ", sqlite3_column_int64(st, 0),
                sqlite3_column_double(st, 1), report_col(st, 2), report_col(st, 3), report_col(st, 4), report_col(st, 5));
      if (report_col(st, 8)[0]) sb_puts(o, report_col(st, 8)); /* the call path, as racesim replay shows it */
      else if (sqlite3_column_int64(st, 6) > 0)
        sb_printf(o, "%s:%lld", file, sqlite3_column_int64(st, 6));
      if (report_col(st, 7)[0]) sb_printf(o, "  [%s]", report_col(st, 7));
      sb_putc(o, '\n');
      if (sqlite3_column_type(st, 9) != SQLITE_NULL) /* as racesim replay marks it */
        sb_printf(o, "%16s^ preemption: %s could go on; runnable: %s\n", "", report_col(st, 9),
                  report_col(st, 10));
    }
    k++;
  }
  sqlite3_finalize(st);
  /* each finding with the bug it is part of, where the exploration has bugs */
  st = report_prep(r, "SELECT f.kind, f.message, (SELECT b.rank FROM bugs b JOIN bug_evidence e"
               " ON e.bug_id = b.id WHERE b.exploration_id = r.exploration_id AND e.signature"
               " = f.signature ORDER BY b.rank LIMIT 1), (SELECT e.role FROM bugs b JOIN"
               " bug_evidence e ON e.bug_id = b.id WHERE b.exploration_id = r.exploration_id"
               " AND e.signature = f.signature ORDER BY b.rank LIMIT 1) FROM findings f"
               " JOIN runs r ON r.id = f.run_id WHERE f.run_id = ? ORDER BY f.id");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  if (r->json) sb_puts(o, "], \"findings\": [");
  k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    long long bug = report_num_col(st, 2);
    if (r->json) {
      sb_printf(o, "%s{\"kind\": \"%s\", \"message\": ", k ? ", " : "", report_col(st, 0));
      sb_json_str(o, report_col(st, 1));
      sb_puts(o, ", \"bug\": ");
      json_num_or_null(o, bug);
      sb_puts(o, ", \"role\": ");
      json_str_or_null(o, bug >= 0 ? report_col(st, 3) : NULL);
      sb_puts(o, "}");
    } else {
      sb_printf(o, "%s  %s", k ? "" : "\nfindings:\n", report_col(st, 0));
      if (bug >= 0) sb_printf(o, ", the %s of bug %lld", report_col(st, 3), bug);
      sb_printf(o, ":\n      %s\n", report_col(st, 1));
    }
    k++;
  }
  sqlite3_finalize(st);
  if (r->json) sb_puts(o, "]}\n");
  return 0;
}

const char cli_report_help[] =
    "usage: racesim report DB [--exploration ID] [--run N] [--json | --html FILE]\n"
    "\n"
    "Summarise the trace database DB: every exploration with its bugs (what each\n"
    "is, in how many runs, the run that shows it, the observations it folds in and\n"
    "the command that replays it); or, with --run N, one run step by step.\n"
    "\n"
    "options (--opt V or --opt=V):\n"
    "  --run N            show run N step by step.  N is the run index, from 0: the\n"
    "                     number in \"first: run N\" (column runs.idx, not runs.id;\n"
    "                     a dfs shard's S:K is run K of its subtree S),\n"
    "                     looked for in the latest exploration in DB or in the one\n"
    "                     --exploration gives\n"
    "  --exploration ID   only exploration ID: the number a run prints as\n"
    "                     \"trace database: DB (exploration ID)\" (explorations.id)\n"
    "  --json             print one JSON object instead of text\n"
    "  --html FILE        write the whole report (explorations, bugs, a timeline of\n"
    "                     the run that shows each, wait-for and lock-order graphs,\n"
    "                     coverage) as one self-contained HTML file\n"
    "\n"
    "exit status: 0 done, 2 bad usage, a missing or bad database, or no such\n"
    "exploration or run\n";

/* A --run or --exploration number into *out; 0, or 2 after a message. */
static int number_value(const char *name, const char *what, const char *v, long long *out) {
  uint64_t u;
  if (args_u64(v, &u) != 0 || u > INT64_MAX) {
    fprintf(stderr, "racesim report: %s needs %s (a number), got '%s'\n", name, what, v);
    return 2;
  }
  *out = (long long)u;
  return 0;
}

/*
** The --run index: any run of digits is a run number, however large (one
** past INT64_MAX is -2 in *out: a run no database has, said with the range
** it has); anything else (-1 too) is a usage error.
*/
static int run_value(const char *v, long long *out) {
  uint64_t u, sub, k;
  const char *colon = strchr(v, ':');
  if (colon && colon > v && colon - v < 24) { /* a dfs shard's "S:K" */
    char head[24];
    memcpy(head, v, (size_t)(colon - v));
    head[colon - v] = '\0';
    if (args_u64(head, &sub) == 0 && args_u64(colon + 1, &k) == 0 && sub < (UINT64_C(1) << 31) &&
        k <= UINT32_MAX) {
      *out = (long long)(sub << 32 | k);
      return 0;
    }
    size_t digits = strspn(colon + 1, "0123456789");
    if (strspn(head, "0123456789") == strlen(head) && digits && !colon[1 + digits]) {
      *out = -2; /* digits past any subtree or run: said with the range there is */
      return 0;
    }
  }
  if (args_u64(v, &u) == 0 && u <= INT64_MAX) *out = (long long)u;
  else if (*v && strspn(v, "0123456789") == strlen(v)) *out = -2;
  else {
    fprintf(stderr, "racesim report: --run needs a run index (a number, or S:K: run K of "
                    "subtree S in a dfs shard), got '%s'\n", v);
    return 2;
  }
  return 0;
}

int cli_report(int argc, char **argv) {
  Report r;
  memset(&r, 0, sizeof r);
  sb_init(&r.out);
  r.expl = -1;
  const char *htmlfile = NULL, *run_text = NULL, *v;
  long long run = -1;
  for (int i = 0; i < argc; i++) {
    int bad = 0;
    if (!strcmp(argv[i], "--json")) r.json = 1;
    else if ((v = args_value(argc, argv, &i, "--html"))) {
      if (!*v || (v[0] == '-' && v[1] == '-')) { /* (--html --json: not a file "--json") */
        fprintf(stderr, "racesim report: --html needs a FILE to write the report to%s%s%s: "
                        "racesim report DB --html FILE\n", *v ? ", got the option '" : "", v,
                *v ? "'" : "");
        bad = 2;
      }
      htmlfile = v;
    } else if ((v = args_value(argc, argv, &i, "--run"))) {
      bad = run_value(v, &run);
      run_text = v;
    }
    else if ((v = args_value(argc, argv, &i, "--exploration")))
      bad = number_value("--exploration", "an exploration id", v, &r.expl);
    else if (argv[i][0] == '-') {
      fprintf(stderr,
              "racesim report: unknown option '%s' (--exploration ID, --run N, --html FILE, "
              "--json; see racesim report --help)\n",
              argv[i]);
      bad = 2;
    } else if (!r.path) r.path = argv[i];
    else {
      fprintf(stderr, "racesim report: one database only\n");
      bad = 2;
    }
    if (bad) return bad;
  }
  if (!r.path) {
    fprintf(stderr, "racesim report: usage: racesim report DB [--exploration ID] [--run N] "
                    "[--html FILE] [--json]\n");
    return 2;
  }
  if (run_text && htmlfile) {
    fprintf(stderr, "racesim report: --run N shows one run as text or JSON; --html FILE reports "
                    "whole explorations (--exploration ID for one): give one\n");
    return 2;
  }
  if (r.json && htmlfile) {
    fprintf(stderr, "racesim report: --json and --html FILE are two forms of the report: give "
                    "one\n");
    return 2;
  }
  int given = r.expl >= 0;
  if (report_open(&r, r.path) != 0) {
    sqlite3_close(r.db);
    return 2;
  }
  int rc = resolve_exploration(&r, run_text && !htmlfile);
  if (!rc && run_text && !htmlfile) {
    long long id = find_run(&r, run, run_text, given);
    rc = id < 0 ? 2 : one_run(&r, id);
  } else if (!rc) {
    rc = htmlfile ? report_html(&r) : summary(&r);
  }
  sqlite3_close(r.db);
  if (rc == 0 && htmlfile) {
    errno = 0;
    FILE *f = fopen(htmlfile, "w");
    int ok = f && fwrite(r.out.s, 1, r.out.len, f) == r.out.len;
    int why = errno;
    if (f && fclose(f) != 0) ok = 0, why = errno; /* (a full disk shows at the close) */
    if (!ok) {
      fprintf(stderr, "racesim report: cannot write '%s'%s%s\n", htmlfile, why ? ": " : "",
              why ? strerror(why) : "");
      rc = 2;
    } else {
      printf("wrote %s\n", htmlfile);
    }
  } else if (rc == 0) {
    if (r.json) fputs(r.out.s ? r.out.s : "", stdout);
    else util_fputs_visible(r.out.s ? r.out.s : "", stdout); /* (the scenario's names) */
  }
  sb_free(&r.out);
  return rc;
}
