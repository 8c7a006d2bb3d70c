/*
** report.c - `racesim report DB [--exploration ID] [--run N] [--html FILE]
** [--json]`.
**
** Reads a trace database and prints what it holds: every exploration (or
** the one of --exploration) with its distinct findings (counts, first run,
** explanation, replay command), or one run step by step (--run N: N is the
** run index users see, runs.idx, in the latest exploration or the one
** given), as text, JSON, or one self-contained HTML
** file (no network, no external assets): the summary, each finding with a
** swimlane timeline of its failing run (one lane per thread, one row per
** step, the events involved highlighted, source lines on hover), the
** lock-order graph as inline SVG, and the synchronization coverage.  Every
** name that comes from a scenario is escaped.
*/
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "trace.h"
#include "util.h"

typedef struct Report {
  sqlite3 *db;
  const char *path;
  int json;
  long long expl; /* --exploration ID, or -1: every exploration */
  StrBuf out;
} Report;

static const char *col(sqlite3_stmt *st, int i) {
  const unsigned char *s = sqlite3_column_text(st, i);
  return s ? (const char *)s : "";
}

static sqlite3_stmt *prep(Report *r, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "racesim report: %s\n", sqlite3_errmsg(r->db));
    return NULL;
  }
  return st;
}

/* Open a racesim database read-only, refusing anything else. */
static int open_db(Report *r, const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0) {
    fprintf(stderr, "racesim report: '%s' does not exist\n", path);
    return -1;
  }
  if (S_ISDIR(sb.st_mode)) {
    fprintf(stderr, "racesim report: '%s' is a directory, not a trace database\n", path);
    return -1;
  }
  if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    fprintf(stderr, "racesim report: cannot open '%s'\n", path);
    return -1;
  }
  sqlite3_busy_timeout(r->db, 10000);
  sqlite3_stmt *st;
  int ok = 0;
  long long v = -1;
  if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key='application'", -1, &st,
                         NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) ok = !strcmp(col(st, 0), "racesim");
    sqlite3_finalize(st);
  }
  if (sqlite3_prepare_v2(r->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  if (!ok) {
    fprintf(stderr, "racesim report: '%s' is not a racesim trace database\n", path);
    return -1;
  }
  if (v != TRACE_SCHEMA_VERSION) {
    fprintf(stderr,
            "racesim report: '%s' is a racesim trace database of schema version %lld; this "
            "racesim reads version %d\n",
            path, v, TRACE_SCHEMA_VERSION);
    return -1;
  }
  return 0;
}

/* The replay command stored with the first occurrence of a signature. */
static char *replay_of(Report *r, long long expl, const char *sig) {
  sqlite3_stmt *st = prep(r, "SELECT json_extract(f.details, '$.replay') FROM findings f"
                             " JOIN runs r ON r.id = f.run_id WHERE r.exploration_id = ?"
                             " AND f.signature = ? ORDER BY r.idx LIMIT 1");
  char *out = NULL;
  if (!st) return NULL;
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_text(st, 2, sig, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    out = util_xstrdup(col(st, 0));
  sqlite3_finalize(st);
  return out;
}

/* ---- text and JSON ---------------------------------------------------- */

static int summary(Report *r) {
  StrBuf *o = &r->out;
  sqlite3_stmt *x = prep(r, "SELECT id, script, strategy, base_seed, runs, steps, complete,"
                            " status, mode, shard, started_at, finished_at, params, pruned"
                            " FROM explorations WHERE ?1 < 0 OR id = ?1 ORDER BY id");
  if (!x) return 2;
  sqlite3_bind_int64(x, 1, r->expl);
  if (r->json) sb_printf(o, "{\"db\": "), sb_json_str(o, r->path), sb_puts(o, ", \"explorations\": [");
  int n = 0;
  while (sqlite3_step(x) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(x, 0);
    if (r->json) {
      sb_printf(o, "%s{\"id\": %lld, \"script\": ", n ? ", " : "", id);
      sb_json_str(o, col(x, 1));
      sb_puts(o, ", \"strategy\": ");
      sb_json_str(o, col(x, 2));
      sb_puts(o, ", \"base_seed\": ");
      sb_json_str(o, col(x, 3));
      sb_printf(o, ", \"runs\": %lld, \"steps\": %lld, \"complete\": %s, \"pruned\": %lld, \"status\": ",
                sqlite3_column_int64(x, 4), sqlite3_column_int64(x, 5),
                sqlite3_column_int(x, 6) ? "true" : "false", sqlite3_column_int64(x, 13));
      sb_json_str(o, col(x, 7));
      sb_puts(o, ", \"mode\": ");
      sb_json_str(o, col(x, 8));
      sb_puts(o, ", \"shard\": ");
      sb_json_str(o, col(x, 9));
      sb_puts(o, ", \"params\": ");
      sb_json_str(o, col(x, 12));
      sb_puts(o, ", \"started_at\": ");
      sb_json_str(o, col(x, 10));
      sb_puts(o, ", \"findings\": [");
    } else {
      sb_printf(o, "exploration %lld: %s, strategy %s, base seed %s%s%s\n", id, col(x, 1), col(x, 2),
                col(x, 3), col(x, 12)[0] ? ", -D " : "", col(x, 12));
      sb_printf(o, "  %lld run%s, %lld steps, %s, %s (%s mode, shard %s, started %s)\n",
                sqlite3_column_int64(x, 4), sqlite3_column_int64(x, 4) == 1 ? "" : "s",
                sqlite3_column_int64(x, 5),
                sqlite3_column_int(x, 6) ? "complete" : "not complete", col(x, 7), col(x, 8),
                col(x, 9), col(x, 10));
    }
    sqlite3_stmt *f = prep(r, "SELECT kind, signature, runs, first_run, message"
                              " FROM distinct_findings WHERE exploration_id = ?"
                              " ORDER BY first_run, kind");
    if (!f) return 2;
    sqlite3_bind_int64(f, 1, id);
    int k = 0;
    while (sqlite3_step(f) == SQLITE_ROW) {
      char *replay = replay_of(r, id, col(f, 1));
      if (r->json) {
        sb_printf(o, "%s{\"kind\": \"%s\", \"count\": %lld, \"first_run\": %lld, \"message\": ",
                  k ? ", " : "", col(f, 0), sqlite3_column_int64(f, 2), sqlite3_column_int64(f, 3));
        sb_json_str(o, col(f, 4));
        sb_puts(o, ", \"replay\": ");
        if (replay) sb_json_str(o, replay);
        else sb_puts(o, "null");
        sb_puts(o, "}");
      } else {
        sb_printf(o, "  [%d] %s: in %lld run%s (first: run %lld)\n      %s\n", k + 1, col(f, 0),
                  sqlite3_column_int64(f, 2), sqlite3_column_int64(f, 2) == 1 ? "" : "s",
                  sqlite3_column_int64(f, 3), col(f, 4));
        if (replay) sb_printf(o, "      replay: %s\n", replay);
      }
      free(replay);
      k++;
    }
    sqlite3_finalize(f);
    if (r->json) sb_puts(o, "]}");
    else if (!k) sb_puts(o, "  no findings\n");
    if (!r->json) sb_putc(o, '\n');
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
static void int_row(Report *r, const char *sql, long long arg, long long *v, int n) {
  for (int i = 0; i < n; i++) v[i] = -1;
  sqlite3_stmt *st = prep(r, sql);
  if (!st) return;
  if (sqlite3_bind_parameter_count(st)) sqlite3_bind_int64(st, 1, arg);
  if (sqlite3_step(st) == SQLITE_ROW)
    for (int i = 0; i < n; i++)
      if (sqlite3_column_type(st, i) != SQLITE_NULL) v[i] = sqlite3_column_int64(st, i);
  sqlite3_finalize(st);
}

/*
** Check r->expl (--exploration ID), or, with 'latest' and no ID given, make
** it the latest exploration.  0, or 2 after saying which explorations DB has.
*/
static int resolve_exploration(Report *r, int latest) {
  if (r->expl < 0 && !latest) return 0;
  long long all[3]; /* count, min(id), max(id) */
  int_row(r, "SELECT count(*), min(id), max(id) FROM explorations", 0, all, 3);
  if (all[0] <= 0) {
    fprintf(stderr, "racesim report: '%s' holds no exploration (nothing was run into it)\n",
            r->path);
    return 2;
  }
  if (r->expl < 0) r->expl = all[2];
  long long found;
  int_row(r, "SELECT id FROM explorations WHERE id = ?", r->expl, &found, 1);
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
static long long find_run(Report *r, long long idx, int given) {
  sqlite3_stmt *st = prep(r, "SELECT id FROM runs WHERE exploration_id = ? AND idx = ?"
                             " ORDER BY id LIMIT 1");
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, r->expl);
  sqlite3_bind_int64(st, 2, idx);
  long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  if (id >= 0) return id;
  long long n[3]; /* count, min(idx), max(idx) */
  int_row(r, "SELECT count(*), min(idx), max(idx) FROM runs WHERE exploration_id = ?", r->expl,
          n, 3);
  fprintf(stderr, "racesim report: exploration %lld%s of '%s' has no run %lld: ", r->expl,
          given ? "" : " (the latest)", r->path, idx);
  if (n[0] <= 0) fprintf(stderr, "it has no runs");
  else if (n[0] == 1) fprintf(stderr, "it has 1 run, index %lld", n[1]);
  else
    fprintf(stderr, "it has %lld runs, indices %lld to %lld%s", n[0], n[1], n[2],
            n[2] - n[1] + 1 == n[0] ? "" : " (not every index in between: a shard)");
  fprintf(stderr, "%s\n", given ? "" : "; --exploration ID looks in another");
  return -1;
}

/* The run whose runs.id is 'run', step by step. */
static int one_run(Report *r, long long run) {
  StrBuf *o = &r->out;
  sqlite3_stmt *st = prep(r, "SELECT r.idx, r.seed, r.schedule, r.steps, r.status, x.script,"
                             " r.recorded, r.exploration_id FROM runs r JOIN explorations x"
                             " ON x.id = r.exploration_id WHERE r.id = ?");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  if (sqlite3_step(st) != SQLITE_ROW) {
    fprintf(stderr, "racesim report: there is no run %lld in '%s'\n", run, r->path);
    sqlite3_finalize(st);
    return 2;
  }
  int recorded = sqlite3_column_int(st, 6);
  if (r->json) {
    sb_printf(o, "{\"exploration\": %lld, \"run\": %lld, \"index\": %lld, \"seed\": ",
              sqlite3_column_int64(st, 7), run, sqlite3_column_int64(st, 0));
    sb_json_str(o, col(st, 1));
    sb_puts(o, ", \"schedule\": ");
    sb_json_str(o, col(st, 2));
    sb_printf(o, ", \"steps\": %lld, \"status\": ", sqlite3_column_int64(st, 3));
    sb_json_str(o, col(st, 4));
    sb_puts(o, ", \"script\": ");
    sb_json_str(o, col(st, 5));
    sb_puts(o, ", \"events\": [");
  } else {
    sb_printf(o, "run %lld of exploration %lld (%s; runs.id %lld): %s, %lld steps, seed %s\n",
              sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 7), col(st, 5), run,
              col(st, 4), sqlite3_column_int64(st, 3), col(st, 1));
    if (!recorded)
      sb_printf(o, "its events were not recorded (use --record all, or replay it: racesim "
                   "replay %s --schedule %s)\n",
                col(st, 5), col(st, 2));
    sb_printf(o, "%5s %8s  %-14s %-11s %-18s %-14s %s\n", "step", "time", "thread", "op",
              "object", "value", "line");
  }
  sqlite3_finalize(st);
  st = prep(r, "SELECT step, vtime, thread, op, object, value, line, flags FROM events_readable"
               " WHERE run_id = ? ORDER BY step");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  int k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (r->json) {
      sb_printf(o, "%s{\"step\": %lld, \"time\": %g, \"thread\": ", k ? ", " : "",
                sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
      sb_json_str(o, col(st, 2));
      sb_puts(o, ", \"op\": ");
      sb_json_str(o, col(st, 3));
      sb_puts(o, ", \"object\": ");
      if (sqlite3_column_type(st, 4) == SQLITE_NULL) sb_puts(o, "null");
      else sb_json_str(o, col(st, 4));
      sb_puts(o, ", \"value\": ");
      if (sqlite3_column_type(st, 5) == SQLITE_NULL) sb_puts(o, "null");
      else sb_json_str(o, col(st, 5));
      sb_printf(o, ", \"line\": %lld}", sqlite3_column_int64(st, 6));
    } else {
      char line[32] = "";
      if (sqlite3_column_int64(st, 6) > 0)
        snprintf(line, sizeof line, "line %lld", sqlite3_column_int64(st, 6));
      sb_printf(o, "%5lld %8.3f  %-14s %-11s %-18s %-14s %s%s%s%s\n", sqlite3_column_int64(st, 0),
                sqlite3_column_double(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5),
                line, col(st, 7)[0] ? "  [" : "", col(st, 7), col(st, 7)[0] ? "]" : "");
    }
    k++;
  }
  sqlite3_finalize(st);
  st = prep(r, "SELECT kind, message FROM findings WHERE run_id = ? ORDER BY id");
  if (!st) return 2;
  sqlite3_bind_int64(st, 1, run);
  if (r->json) sb_puts(o, "], \"findings\": [");
  k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (r->json) {
      sb_printf(o, "%s{\"kind\": \"%s\", \"message\": ", k ? ", " : "", col(st, 0));
      sb_json_str(o, col(st, 1));
      sb_puts(o, "}");
    } else {
      sb_printf(o, "%s%s: %s\n", k ? "" : "\nfindings:\n", col(st, 0), col(st, 1));
    }
    k++;
  }
  sqlite3_finalize(st);
  if (r->json) sb_puts(o, "]}\n");
  return 0;
}

/* ---- HTML ------------------------------------------------------------- */

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
    "h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}"
    "h3{font-size:1.05em}code,pre,.mono{font-family:ui-monospace,monospace;font-size:13px}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;"
    "vertical-align:top}th{background:#f3f3f3;text-align:left}"
    ".kind{font-weight:bold;color:#a00}.clean{color:#070}"
    ".lane td{white-space:nowrap}.lane td.ev{background:#f7f7ff}"
    ".lane tr.hit td{background:#ffe9b3}.lane tr.hit td.ev{background:#ffcf5c;font-weight:bold}"
    ".replay{background:#f6f6f6;padding:4px 8px;border-radius:4px;display:block;"
    "overflow-x:auto;white-space:pre}.small{color:#666;font-size:12px}";

static void html_summary_row(StrBuf *o, const char *k, const char *v) {
  sb_puts(o, "<tr><th>");
  sb_html(o, k);
  sb_puts(o, "</th><td>");
  sb_html(o, v);
  sb_puts(o, "</td></tr>");
}

/* The swimlane timeline of run 'run', highlighting 'hits' (event steps). */
static void html_timeline(Report *r, long long run, const char *hits, const char *script) {
  StrBuf *o = &r->out;
  sqlite3_stmt *th = prep(r, "SELECT tid, name FROM threads WHERE run_id = ? ORDER BY tid");
  if (!th) return;
  sqlite3_bind_int64(th, 1, run);
  int nt = 0;
  sb_puts(o, "<table class=\"lane mono\"><tr><th>step</th><th>time</th>");
  while (sqlite3_step(th) == SQLITE_ROW) {
    sb_puts(o, "<th>");
    sb_html(o, col(th, 1));
    sb_puts(o, "</th>");
    nt++;
  }
  sqlite3_finalize(th);
  sb_puts(o, "</tr>\n");
  sqlite3_stmt *st = prep(r, "SELECT e.step, e.vtime, e.thread, e.op, o.name, e.value, e.line,"
                             " e.flags FROM events e LEFT JOIN objects o ON o.run_id ="
                             " e.run_id AND o.oid = e.object WHERE e.run_id = ? ORDER BY e.step");
  if (!st) return;
  sqlite3_bind_int64(st, 1, run);
  while (sqlite3_step(st) == SQLITE_ROW) {
    long long step = sqlite3_column_int64(st, 0);
    int tid = sqlite3_column_int(st, 2);
    char key[32];
    snprintf(key, sizeof key, ",%lld,", step);
    int hit = hits && strstr(hits, key) != NULL;
    sb_printf(o, "<tr%s><td>%lld</td><td>%g</td>", hit ? " class=\"hit\"" : "", step,
              sqlite3_column_double(st, 1));
    for (int t = 0; t < nt; t++) {
      if (t != tid) {
        sb_puts(o, "<td></td>");
        continue;
      }
      sb_puts(o, "<td class=\"ev\"");
      if (sqlite3_column_int64(st, 6) > 0) {
        StrBuf site;
        sb_init(&site);
        sb_printf(&site, "%s:%lld", util_basename(script), sqlite3_column_int64(st, 6));
        sb_puts(o, " title=\"");
        sb_html(o, site.s);
        sb_puts(o, "\"");
        sb_free(&site);
      }
      sb_puts(o, ">");
      sb_html(o, col(st, 3));
      if (col(st, 4)[0]) {
        sb_puts(o, " ");
        sb_html(o, col(st, 4));
      }
      if (col(st, 5)[0]) {
        sb_puts(o, " = ");
        sb_html(o, col(st, 5));
      }
      if (col(st, 7)[0]) {
        sb_puts(o, " <span class=\"small\">[");
        sb_html(o, col(st, 7));
        sb_puts(o, "]</span>");
      }
      sb_puts(o, "</td>");
    }
    sb_puts(o, "</tr>\n");
  }
  sqlite3_finalize(st);
  sb_puts(o, "</table>\n");
}

/* The lock-order graph of exploration 'expl' as inline SVG. */
static void html_lock_graph(Report *r, long long expl) {
  StrBuf *o = &r->out;
  sqlite3_stmt *st = prep(r, "SELECT from_lock, to_lock, thread, line FROM lock_edges WHERE"
                             " exploration_id = ? ORDER BY from_lock, to_lock, thread");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  char **names = NULL;
  int nn = 0;
  size_t capn = 0;
  struct E {
    int a, b;
    char *label;
  } *es = NULL;
  size_t ne = 0, cape = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int ids[2];
    for (int k = 0; k < 2; k++) {
      const char *nm = col(st, k);
      ids[k] = -1;
      for (int i = 0; i < nn; i++)
        if (!strcmp(names[i], nm)) ids[k] = i;
      if (ids[k] < 0) {
        UTIL_GROW(names, (size_t)nn + 1, capn);
        names[nn] = util_xstrdup(nm);
        ids[k] = nn++;
      }
    }
    UTIL_GROW(es, ne + 1, cape);
    StrBuf l;
    sb_init(&l);
    sb_printf(&l, "%s:%lld", col(st, 2), sqlite3_column_int64(st, 3));
    es[ne++] = (struct E){ids[0], ids[1], sb_take(&l)};
  }
  sqlite3_finalize(st);
  if (nn == 0) {
    sb_puts(o, "<p class=\"small\">No lock was taken while another was held.</p>\n");
    return;
  }
  double R = 40.0 + 30.0 * nn, cx = R + 80, cy = R + 40;
  sb_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\">"
               "<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" "
               "refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#a00\"/>"
               "</marker></defs>\n",
            2 * cx, 2 * cy);
  double *px = util_xmalloc(sizeof(double) * (size_t)nn), *py = util_xmalloc(sizeof(double) * (size_t)nn);
  for (int i = 0; i < nn; i++) {
    double a = 2 * M_PI * i / nn - M_PI / 2;
    px[i] = cx + R * cos(a), py[i] = cy + R * sin(a);
  }
  for (size_t k = 0; k < ne; k++) {
    double x1 = px[es[k].a], y1 = py[es[k].a], x2 = px[es[k].b], y2 = py[es[k].b];
    double dx = x2 - x1, dy = y2 - y1, len = sqrt(dx * dx + dy * dy);
    if (len < 1) len = 1;
    /* bend each direction a little so that A->B and B->A do not overlap */
    double nx = -dy / len * 18, ny = dx / len * 18;
    double sx = x1 + dx / len * 28, sy = y1 + dy / len * 16, ex = x2 - dx / len * 28, ey = y2 - dy / len * 16;
    sb_printf(o, "<path d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"#a00\" "
                 "marker-end=\"url(#arrow)\"/>",
              sx, sy, (x1 + x2) / 2 + nx, (y1 + y2) / 2 + ny, ex, ey);
    sb_printf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\">",
              (x1 + x2) / 2 + nx * 1.3, (y1 + y2) / 2 + ny * 1.3 + 4,
              nx > 1 ? "start" : nx < -1 ? "end" : "middle");
    sb_html(o, es[k].label);
    sb_puts(o, "</text>\n");
  }
  for (int i = 0; i < nn; i++) {
    sb_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"56\" height=\"24\" rx=\"4\" fill=\"#eef\" "
                 "stroke=\"#446\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                 "text-anchor=\"middle\" font-family=\"monospace\">",
              px[i] - 28, py[i] - 12, px[i], py[i] + 4);
    sb_html(o, names[i]);
    sb_puts(o, "</text>\n");
  }
  sb_puts(o, "</svg>\n");
  for (int i = 0; i < nn; i++) free(names[i]);
  for (size_t k = 0; k < ne; k++) free(es[k].label);
  free(names);
  free(es);
  free(px);
  free(py);
}

