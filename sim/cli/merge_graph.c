/*
** merge_graph.c - the lock-order cycles of a merged exploration that no
** shard could see: shard 1 only ever took A then B, shard 2 only B then A.
**
** Each shard keeps its lock-order graph in lock_edges, with what a search
** needs (lock_edges.graph: the stable keys of the locks and thread, the gate
** locks held, the first run's schedule token).  The merge rebuilds the
** graph from every shard's edges and searches its cycles as one exploration
** would (lockgraph.c); a cycle no shard reported becomes a potential
** deadlock of the merged exploration, a finding of the run that completed
** it, and goes into the bugs with the rest.  Like `racesim run`, the merge
** then steers a directed search toward it -- when the scenario is at hand:
** the script the explorations row names, unchanged (its SHA-256); else the
** finding says it was not verified, and why.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect.h"
#include "engine.h"
#include "explore.h"
#include "lockgraph.h"
#include "merge_int.h"
#include "token.h"
#include "util.h"

/* The exploration as its row tells it: what a directed search needs. */
typedef struct Expl {
  int64_t id;
  char *script, *sha256, *params; /* params: "k=v k=v" */
  uint64_t base_seed;
} Expl;

static char *col_dup(sqlite3_stmt *st, int i) {
  const unsigned char *s = sqlite3_column_text(st, i);
  return s ? util_xstrdup((const char *)s) : NULL;
}

static uint64_t col_hex(sqlite3_stmt *st, int i) {
  const unsigned char *s = sqlite3_column_text(st, i);
  return s ? strtoull((const char *)s, NULL, 16) : 0;
}

/* The edges that carry lock_edges.graph, into 'g'. */
static void load_edges(sqlite3 *db, int64_t expl, LockGraph *g) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          db,
          "SELECT from_lock, to_lock, thread, line, from_line, first_run, count,"
          " json_extract(graph, '$.from'), json_extract(graph, '$.to'),"
          " json_extract(graph, '$.thread'), json_extract(graph, '$.held'),"
          " json_extract(graph, '$.ordinal'), json_extract(graph, '$.seed'),"
          " json_extract(graph, '$.steps'), json_extract(graph, '$.preemptions')"
          " FROM lock_edges WHERE exploration_id = ? AND json_valid(graph) ORDER BY rowid",
          -1, &st, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64(st, 1, expl);
  while (sqlite3_step(st) == SQLITE_ROW) {
    LockGraphEdge e;
    memset(&e, 0, sizeof e);
    e.from_name = (const char *)sqlite3_column_text(st, 0);
    e.to_name = (const char *)sqlite3_column_text(st, 1);
    e.thread_name = (const char *)sqlite3_column_text(st, 2);
    if (!e.from_name || !e.to_name || !e.thread_name) continue;
    e.to_line = sqlite3_column_int(st, 3);
    e.from_line = sqlite3_column_int(st, 4);
    e.first_run = (uint64_t)sqlite3_column_int64(st, 5);
    e.count = (uint64_t)sqlite3_column_int64(st, 6);
    e.from = col_hex(st, 7), e.to = col_hex(st, 8), e.thread = col_hex(st, 9);
    const char *held = (const char *)sqlite3_column_text(st, 10);
    for (const char *p = held; p && *p && e.nheld < LOCKEDGE_MAX_HELD;) {
      char *end;
      e.held[e.nheld++] = strtoull(p, &end, 16);
      p = *end == ',' ? end + 1 : NULL;
    }
    e.ordinal = (uint32_t)sqlite3_column_int64(st, 11);
    const unsigned char *seed = sqlite3_column_text(st, 12);
    e.run.seed = seed ? strtoull((const char *)seed, NULL, 0) : 0;
    e.run.steps = (uint32_t)sqlite3_column_int64(st, 13);
    e.run.preemptions = (uint32_t)sqlite3_column_int64(st, 14);
    lockgraph_add_edge(g, &e);
  }
  sqlite3_finalize(st);
}

