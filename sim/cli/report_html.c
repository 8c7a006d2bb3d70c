/*
** report_html.c - `racesim report DB --html FILE`: one self-contained HTML
** file (no network, no external assets): each exploration's summary, each
** bug with a swimlane timeline of the run that shows it (one lane per
** thread, one row per step, the steps that make the bug highlighted, call
** paths shown), a wait-for graph for a deadlock or a stuck run, the
** lock-order graph, and the synchronization coverage, the graphs as inline
** SVG.  Every name that comes from a scenario is escaped.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "svg.h"
#include "util.h"

/* ---- HTML ------------------------------------------------------------- */

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
    "h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}"
    "h3{font-size:1.05em}h4{font-size:1em;margin:0 0 .3em}"
    "code,pre,.mono{font-family:ui-monospace,monospace;font-size:13px}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;"
    "vertical-align:top}th{background:#f3f3f3;text-align:left}"
    ".kind{font-weight:bold;color:#a00}.clean{color:#070}"
    ".bug{border:1px solid #ddd;border-left:4px solid #a00;padding:.6em 1em;margin:1em 0}"
    ".msg{margin:.3em 0}.folds td.role,.folds td.run{white-space:nowrap}.folds td.role{color:#555}"
    ".scroll{overflow-x:auto}"
    ".lane{font-size:12px}.lane td,.lane th{padding:1px 5px}"
    ".lane td{white-space:nowrap}.lane td.ev{background:#f7f7ff}"
    ".lane td.where{color:#666;font-size:12px;max-width:14em;overflow:hidden;"
    "text-overflow:ellipsis}"
    ".lane tr.hit td{background:#ffe9b3}.lane tr.hit td.ev{background:#ffcf5c;font-weight:bold}"
    ".lane tr.conseq td{background:#fde2e2}.lane tr.conseq td.ev{background:#f6b3b3}"
    ".lane tr.blocked td.ev{background:#eee;color:#a00;font-style:italic}"
    ".lane tr.preempt td{border-top:2px dashed #c33}.lane .pre{color:#c33}"
    ".key{display:inline-block;width:1em;height:.9em;vertical-align:middle;margin:0 .2em}"
    ".replay{background:#f6f6f6;padding:4px 8px;border-radius:4px;display:block;"
    "overflow-x:auto;white-space:pre}.small{color:#666;font-size:12px}"
    "svg.graph{display:block;margin:.5em 0;max-width:100%;height:auto}";

static void html_summary_row(StrBuf *o, const char *k, const char *v) {
  sb_puts(o, "<tr><th>");
  sb_html(o, k);
  sb_puts(o, "</th><td>");
  sb_html(o, v);
  sb_puts(o, "</td></tr>");
}

/* A small set of event steps. */
typedef struct Steps {
  long long *v;
  size_t n, cap;
} Steps;

static void steps_add(Steps *s, long long step) {
  UTIL_GROW(s->v, s->n + 1, s->cap);
  s->v[s->n++] = step;
}

static int steps_has(const Steps *s, long long step) {
  for (size_t i = 0; i < s->n; i++)
    if (s->v[i] == step) return 1;
  return 0;
}