static void html_coverage(Report *r, long long expl) {
  StrBuf *o = &r->out;
  sqlite3_stmt *st = prep(r, "SELECT object, kind, item, runs, percent_of_runs FROM sync_coverage"
                             " WHERE exploration_id = ?");
  if (!st) return;
  sqlite3_bind_int64(st, 1, expl);
  int k = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (!k++)
      sb_puts(o, "<table><tr><th>object</th><th>what</th><th>seen</th><th>runs</th>"
                 "<th>% of runs</th></tr>\n");
    sb_puts(o, "<tr><td class=\"mono\">");
    sb_html(o, col(st, 0));
    sb_puts(o, "</td><td>");
    sb_html(o, col(st, 1));
    sb_puts(o, "</td><td class=\"mono\">");
    sb_html(o, col(st, 2));
    sb_printf(o, "</td><td>%lld</td><td>%.1f</td></tr>\n", sqlite3_column_int64(st, 3),
              sqlite3_column_double(st, 4));
  }
  sqlite3_finalize(st);
  if (k) sb_puts(o, "</table>\n");
  else sb_puts(o, "<p class=\"small\">No synchronization was recorded.</p>\n");
}

static int html(Report *r) {
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
  sqlite3_stmt *x = prep(r, "SELECT id, script, strategy, base_seed, runs, steps, complete,"
                            " status, mode, shard, started_at, params FROM explorations"
                            " WHERE ?1 < 0 OR id = ?1 ORDER BY id");
  if (!x) return 2;
  sqlite3_bind_int64(x, 1, r->expl);
  while (sqlite3_step(x) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(x, 0);
    char script[1024];
    snprintf(script, sizeof script, "%s", col(x, 1));
    sb_printf(o, "<section id=\"exploration-%lld\"><h2>Exploration %lld: ", id, id);
    sb_html(o, util_basename(script));
    sb_puts(o, "</h2><table>");
    char buf[128];
    html_summary_row(o, "script", script);
    html_summary_row(o, "strategy", col(x, 2));
    html_summary_row(o, "base seed", col(x, 3));
    if (col(x, 11)[0]) html_summary_row(o, "parameters", col(x, 11));
    snprintf(buf, sizeof buf, "%lld run%s, %lld steps", sqlite3_column_int64(x, 4),
             sqlite3_column_int64(x, 4) == 1 ? "" : "s", sqlite3_column_int64(x, 5));
    html_summary_row(o, "explored", buf);
    html_summary_row(o, "complete", sqlite3_column_int(x, 6) ? "yes: every interleaving" : "no");
    html_summary_row(o, "status", col(x, 7));
    html_summary_row(o, "mode", col(x, 8));
    html_summary_row(o, "shard", col(x, 9));
    html_summary_row(o, "started", col(x, 10));
    sb_puts(o, "</table>\n<h3>Findings</h3>\n");
    sqlite3_stmt *f = prep(r, "SELECT kind, signature, runs, first_run, message FROM"
                              " distinct_findings WHERE exploration_id = ? ORDER BY first_run, kind");
    if (!f) return 2;
    sqlite3_bind_int64(f, 1, id);
    int k = 0;
    while (sqlite3_step(f) == SQLITE_ROW) {
      k++;
      sb_printf(o, "<div class=\"finding\" id=\"finding-%lld-%d\"><p><span class=\"kind\">", id, k);
      sb_html(o, col(f, 0));
      sb_printf(o, "</span> &mdash; in %lld run%s, first in run %lld</p><p>",
                sqlite3_column_int64(f, 2), sqlite3_column_int64(f, 2) == 1 ? "" : "s",
                sqlite3_column_int64(f, 3));
      sb_html(o, col(f, 4));
      sb_puts(o, "</p>");
      char *replay = replay_of(r, id, col(f, 1));
      if (replay) {
        sb_puts(o, "<code class=\"replay\">");
        sb_html(o, replay);
        sb_puts(o, "</code>");
        free(replay);
      }
      /* the first run with this finding whose events were recorded */
      sqlite3_stmt *fr = prep(r, "SELECT r.id, f.details, r.idx FROM findings f JOIN runs r ON r.id ="
                                 " f.run_id WHERE r.exploration_id = ? AND f.signature = ? AND"
                                 " r.recorded = 1 ORDER BY r.idx LIMIT 1");
      if (fr) {
        sqlite3_bind_int64(fr, 1, id);
        sqlite3_bind_text(fr, 2, col(f, 1), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(fr) == SQLITE_ROW) {
          long long run = sqlite3_column_int64(fr, 0);
          /* ",3,7," from {"events":[3,7]} for quick lookups */
          StrBuf hits;
          sb_init(&hits);
          sb_putc(&hits, ',');
          const char *d = strstr(col(fr, 1), "[");
          for (; d && *d && *d != ']'; d++) {
            if (*d >= '0' && *d <= '9') sb_putc(&hits, *d);
            else if (*d == ',') sb_putc(&hits, ',');
          }
          sb_putc(&hits, ',');
          sb_printf(o, "<details open><summary>the failing run (run %lld), step by step; the "
                       "steps involved are highlighted, hover for source lines</summary>\n",
                    sqlite3_column_int64(fr, 2));
          html_timeline(r, run, hits.s, script);
          sb_puts(o, "</details>");
          sb_free(&hits);
        }
        sqlite3_finalize(fr);
      }
      sb_puts(o, "</div>\n");
    }
    sqlite3_finalize(f);
    if (!k) sb_puts(o, "<p class=\"clean\">No findings.</p>\n");
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

const char cli_report_help[] =
    "usage: racesim report DB [--exploration ID] [--run N] [--json | --html FILE]\n"
    "\n"
    "Summarise the trace database DB: every exploration with its distinct findings\n"
    "(counts, the first run that showed each, explanation, replay command); or, with\n"
    "--run N, one run step by step.\n"
    "\n"
    "options (--opt V or --opt=V):\n"
    "  --run N            show run N step by step.  N is the run index, from 0: the\n"
    "                     number in \"first: run N\" (column runs.idx, not runs.id),\n"
    "                     looked for in the latest exploration in DB or in the one\n"
    "                     --exploration gives\n"
    "  --exploration ID   only exploration ID: the number a run prints as\n"
    "                     \"trace database: DB (exploration ID)\" (explorations.id)\n"
    "  --json             print one JSON object instead of text\n"
    "  --html FILE        write the whole report (explorations, findings, a timeline\n"
    "                     of each failing run, lock-order graph, coverage) as one\n"
    "                     self-contained HTML file\n"
    "\n"
    "exit status: 0 done, 2 bad usage, a missing or bad database, or no such\n"
    "exploration or run\n";

/* A --run or --exploration number into *out; 0, or 2 after a message. */
static int number_value(const char *name, const char *what, const char *v, long long *out) {
  uint64_t u;
  if (cli_parse_u64(v, &u) != 0 || u > INT64_MAX) {
    fprintf(stderr, "racesim report: %s needs %s (a number), got '%s'\n", name, what, v);
    return 2;
  }
  *out = (long long)u;
  return 0;
}

int cli_report(int argc, char **argv) {
  Report r;
  memset(&r, 0, sizeof r);
  sb_init(&r.out);
  r.expl = -1;
  const char *htmlfile = NULL, *v;
  long long run = -1;
  for (int i = 0; i < argc; i++) {
    int bad = 0;
    if (!strcmp(argv[i], "--json")) r.json = 1;
    else if ((v = cli_option_value(argc, argv, &i, "--html"))) {
      if (!*v) {
        fprintf(stderr, "racesim report: --html needs a file name\n");
        bad = 2;
      }
      htmlfile = v;
    } else if ((v = cli_option_value(argc, argv, &i, "--run")))
      bad = number_value("--run", "a run index", v, &run);
    else if ((v = cli_option_value(argc, argv, &i, "--exploration")))
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
  int given = r.expl >= 0;
  if (open_db(&r, r.path) != 0) {
    sqlite3_close(r.db);
    return 2;
  }
  int rc = resolve_exploration(&r, run >= 0 && !htmlfile);
  if (!rc && run >= 0 && !htmlfile) {
    long long id = find_run(&r, run, given);
    rc = id < 0 ? 2 : one_run(&r, id);
  } else if (!rc) {
    rc = htmlfile ? html(&r) : summary(&r);
  }
  sqlite3_close(r.db);
  if (rc == 0 && htmlfile) {
    FILE *f = fopen(htmlfile, "w");
    if (!f || fwrite(r.out.s, 1, r.out.len, f) != r.out.len) {
      fprintf(stderr, "racesim report: cannot write '%s'\n", htmlfile);
      rc = 2;
    } else {
      printf("wrote %s\n", htmlfile);
    }
    if (f) fclose(f);
  } else if (rc == 0) {
    fputs(r.out.s ? r.out.s : "", stdout);
  }
  sb_free(&r.out);
  return rc;
}