/* One text of the exploration's database ('sql' binds the exploration, then 'idx'). */
static char *query_text(sqlite3 *db, const char *sql, int64_t expl, int64_t idx) {
  sqlite3_stmt *st;
  char *out = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_int64(st, 1, expl);
  sqlite3_bind_int64(st, 2, idx);
  if (sqlite3_step(st) == SQLITE_ROW) out = col_dup(st, 0);
  sqlite3_finalize(st);
  return out;
}

/* "racesim replay SCRIPT --schedule TOKEN --db OUT" */
static char *replay_command(const char *script, const char *token, const char *out) {
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "racesim replay ");
  sb_shell_word(&b, script);
  sb_printf(&b, " --schedule %s --db ", token);
  sb_shell_word(&b, out);
  return sb_take(&b);
}

/* "k=v k=v" (explorations.params) as -D parameters, and as a token's "k=v\n" text. */
static int parse_params(const char *text, Param **out, StrBuf *tok) {
  StrBuf w;
  sb_init(&w);
  for (const char *p = text ? text : ""; (p = util_shell_word_next(p, &w));)
    sb_printf(tok, "%s\n", w.s);
  sb_free(&w);
  return explore_params_from_text(tok->s, out);
}

/*
** Steer a directed search toward the cycle 'sig' of 'g' with the scenario
** of 'x', as racesim run confirms a potential deadlock: its verdict, for
** the finding's note (malloc'd).
*/
static char *verify(const Expl *x, const LockGraph *g, uint64_t sig, const char *out) {
  StrBuf b;
  sb_init(&b);
  if (!x->script || access(x->script, R_OK) != 0) {
    sb_printf(&b, "not verified: the scenario '%s' is not at hand here, and the directed search "
                  "that would confirm it runs the scenario (merge where it is, or run the "
                  "lock orders' replays)",
              x->script ? x->script : "?");
    return sb_take(&b);
  }
  Param *params;
  StrBuf ptext;
  sb_init(&ptext);
  int np = parse_params(x->params, &params, &ptext);
  SimConfig cfg = {0};
  cfg.script = x->script;
  cfg.params = params;
  cfg.nparams = np;
  char err[512];
  DetectorSet dets;
  memset(&dets, 0, sizeof dets);
  Sim *sim = engine_open(&cfg, err, sizeof err);
  if (!sim) {
    sb_printf(&b, "not verified: the scenario '%s' does not load: %s", x->script, err);
  } else if (x->sha256 && strcmp(engine_sha256(sim), x->sha256) != 0) {
    sb_printf(&b, "not verified: the scenario '%s' has changed since the shards explored it",
              x->script);
  } else if (detect_open(&dets, NULL, err, sizeof err) != 0) {
    sb_printf(&b, "not verified: %s", err);
  } else {
    const char *names[LOCKGRAPH_MAX_CYCLE];
    int32_t lines[LOCKGRAPH_MAX_CYCLE];
    int n = lockgraph_cycle(g, sig, names, lines, NULL, NULL, LOCKGRAPH_MAX_CYCLE);
    uint64_t tries;
    SimRun *r = explore_directed_search(sim, &dets, x->base_seed, names, lines, n, &tries);
    if (r) {
      size_t len;
      const char *src = engine_source(sim, &len);
      uint8_t digest[4];
      token_script_digest(src, len, digest);
      TokenCoder *coder = token_coder_new();
      char *tok = token_encode_run(coder, digest, ptext.s, r);
      token_coder_free(coder);
      char *cmd = replay_command(x->script, tok, out);
      sb_printf(&b, "confirmed: a directed search deadlocked on it in %llu run%s: %s",
                (unsigned long long)tries, tries > 1 ? "s" : "", cmd);
      free(cmd);
      free(tok);
    } else {
      sb_printf(&b, "not reached in %llu directed runs: the threads may never hold these "
                    "locks at the same time (something else orders them)",
                (unsigned long long)tries);
    }
  }
  detect_close(&dets);
  engine_close(sim);
  for (int i = 0; i < np; i++) free(params[i].name), free(params[i].value);
  free(params);
  sb_free(&ptext);
  return sb_take(&b);
}