/* The steps that query 'sql' gives for id 'id' (its one parameter). */
static void query_steps(Report *r, const char *sql, long long id, Steps *out) {
  sqlite3_stmt *st = report_prep(r, sql);
  if (!st) return;
  sqlite3_bind_int64(st, 1, id);
  while (sqlite3_step(st) == SQLITE_ROW) steps_add(out, sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
}

/* The steps that finding 'fid' names (findings.details' "events"). */
static void finding_steps(Report *r, long long fid, Steps *out) {
  query_steps(r, "SELECT j.value FROM findings f, json_each(f.details, '$.events') j"
                 " WHERE f.id = ? ORDER BY j.key", fid, out);
}

/* The steps of run 'run' that show a thread still blocked at its end. */
static void blocked_steps(Report *r, long long run, Steps *out) {
  query_steps(r, "SELECT step FROM events WHERE run_id = ? AND flags = 'blocked' ORDER BY step",
              run, out);
}

/*
** The swimlane timeline of run 'run': one lane per thread, one row per
** step, with where it happened (its call path, or its line).  'hits' are
** the steps that make the bug, 'conseq' those where what followed from it
** was detected; the rows of threads still blocked at the end are marked.
*/
/* The steps a timeline shows, besides those that tell its bug: the page stays
   as large as what it shows, however long the run. */
#define HTML_STEPS 2000

/* A row for the steps left out there. */
static void gap_row(StrBuf *o, int width, long long n, const char *db, long long expl,
                    long long idx, int keyed) {
  sb_printf(o, "<tr class=\"gap\"><td colspan=\"%d\">&hellip; %lld step%s not shown "
               "(<code>racesim report ", width, n, n == 1 ? "" : "s");
  sb_html(o, util_basename(db));
  char label[48];
  sb_printf(o, " --exploration %lld --run %s</code> lists every step)</td></tr>\n", expl,
            report_run_label(label, sizeof label, idx, keyed));
}

/* n empty lanes, as one cell: a row is as large however many threads the run has */
static void empty_lanes(StrBuf *o, int n) {
  if (n == 1) sb_puts(o, "<td></td>");
  else if (n > 1) sb_printf(o, "<td colspan=\"%d\"></td>", n);
}

static void html_timeline(Report *r, long long run, const Steps *hits, const Steps *conseq,
                          const char *script) {
  StrBuf *o = &r->out;
  sqlite3_stmt *th = report_prep(r, "SELECT tid, name FROM threads WHERE run_id = ? ORDER BY tid");
  if (!th) return;
  sqlite3_bind_int64(th, 1, run);
  long long timed; /* virtual time moved: show it */
  report_int_row(r, "SELECT max(vtime) > 0 FROM events WHERE run_id = ?", run, &timed, 1);
  int nt = 0;
  sb_printf(o, "<div class=\"scroll\"><table class=\"lane mono\"><tr><th>step</th>%s"
               "<th>where</th>",
            timed > 0 ? "<th>time</th>" : "");
  while (sqlite3_step(th) == SQLITE_ROW) {
    sb_puts(o, "<th>");
    sb_html(o, report_col(th, 1));
    sb_puts(o, "</th>");
    nt++;
  }
  sqlite3_finalize(th);
  sb_puts(o, "</tr>\n");
  sqlite3_stmt *st = report_prep(r, "SELECT e.step, e.vtime, e.thread, e.op, o.name, e.value, e.line,"
                             " e.flags, e.path, v.preempted, v.runnable FROM events e LEFT JOIN"
                             " objects o ON o.run_id = e.run_id AND o.oid = e.object"
                             " JOIN events_readable v ON v.run_id = e.run_id AND v.step = e.step"
                             " WHERE e.run_id = ? ORDER BY e.step");
  if (!st) return;
  sqlite3_bind_int64(st, 1, run);
  StrBuf where;
  sb_init(&where);
  long long shown = 0, skipped = 0, idx = -1, expl = -1;
  report_int_row(r, "SELECT idx FROM runs WHERE id = ?", run, &idx, 1);
  report_int_row(r, "SELECT exploration_id FROM runs WHERE id = ?", run, &expl, 1);
  int width = nt + 2 + (timed > 0);
  while (sqlite3_step(st) == SQLITE_ROW) {
    long long step = sqlite3_column_int64(st, 0);
    int tid = sqlite3_column_int(st, 2);
    const char *flags = report_col(st, 7);
    int blocked = !strcmp(flags, "blocked");
    const char *cls = steps_has(hits, step)     ? "hit"
                      : steps_has(conseq, step) ? "conseq"
                      : blocked                 ? "blocked"
                                                : NULL;
    /* a long run: its first steps, and the ones its bug is told by */
    if (shown >= HTML_STEPS && !cls) {
      skipped++;
      continue;
    }
    if (skipped) gap_row(o, width, skipped, r->path, expl, idx, r->keyed);
    skipped = 0;
    shown++;
    /* the call path, or the line: on hover as file:line, in its column as the line */
    sb_reset(&where);
    if (report_col(st, 8)[0]) sb_puts(&where, report_col(st, 8));
    else if (sqlite3_column_int64(st, 6) > 0)
      sb_printf(&where, "%s:%lld", util_basename(script), sqlite3_column_int64(st, 6));
    /* a preemption: the row says so, and who could go on (on hover too) */
    int pre = sqlite3_column_type(st, 9) != SQLITE_NULL;
    sb_printf(o, "<tr data-step=\"%lld\"%s%s%s%s", step, cls || pre ? " class=\"" : "",
              cls ? cls : "", pre ? (cls ? " preempt" : "preempt") : "",
              cls || pre ? "\"" : "");
    if (pre) {
      sb_puts(o, " title=\"preemption: ");
      sb_html(o, report_col(st, 9));
      sb_puts(o, " could go on; runnable: ");
      sb_html(o, report_col(st, 10));
      sb_puts(o, "\"");
    }
    sb_printf(o, "><td>%lld%s</td>", step, pre ? " <span class=\"pre\">&#x21c4;</span>" : "");
    if (timed > 0) sb_printf(o, "<td>%g</td>", sqlite3_column_double(st, 1));
    /* a long call path is cut in its column (the lanes stay in view), whole on hover */
    sb_puts(o, "<td class=\"where\"");
    if (report_col(st, 8)[0]) {
      sb_puts(o, " title=\"");
      sb_html(o, report_col(st, 8));
      sb_puts(o, "\"");
    }
    sb_puts(o, ">");
    if (report_col(st, 8)[0]) sb_html(o, report_col(st, 8));
    else if (sqlite3_column_int64(st, 6) > 0)
      sb_printf(o, "line %lld", sqlite3_column_int64(st, 6));
    sb_puts(o, "</td>");
    /* the other threads' lanes, empty, as one cell each side: a row is the
       same size however many threads the run has */
    int in = tid >= 0 && tid < nt;
    empty_lanes(o, in ? tid : nt);
    if (in) {
      sb_puts(o, "<td class=\"ev\"");
      if (where.len) {
        sb_puts(o, " title=\"");
        sb_html(o, where.s);
        sb_puts(o, "\"");
      }
      sb_puts(o, ">");
      if (blocked) sb_puts(o, "blocked: ");
      sb_html(o, report_col(st, 3));
      if (report_col(st, 4)[0]) {
        sb_puts(o, " ");
        sb_html(o, report_col(st, 4));
      }
      if (report_col(st, 5)[0]) {
        sb_puts(o, " = ");
        sb_html(o, report_col(st, 5));
      }
      if (flags[0] && !blocked) {
        sb_puts(o, " <span class=\"small\">[");
        sb_html(o, flags);
        sb_puts(o, "]</span>");
      }
      if (pre) {
        sb_puts(o, " <span class=\"small pre\">preempts ");
        sb_html(o, report_col(st, 9));
        sb_puts(o, "</span>");
      }
      sb_puts(o, "</td>");
      empty_lanes(o, nt - tid - 1);
    }
    sb_puts(o, "</tr>\n");
  }
  if (skipped) gap_row(o, width, skipped, r->path, expl, idx, r->keyed);
  sb_free(&where);
  sqlite3_finalize(st);
  sb_puts(o, "</table></div>\n");
}

/* One wait of a stalled run, as the finding's details or its events tell it. */
typedef struct Wait {
  long long tid, oid, holder;
  char *thread, *object, *kind, *holder_name;
  int ended;
} Wait;

static int in_cycle(const long long *cyc, size_t n, long long tid) {
  for (size_t i = 0; i < n; i++)
    if (cyc[i] == tid) return 1;
  return 0;
}

static const Wait *wait_of(const Wait *w, size_t n, long long tid) {
  for (size_t i = 0; i < n; i++)
    if (w[i].tid == tid) return &w[i];
  return NULL;
}

/* The rows of 'st' (tid, thread, oid, object, kind, holder_tid, holder,
   holder_ended) appended to w[0..*n); 'st' is finalized. */
static void read_waits(sqlite3_stmt *st, Wait **w, size_t *n, size_t *cap) {
  while (sqlite3_step(st) == SQLITE_ROW) {
    UTIL_GROW(*w, *n + 1, *cap);
    Wait *x = &(*w)[(*n)++];
    x->tid = report_num_col(st, 0), x->thread = util_xstrdup(report_col(st, 1));
    x->oid = report_num_col(st, 2), x->object = util_xstrdup(report_col(st, 3));
    x->kind = util_xstrdup(report_col(st, 4)), x->holder = report_num_col(st, 5);
    x->holder_name = util_xstrdup(report_col(st, 6)), x->ended = sqlite3_column_int(st, 7);
  }
  sqlite3_finalize(st);
}

/*
** The waits of finding 'fid' (its details' "waits", and "cycle" into
** *cyc), or, for a finding recorded without them, the 'blocked' rows of
** run 'run', without holders.  Returns how many.
*/
static size_t load_waits(Report *r, long long fid, long long run, Wait **out, long long **cyc,
                         size_t *ncyc) {
  Wait *w = NULL;
  size_t n = 0, cap = 0, capc = 0;
  *cyc = NULL, *ncyc = 0;
  sqlite3_stmt *st = report_prep(
      r, "SELECT json_extract(j.value, '$.tid'), json_extract(j.value, '$.thread'),"
         " json_extract(j.value, '$.oid'), json_extract(j.value, '$.object'),"
         " json_extract(j.value, '$.kind'), json_extract(j.value, '$.holder_tid'),"
         " json_extract(j.value, '$.holder'), json_extract(j.value, '$.holder_ended')"
         " FROM findings f, json_each(f.details, '$.waits') j WHERE f.id = ? ORDER BY j.key");
  if (st) {
    sqlite3_bind_int64(st, 1, fid);
    read_waits(st, &w, &n, &cap);
  }
  st = n ? NULL
         : report_prep(r, "SELECT e.thread, t.name, e.object, o.name, o.kind, -1, NULL, 0"
                   " FROM events e LEFT JOIN threads t ON t.run_id = e.run_id AND t.tid ="
                   " e.thread LEFT JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object"
                   " WHERE e.run_id = ? AND e.flags = 'blocked' ORDER BY e.step");
  if (st) {
    sqlite3_bind_int64(st, 1, run);
    read_waits(st, &w, &n, &cap);
  }
  st = report_prep(r, "SELECT j.value FROM findings f, json_each(f.details, '$.cycle') j"
               " WHERE f.id = ? ORDER BY j.key");
  if (st) {
    sqlite3_bind_int64(st, 1, fid);
    while (sqlite3_step(st) == SQLITE_ROW) {
      UTIL_GROW(*cyc, *ncyc + 1, capc);
      (*cyc)[(*ncyc)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  *out = w;
  return n;
}

/* The node of thread 'tid' named 'name' ('ended': it ended holding a lock). */
static int thread_node(SvgGraph *g, long long tid, const char *name, int ended, int cycle) {
  StrBuf tip, label;
  sb_init(&tip), sb_init(&label);
  sb_printf(&tip, "thread %s%s", name, ended ? " (ended, still holding it)" : "");
  sb_printf(&label, "%s%s", name, ended ? " (ended)" : "");
  int i = svg_node(g, tid * 2, label.s, NULL, tip.s,
                   cycle ? "thread cycle" : ended ? "thread ended" : "thread");
  sb_free(&tip), sb_free(&label);
  return i;
}

/*
** The wait-for graph of a stalled run: a node per blocked thread and per
** object it waits for, an edge "waits for" from each thread to its object
** (a join: to the joined thread) and "held by" from an object to the thread
** that holds it.  The threads of a cycle come first, in its order, so that
** the cycle is drawn as a ring.
*/
static void html_waits(Report *r, long long fid, long long run) {
  Wait *w;
  long long *cyc;
  size_t ncyc, n = load_waits(r, fid, run, &w, &cyc, &ncyc);
  if (!n) {
    free(cyc);
    return;
  }
  SvgGraph g;
  memset(&g, 0, sizeof g);
  /* the order of the ring: each cycle thread, then what it waits for */
  long long *order = util_xmalloc(sizeof(long long) * (n + ncyc));
  size_t no = 0;
  for (size_t i = 0; i < ncyc; i++) order[no++] = cyc[i];
  for (size_t i = 0; i < n; i++)
    if (!in_cycle(cyc, ncyc, w[i].tid)) order[no++] = w[i].tid;
  for (size_t i = 0; i < no; i++) {
    const Wait *x = wait_of(w, n, order[i]);
    if (!x) continue;
    int cycle = in_cycle(cyc, ncyc, x->tid);
    int a = thread_node(&g, x->tid, x->thread, 0, cycle);
    StrBuf tip;
    sb_init(&tip);
    if (!strcmp(x->kind, "Thread") && x->holder >= 0) { /* a join: the thread itself */
      int b = thread_node(&g, x->holder, x->holder_name, x->ended,
                          in_cycle(cyc, ncyc, x->holder));
      sb_printf(&tip, "%s waits for %s to finish (join)", x->thread, x->holder_name);
      svg_edge(&g, a, b, "joins", tip.s, cycle ? "waits cycle" : "waits");
      sb_free(&tip);
      continue;
    }
    sb_printf(&tip, "%s %s", x->kind, x->object);
    int ob = svg_node(&g, x->oid * 2 + 1, x->object[0] ? x->object : "?",
                      x->kind[0] ? x->kind : NULL, tip.s, "object");
    sb_reset(&tip);
    sb_printf(&tip, "%s waits for %s '%s'", x->thread, x->kind, x->object);
    svg_edge(&g, a, ob, "waits for", tip.s, cycle ? "waits cycle" : "waits");
    sb_free(&tip);
  }
  /* who holds what they wait for: once per object */
  for (size_t i = 0; i < no; i++) {
    const Wait *x = wait_of(w, n, order[i]);
    if (!x || x->holder < 0 || !strcmp(x->kind, "Thread")) continue;
    int ob = svg_find(&g, x->oid * 2 + 1);
    int cycle = in_cycle(cyc, ncyc, x->tid) && in_cycle(cyc, ncyc, x->holder);
    int b = thread_node(&g, x->holder, x->holder_name, x->ended, in_cycle(cyc, ncyc, x->holder));
    if (svg_has_edge(&g, ob, b)) continue;
    StrBuf tip;
    sb_init(&tip);
    sb_printf(&tip, "%s '%s' is held by %s", x->kind, x->object, x->holder_name);
    svg_edge(&g, ob, b, "held by", tip.s, cycle ? "held cycle" : "held");
    sb_free(&tip);
  }
  StrBuf *o = &r->out;
  sb_printf(o, "<p class=\"small\">Wait-for graph at the end of that run: each blocked thread "
               "points at what it waits for, and that at who holds it%s.</p>\n",
            ncyc ? "; the threads of the cycle are outlined in red" : "");
  svg_write(&g, o, ++r->nsvg, "waitfor", "wait-for graph");
  svg_free(&g);
  for (size_t i = 0; i < n; i++)
    free(w[i].thread), free(w[i].object), free(w[i].kind), free(w[i].holder_name);
  free(w);
  free(cyc);
  free(order);
}

/*
** The lock-order graph of exploration 'expl': a node per lock, an edge
** A -> B where a thread took B while holding A, labelled with the threads
** and lines that did (several on one edge are listed together).
*/
static void html_lock_graph(Report *r, long long expl) {
  StrBuf *o = &r->out;
  sqlite3_stmt *st = report_prep(r, "SELECT from_lock, to_lock, group_concat(thread || ':' || line,"
                             " ', '), count(*) FROM (SELECT DISTINCT from_lock, to_lock, thread,"
                             " line FROM lock_edges WHERE exploration_id = ? ORDER BY from_lock,"
                             " to_lock, thread, line) GROUP BY from_lock, to_lock"
                             " ORDER BY from_lock, to_lock");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  SvgGraph g;
  memset(&g, 0, sizeof g);
  char **names = NULL;
  size_t nn = 0, capn = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int ids[2];
    for (int k = 0; k < 2; k++) {
      const char *nm = report_col(st, k);
      long long key = -1;
      for (size_t i = 0; i < nn && key < 0; i++)
        if (!strcmp(names[i], nm)) key = (long long)i;
      if (key < 0) {
        UTIL_GROW(names, nn + 1, capn);
        names[nn] = util_xstrdup(nm);
        key = (long long)nn++;
      }
      ids[k] = svg_node(&g, key, nm, NULL, NULL, "lock");
    }
    StrBuf l, tip;
    sb_init(&l), sb_init(&tip);
    long long many = sqlite3_column_int64(st, 3);
    if (many > 2) { /* the first, and how many more */
      const char *all = report_col(st, 2), *comma = strchr(all, ',');
      sb_putn(&l, all, comma ? (size_t)(comma - all) : strlen(all));
      sb_printf(&l, " +%lld", many - 1);
    } else {
      sb_puts(&l, report_col(st, 2));
    }
    sb_printf(&tip, "'%s' taken while holding '%s': %s", report_col(st, 1), report_col(st, 0), report_col(st, 2));
    svg_edge(&g, ids[0], ids[1], l.s, tip.s, "order");
    sb_free(&l), sb_free(&tip);
  }
  sqlite3_finalize(st);
  if (g.nn == 0) {
    sb_puts(o, "<p class=\"small\">No lock was taken while another was held.</p>\n");
  } else {
    sb_puts(o, "<p class=\"small\">An arrow A &rarr; B: a thread took B while it held A "
               "(labelled thread:line of the acquire of B). A cycle is a potential "
               "deadlock.</p>\n");
    svg_write(&g, o, ++r->nsvg, "lockorder", "lock-order graph");
  }
  svg_free(&g);
  for (size_t i = 0; i < nn; i++) free(names[i]);
  free(names);
}

static void html_coverage(Report *r, long long expl) {
  StrBuf *o = &r->out;
  sqlite3_stmt *st = report_prep(r, "SELECT object, kind, item, runs, percent_of_runs FROM sync_coverage"
                             " WHERE exploration_id = ?");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  int k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (!k++)
      sb_puts(o, "<table><tr><th>object</th><th>what</th><th>seen</th><th>runs</th>"
                 "<th>% of runs</th></tr>\n");
    sb_puts(o, "<tr><td class=\"mono\">");
    sb_html(o, report_col(st, 0));
    sb_puts(o, "</td><td>");
    sb_html(o, report_col(st, 1));
    sb_puts(o, "</td><td class=\"mono\">");
    sb_html(o, report_col(st, 2));
    sb_printf(o, "</td><td>%lld</td><td>%.1f</td></tr>\n", sqlite3_column_int64(st, 3),
              sqlite3_column_double(st, 4));
  }
  sqlite3_finalize(st);
  if (k) sb_puts(o, "</table>\n");
  else sb_puts(o, "<p class=\"small\">No synchronization was recorded.</p>\n");
}

/* What the highlighted steps of a bug of 'kind' are. */
static const char *hit_legend(const char *kind) {
  static const struct {
    const char *kind, *what;
  } legend[] = {
      {"lost_update", "the read, the other thread's write it missed, and the write made from "
                      "the stale read"},
      {"data_race", "the two accesses that race"},
      {"deadlock", "where the threads of the cycle took the locks they hold (each one that "
                   "another of them waits for)"},
      {"potential_deadlock", "the acquisitions that close the cycle of the lock-order graph"},
      {"stuck", "the last step of a thread left waiting"},
      {"barrier_broken", "where the barrier broke"},
      {"assertion", "the check that failed"},
      {"error", "where the error escaped"},
      {"step_limit", "the step at which the run was stopped"}};
  for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++)
    if (kind && !strcmp(kind, legend[i].kind)) return legend[i].what;
  return "the steps involved";
}

/* The id of the first finding of signature 'sig' in run 'run', or -1. */
static long long finding_in_run(Report *r, long long run, const char *sig) {
  long long id = -1;
  sqlite3_stmt *st = report_prep(r, "SELECT id FROM findings WHERE run_id = ? AND signature = ?"
                             " ORDER BY id LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, run);
  sqlite3_bind_text(st, 2, sig ? sig : "", -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return id;
}

/*
** The run that shows bug 'g' (run idx g->first_run) step by step, its steps
** that make the bug highlighted (the headline finding's events in that
** run), and for a deadlock or a stuck run its wait-for graph.
*/
static void html_bug_run(Report *r, long long expl, const RepBug *g, const char *script) {
  StrBuf *o = &r->out;
  char first[48];
  report_run_label(first, sizeof first, g->first_run, r->keyed);
  long long v[2]; /* runs.id, recorded */
  sqlite3_stmt *st = report_prep(r, "SELECT id, recorded FROM runs WHERE exploration_id = ? AND idx = ?"
                             " ORDER BY id LIMIT 1");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_int64(st, 2, g->first_run);
  v[0] = v[1] = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v[0] = report_num_col(st, 0), v[1] = report_num_col(st, 1);
  sqlite3_finalize(st);
  if (v[0] < 0 || v[1] != 1) {
    sb_printf(o, "<p class=\"small\">The events of run %s are not in this database (%s); "
                 "the replay command above runs the bug again and prints it step by step.</p>\n",
              first, v[0] < 0 ? "nor is the run" : "--record none keeps none");
    return;
  }
  /* the headline's finding in that run, or any of the bug's that is there */
  long long fid = -1;
  for (size_t j = 0; j < g->nobs && fid < 0; j++) fid = finding_in_run(r, v[0], g->obs[j].sig);
  Steps hits = {0}, conseq = {0};
  if (fid >= 0) finding_steps(r, fid, &hits);
  if (fid >= 0 && !hits.n) { /* no events named: the step where it was detected */
    long long step;
    report_int_row(r, "SELECT step FROM findings WHERE id = ?", fid, &step, 1);
    if (step >= 0) steps_add(&hits, step);
  }
  long long stuck = -1; /* a stuck state that followed (from an error): its waits */
  for (size_t j = 1; j < g->nobs; j++) {
    if (!g->obs[j].role || strcmp(g->obs[j].role, "consequence")) continue;
    long long step, cf = finding_in_run(r, v[0], g->obs[j].sig);
    if (cf >= 0 && g->obs[j].kind && !strcmp(g->obs[j].kind, "stuck")) {
      blocked_steps(r, v[0], &conseq); /* what followed: the threads left waiting */
      stuck = cf;
      continue;
    }
    report_int_row(r, "SELECT step FROM findings WHERE id = ?", cf, &step, 1);
    if (cf >= 0 && step >= 0 && !steps_has(&hits, step)) steps_add(&conseq, step);
  }
  if (g->shrunk_schedule && fid >= 0) { /* the message tells the shorter run */
    sqlite3_stmt *m = report_prep(r, "SELECT message FROM findings WHERE id = ?");
    if (m) {
      sqlite3_bind_int64(m, 1, fid);
      if (sqlite3_step(m) == SQLITE_ROW) {
        sb_printf(o, "<p class=\"small\">Below is run %s, the first to show this bug whole. The "
                     "replay command above replays a shorter run, the one the message above "
                     "tells; run %s told it so: ",
                  first, first);
        sb_html(o, report_col(m, 0));
        sb_puts(o, "</p>\n");
      }
      sqlite3_finalize(m);
    }
  }
  if (fid >= 0 && g->kind && (!strcmp(g->kind, "deadlock") || !strcmp(g->kind, "stuck")))
    html_waits(r, fid, v[0]);
  else if (stuck >= 0)
    html_waits(r, stuck, v[0]);
  sb_printf(o, "<details open><summary>Run %s, step by step: one column per thread. "
               "<span class=\"key\" style=\"background:#ffcf5c\"></span>%s",
            first, hit_legend(g->kind));
  if (conseq.n)
    sb_puts(o, "; <span class=\"key\" style=\"background:#f6b3b3\"></span>what followed from it");
  sb_puts(o, "; <span class=\"pre\">&#x21c4;</span> a preemption (the thread of the step before "
             "could have gone on). Hover a step for where it happened.</summary>\n");
  html_timeline(r, v[0], &hits, &conseq, script);
  sb_puts(o, "</details>\n");
  free(hits.v);
  free(conseq.v);
}

/* Bug number 'k' of exploration 'expl' ('runs' explored). */
static void html_bug(Report *r, long long expl, long long runs, int k, const RepBug *g,
                     const char *script) {
  StrBuf *o = &r->out;
  char first[48];
  report_run_label(first, sizeof first, g->first_run, r->keyed);
  sb_printf(o, "<div class=\"bug\" id=\"bug-%lld-%d\" data-run=\"%lld\" data-kind=\"", expl, k,
            g->first_run);
  sb_html(o, g->kind ? g->kind : "");
  sb_printf(o, "\"><h4>[%d] <span class=\"kind\">", k);
  sb_html(o, g->kind ? g->kind : "?");
  if (g->kind && !strcmp(g->kind, "potential_deadlock"))
    sb_printf(o, "</span> &mdash; in the lock-order graph of %lld run%s; the cycle was complete "
                 "in <span class=\"run\">run %s</span>",
              runs, util_plural(runs), first);
  else
    sb_printf(o, "</span> &mdash; in %lld of %lld run%s; shown: <span class=\"run\">run "
                 "%s</span>",
              g->runs, runs, util_plural(runs), first);
  if (g->steps >= 0) sb_printf(o, " (%lld step%s", g->steps, util_plural(g->steps));
  if (g->steps >= 0 && g->preemptions >= 0)
    sb_printf(o, ", %lld preemption%s", g->preemptions, util_plural(g->preemptions));
  if (g->steps >= 0) sb_puts(o, ")");
  sb_puts(o, "</h4>\n<p class=\"msg\">");
  sb_html(o, g->message ? g->message : "");
  sb_puts(o, "</p>\n");
  if (g->note) {
    sb_puts(o, "<p class=\"small\">");
    sb_html(o, g->note);
    sb_puts(o, "</p>\n");
  }
  if (g->nobs > 1) {
    sb_puts(o, "<table class=\"folds\"><tr><th>folded in</th><th>kind</th><th>runs</th>"
               "<th>first run</th><th>what it says</th></tr>\n");
    for (size_t j = 1; j < g->nobs; j++) {
      const RepObs *e = &g->obs[j];
      sb_puts(o, "<tr><td class=\"role\">");
      sb_html(o, e->role ? e->role : "");
      sb_puts(o, "</td><td>");
      sb_html(o, e->kind ? e->kind : "");
      sb_printf(o, "</td><td>%lld</td><td class=\"run\">run %s</td><td>", e->runs,
                report_run_label(first, sizeof first, e->first_run, r->keyed));
      sb_html(o, e->message ? e->message : "");
      sb_puts(o, "</td></tr>\n");
    }
    sb_puts(o, "</table>\n");
  }
  if (g->replay) {
    sb_puts(o, "<p>Replay it");
    if (g->shrunk_schedule)
      sb_printf(o, " (shrunk to %lld step%s and %lld preemption%s)", g->shrunk_steps,
                util_plural(g->shrunk_steps), g->shrunk_preemptions, util_plural(g->shrunk_preemptions));
    sb_puts(o, ":</p><code class=\"replay\">");
    sb_html(o, g->replay);
    sb_puts(o, "</code>\n");
  }
  html_bug_run(r, expl, g, script);
  sb_puts(o, "</div>\n");
}

int report_html(Report *r) {
  StrBuf *o = &r->out;
  char now[32];
  util_utc_stamp(now);
  sb_printf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; img-src data:\">"
               "<title>racesim report</title><style>%s</style></head><body>\n",
            css);
  sb_puts(o, "<h1>racesim report</h1><p class=\"small\">");
  sb_html(o, r->path);
  sb_printf(o, " &middot; generated %s by racesim %s</p>\n", now, RACESIM_VERSION);
  sqlite3_stmt *x = report_prep(r, "SELECT id, script, strategy, base_seed, runs, steps, complete,"
                            " status, mode, shard, started_at, params FROM explorations"
                            " WHERE ?1 < 0 OR id = ?1 ORDER BY id");
  if (!x) return 2;
  sqlite3_bind_int64(x, 1, r->expl);
  while (sqlite3_step(x) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(x, 0), runs = sqlite3_column_int64(x, 4);
    r->keyed = report_keyed_runs(report_col(x, 2), report_col(x, 9));
    char script[1024];
    snprintf(script, sizeof script, "%s", report_col(x, 1));
    sb_printf(o, "<section id=\"exploration-%lld\"><h2>Exploration %lld: ", id, id);
    sb_html(o, util_basename(script));
    sb_puts(o, "</h2><table>");
    char buf[128];
    html_summary_row(o, "script", script);
    html_summary_row(o, "strategy", report_col(x, 2));
    html_summary_row(o, "base seed", report_col(x, 3));
    if (report_col(x, 11)[0]) html_summary_row(o, "parameters", report_col(x, 11));
    snprintf(buf, sizeof buf, "%lld run%s, %lld steps", runs, util_plural(runs),
             sqlite3_column_int64(x, 5));
    html_summary_row(o, "explored", buf);
    html_summary_row(o, "complete", sqlite3_column_int(x, 6) ? "yes: every interleaving" : "no");
    html_summary_row(o, "status", report_col(x, 7));
    html_summary_row(o, "mode", report_col(x, 8));
    html_summary_row(o, "shard", report_col(x, 9));
    html_summary_row(o, "started", report_col(x, 10));
    sb_puts(o, "</table>\n<h3>Bugs</h3>\n");
    BugSet bs;
    if (report_load_bugs(r, id, &bs) != 0) {
      report_bugs_free(&bs);
      sqlite3_finalize(x);
      return 2;
    }
    if (!bs.n) {
      sb_puts(o, "<p class=\"clean\">No findings.</p>\n");
    } else {
      StrBuf c;
      sb_init(&c);
      report_bug_count(&c, &bs, report_col(x, 7));
      sb_puts(o, "<p class=\"count\">");
      sb_html(o, c.s);
      sb_puts(o, "</p>\n");
      sb_free(&c);
    }
    for (size_t k = 0; k < bs.n; k++) html_bug(r, id, runs, (int)k + 1, &bs.v[k], script);
    report_bugs_free(&bs);
    sb_puts(o, "<h3>Lock-order graph</h3>\n");
    html_lock_graph(r, id);
    sb_puts(o, "<h3>Synchronization coverage</h3>\n");
    html_coverage(r, id);
    sb_puts(o, "</section>\n");
  }
  sqlite3_finalize(x);
  sb_puts(o, "</body></html>\n");
  return 0;
}