/* A new potential deadlock: a finding of run 'run', and an observation in 'fs'. */
static void add_cycle(Trace *t, const Expl *x, const LockGraph *g, size_t i, sqlite3 *db,
                      const char *out, FindingStore *fs, StrBuf *said) {
  uint64_t sig, run;
  const LockGraphRun *how;
  const char *msg = lockgraph_cycle_info(g, i, &sig, &run, &how);
  Distinct *d = explore_cycle_observation(fs, g, i);
  char *token = query_text(db,
                           "SELECT json_extract(graph, '$.schedule') FROM lock_edges"
                           " WHERE exploration_id = ? AND first_run = ? AND json_valid(graph)"
                           " LIMIT 1",
                           x->id, (int64_t)run);
  char *replay = token && x->script ? replay_command(x->script, token, out) : NULL;
  char *note = verify(x, g, sig, out);
  trace_late_finding(t, x->id, run, "potential_deadlock", sig, msg, replay, NULL, NULL, 0);
  d->schedule = token;
  d->replay = replay;
  d->note = note;
  sb_printf(said, "exploration %lld: a lock-order cycle across the shards' runs:\n    %s\n    %s\n",
            (long long)x->id, msg, note);
  if (replay) sb_printf(said, "    replay: %s\n", replay);
}

static void expl_free(Expl *x) {
  free(x->script);
  free(x->sha256);
  free(x->params);
}

int merge_cycles(Trace *t, sqlite3 *db, int64_t expl, const char *out, FindingStore *fs,
                 StrBuf *said) {
  Expl x = {expl, NULL, NULL, NULL, 0};
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT script, script_sha256, params, base_seed FROM explorations"
                         " WHERE id = ?",
                         -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64(st, 1, expl);
  if (sqlite3_step(st) == SQLITE_ROW) {
    x.script = col_dup(st, 0), x.sha256 = col_dup(st, 1), x.params = col_dup(st, 2);
    const unsigned char *seed = sqlite3_column_text(st, 3);
    x.base_seed = seed ? strtoull((const char *)seed, NULL, 0) : 0;
  }
  sqlite3_finalize(st);
  LockGraph *g = lockgraph_new();
  load_edges(db, expl, g);
  if (sqlite3_prepare_v2(db,
                         "SELECT count(*) FROM lock_edges WHERE exploration_id = ?"
                         " AND NOT json_valid(coalesce(graph, ''))",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, expl);
    long long old = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (old > 0)
      sb_printf(said, "exploration %lld: %lld lock edge%s recorded by an older racesim (without "
                      "lock_edges.graph) left out of the search for cycles across shards\n",
                (long long)expl, old, old == 1 ? "" : "s");
  }
  size_t n = lockgraph_cycles(g, x.script), added = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t sig, run;
    const LockGraphRun *how;
    lockgraph_cycle_info(g, i, &sig, &run, &how);
    char hex[24];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)sig);
    char *known = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT f.signature FROM findings f JOIN runs r ON r.id = f.run_id"
                           " WHERE r.exploration_id = ? AND f.kind = 'potential_deadlock'"
                           " AND f.signature = ? LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
      sqlite3_bind_int64(st, 1, expl);
      sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) known = col_dup(st, 0);
      sqlite3_finalize(st);
    }
    if (!known && !finding_get(fs, sig)) { /* no shard saw this one */
      add_cycle(t, &x, g, i, db, out, fs, said);
      added++;
    }
    free(known);
  }
  lockgraph_free(g);
  expl_free(&x);
  return (int)added;
}
