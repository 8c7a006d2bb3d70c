/*
** explore_merge.c - what a run means for an exploration: its findings
** merged into the distinct observations (what grouping into bugs will
** need of each: bug.h), the run recorded, and the replay commands.
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

/* The signal that stops the exploration: set by the handler, read by every
   worker's engine (engine_set_cut).  Lock-free, so the handler may store it. */
atomic_int explore_signal;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler must be able to set explore_signal");

/* ---- per-run bookkeeping --------------------------------------------- */

/*
** The command that replays a run: by its seed (a random run, unless
** 'token_only'), else by its schedule token; with the limits and the
** database the exploration had, so that the replay records where it did.
*/
char *explore_replay_command(Explore *x, uint64_t seed, const char *token, int token_only) {
  const ExploreOptions *o = x->o;
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "racesim replay ");
  sb_shell_word(&b, o->script);
  int by_seed = !token_only && (x->strat->ops->flags & STRAT_BY_SEED);
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

int explore_row_token(const Explore *x, const SimRun *r) {
  int failing = r->nfindings > 0 || r->end == END_ABORT;
  int by_seed = x->strat->ops->flags & STRAT_BY_SEED;
  return x->trace && !by_seed && (x->o->record != RECORD_NONE || failing);
}

char *explore_token(Explore *x, const SimRun *r) {
  if (!x->coder) x->coder = token_coder_new();
  return token_encode_run(x->coder, x->digest, x->params_text.s, r);
}

Strategy *explore_replayer(const Decision *dec, uint32_t ndec, uint64_t seed) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.replay = dec;
  c.nreplay = ndec;
  c.replay_seed = seed;
  return strategy_create("replay", &c);
}

char *explore_token_dec(Explore *x, uint64_t seed, uint32_t max_steps, const Decision *dec,
                        uint32_t ndec) {
  Strategy *rs = explore_replayer(dec, ndec, seed);
  const SimRun *r = engine_run(x->sim, rs, NULL, 0, 0);
  char *tok = NULL;
  if (r && r->end != END_DIVERGED && r->end != END_CUT && !rs->err[0] &&
      r->max_steps == max_steps)
    tok = explore_token(x, r);
  else tok = token_encode(x->digest, seed, max_steps, x->params_text.s, dec, ndec);
  strategy_destroy(rs);
  return tok;
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
uint64_t explore_lock_hash(const char *name) {
  uint64_t fam = finding_family(name);
  return fam ? fam : name_hash(name);
}

/* A stuck state or a barrier break told as the consequence of a failure:
   the break, the waits without the lead ("..., so w1 at x.lua:5 waits to
   acquire Lock 'm', ..."). */
static void failure_conseq(Distinct *d, const SimRun *r, const RunFinding *f) {
  StrBuf b;
  sb_init(&b);
  const char *m = run_finding_msg(r, f, &b);
  size_t lead = strlen(DETECT_STUCK_LEAD);
  if (f->kind == FIND_STUCK && !strncmp(m, DETECT_STUCK_LEAD, lead)) m += lead;
  d->conseq = util_xstrdup(m);
  sb_free(&b);
}

/*
** What grouping into bugs needs to know of a new observation (bug.h): its
** location and lines, the locks of its cycle, or how to say it as a
** consequence.  The same in every run with its signature.
*/
void explore_describe_obs(Distinct *d, const SimRun *r, const RunFinding *f) {
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
      if (o >= 0) d->locks[d->nlocks++] = explore_lock_hash(obj_name(r, o));
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
    failure_conseq(d, r, f);
    break;
  case FIND_BARRIER_BROKEN: failure_conseq(d, r, f); break;
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
  d->message = util_xstrdup(run_finding_msg(r, f, &x->scratch));
  free(d->dec);
  d->ndec = r->ndecisions;
  d->dec = util_xmalloc(sizeof(Decision) * (r->ndecisions ? r->ndecisions : 1));
  if (r->ndecisions) memcpy(d->dec, r->decisions, sizeof(Decision) * r->ndecisions);
  if (d->kind == FIND_STUCK || d->kind == FIND_BARRIER_BROKEN) { /* (this run's threads) */
    free(d->conseq);
    failure_conseq(d, r, f);
  }
  if (d->kind == FIND_ASSERTION || d->kind == FIND_ERROR) { /* how this run tells it */
    Distinct tmp;
    memset(&tmp, 0, sizeof tmp);
    explore_describe_obs(&tmp, r, f);
    free(d->conseq);
    d->conseq = tmp.conseq; /* (the values it names are this run's) */
  }
  if (finding_is_failure(d->kind) || d->kind == FIND_STUCK) {
    /* what it may come of, as this run tells it: the bug's headline when
       this run shows the bug (bug_headline_text), names and all */
    finding_clear_with(d);
    for (uint32_t i = 0; i < r->nfindings; i++) {
      const RunFinding *g = &r->findings[i];
      if (g != f && finding_told_with(g->kind))
        finding_add_with(d, g->sig, run_finding_msg(r, g, &x->scratch));
    }
  }
  if (!*token) *token = explore_token(x, r);
  free(d->schedule);
  d->schedule = util_xstrdup(*token);
  free(d->replay);
  d->replay = explore_replay_command(x, r->seed, *token, 0);
}

/*
** What thread 'tid' had read before event 'ev': the locations (x->dep_objs,
** how many in '*nobjs') and the threads whose writes it read
** (x->dep_from[t]).  One pass, keeping the last writer of each location.
*/
static void reads_of(Explore *x, const SimRun *r, int32_t tid, int32_t ev, size_t *nobjs) {
  UTIL_GROW(x->dep_writer, (size_t)r->nobjs + 1, x->cap_dep_writer);
  for (int32_t o = 0; o < r->nobjs; o++) x->dep_writer[o] = -1;
  UTIL_GROW(x->dep_from, (size_t)r->nthreads + 1, x->cap_dep_from);
  memset(x->dep_from, 0, (size_t)r->nthreads);
  size_t n = 0;
  for (int32_t i = 0; i < ev && (uint32_t)i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->obj < 0) continue;
    int reads = e->op == OP_READ || e->op == OP_ADD;
    if (e->tid == tid && reads) {
      int32_t w = x->dep_writer[e->obj];
      if (w >= 0 && w < r->nthreads) x->dep_from[w] = 1;
      size_t k = 0;
      while (k < n && x->dep_objs[k] != e->obj) k++;
      if (k == n) {
        UTIL_GROW(x->dep_objs, n + 1, x->cap_dep_objs);
        x->dep_objs[n++] = e->obj;
      }
    }
    if (e->op == OP_WRITE || e->op == OP_ADD || e->op == OP_INC || e->op == OP_NEW)
      x->dep_writer[e->obj] = e->tid;
  }
  *nobjs = n;
}

/*
** Did a failure depend on finding 'g' of its run?  It did if its thread
** took part in g, read g's location, or read a value one of g's threads
** wrote (its thread 'tid', and what reads_of found).
*/
static int depends_on(const Explore *x, const SimRun *r, int32_t tid, size_t nobjs,
                      const RunFinding *g) {
  for (int k = 0; k < FINDING_EVS; k++) { /* the threads of g */
    int32_t t = g->evs[k] >= 0 ? r->events[g->evs[k]].tid : -1;
    if (t >= 0 && t < r->nthreads && (t == tid || x->dep_from[t])) return 1;
  }
  for (size_t k = 0; k < nobjs; k++)
    if (x->dep_objs[k] == g->obj) return 1;
  return 0;
}

/*
** A failed check or an escaped error in this run: keep, as its possible
** causes, the lost updates and data races of the run (bug.h).
*/
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
    reads_of(x, r, f->tid, f->ev >= 0 ? f->ev : (int32_t)r->nevents, &nobjs);
    for (uint32_t j = 0; j < r->nfindings; j++) {
      const RunFinding *g = &r->findings[j];
      if ((g->kind != FIND_LOST_UPDATE && g->kind != FIND_DATA_RACE) ||
          !depends_on(x, r, f->tid, nobjs, g))
        continue;
      UTIL_GROW(x->related, nrel + 1, x->cap_related);
      x->related[nrel++] = g->sig;
    }
    finding_note_related(finding_get(&x->fs, f->sig), x->related, nrel);
  }
}

/*
** The findings of this run that came of others in it (RunFinding.because:
** a stuck wait of an error that ended the thread it needed, a
** BrokenBarrierError of its break): keep those others' signatures among
** the ones each depended on, which grouping joins into one bug (bug.h).
*/
static void note_because(Explore *x, const SimRun *r) {
  for (uint32_t i = 0; i < r->nfindings; i++) {
    const RunFinding *f = &r->findings[i];
    size_t nrel = 0;
    for (int k = 0; k < FINDING_CAUSES && f->because[k] >= 0; k++)
      for (uint32_t j = 0; j < r->nfindings; j++) {
        const RunFinding *g = &r->findings[j];
        if (j == i || g->ev != f->because[k] || !finding_is_failure(g->kind)) continue;
        UTIL_GROW(x->related, nrel + 1, x->cap_related);
        x->related[nrel++] = g->sig;
      }
    if (nrel) finding_note_related(finding_get(&x->fs, f->sig), x->related, nrel);
  }
}

void warnings_free(WarningList *w) {
  for (size_t i = 0; i < w->n; i++) {
    free(w->v[i].name);
    free(w->v[i].msg);
  }
  free(w->v);
  memset(w, 0, sizeof *w);
}

/* The run's warnings, each told as the run that saw the most threads write
   it did (the lowest-numbered of them).  math.random is news to an
   exhaustive search only: random and pct runs draw new numbers each run. */
static void merge_warnings(Explore *x, const SimRun *r) {
  for (uint32_t i = 0; i < r->nwarnings; i++) {
    const RunWarning *rw = &r->warnings[i];
    if (rw->kind == WARN_RANDOM && !(x->strat->ops->flags & STRAT_TREE)) continue;
    ExploreWarning *w = NULL;
    for (size_t k = 0; k < x->warnings.n && !w; k++)
      if (x->warnings.v[k].sig == rw->sig) w = &x->warnings.v[k];
    if (!w) {
      UTIL_GROW(x->warnings.v, x->warnings.n + 1, x->warnings.cap);
      w = &x->warnings.v[x->warnings.n++];
      memset(w, 0, sizeof *w);
      w->sig = rw->sig;
      w->kind = rw->kind;
      w->name = util_xstrdup(run_str(r, rw->name));
      w->first_run = UINT64_MAX;
    }
    w->runs++;
    if (rw->writers > w->writers || (rw->writers == w->writers && r->index < w->first_run)) {
      w->first_run = r->index;
      w->writers = rw->writers;
      free(w->msg);
      w->msg = util_xstrdup(run_str(r, rw->msg));
    }
  }
}

/* The count of kept runs of signature 'sig' in subtree 'sub' (0 if new). */
static uint64_t *kept_count(Explore *x, uint64_t sig, uint64_t sub) {
  return u64map_at(&x->kept, util_fnv_u64(util_fnv_u64(UTIL_FNV_INIT, sig), sub) | 1);
}

/*
** Are run r's events to be recorded?  With --record failing, a failing run's
** are if one of its signatures (or, for an error with no finding, errors)
** has had fewer than o->record_keep runs recorded: every run keeps its row
** and every bug its count, and the events stay as many as the bugs.  dfs
** counts per subtree: a subtree's runs come in the same order for any
** --jobs, the subtrees' runs mixed as the threads make them.
*/
static int records_events(Explore *x, const SimRun *r) {
  const ExploreOptions *o = x->o;
  if (o->record != RECORD_FAILING) return o->record == RECORD_ALL;
  uint64_t sub = x->dfs_subtrees ? r->index >> 32 : 0;
  if (!r->nfindings) {
    if (r->end != END_ABORT) return 0;
    uint64_t *n = kept_count(x, 0, sub);
    return *n < o->record_keep ? (++*n, 1) : 0;
  }
  int want = 0;
  for (size_t i = 0; i < x->nseen && !want; i++)
    want = *kept_count(x, x->seen[i], sub) < o->record_keep;
  for (size_t i = 0; i < x->nseen && want; i++) ++*kept_count(x, x->seen[i], sub);
  return want;
}

/*
** Merge the run's findings; record it.  Runs may come in any order (dfs
** subtrees): a finding shows the run with the lowest index.
*/
static int process_run(Explore *x, SimRun *r) {
  char *token = x->given_token; /* (ours now) */
  x->given_token = NULL;
  x->nseen = 0;
  UTIL_GROW(x->replays, (size_t)r->nfindings + 1, x->cap_replays);
  for (uint32_t i = 0; i < r->nfindings; i++) {
    const RunFinding *f = &r->findings[i];
    x->replays[i] = NULL;
    if (seen_in_run(x, f->sig)) continue;
    Distinct *d = finding_get(&x->fs, f->sig);
    if (!d) {
      d = finding_add(&x->fs, f->sig, f->kind);
      explore_describe_obs(d, r, f);
      show_run(x, d, r, f, &token);
    } else if (r->index < d->first_run) {
      show_run(x, d, r, f, &token);
    }
    d->count++;
    x->replays[i] = d->first_run == r->index ? d->replay : NULL;
  }
  note_causes(x, r);
  note_because(x, r);
  merge_warnings(x, r);
  UTIL_GROW(x->causes, x->nseen + 1, x->cap_causes); /* (a scratch copy: sorted) */
  if (x->nseen) memcpy(x->causes, x->seen, sizeof(uint64_t) * x->nseen);
  if (x->nseen) profiles_add(&x->profiles, x->causes, x->nseen);
  char **own = NULL; /* the other recorded runs' replay commands, for the database */
  int events = x->trace && records_events(x, r);
  if (events) {
    for (uint32_t i = 0; i < r->nfindings; i++) {
      if (x->replays[i] || seen_in_run_before(r, i)) continue;
      if (!own) own = util_xcalloc(r->nfindings, sizeof *own);
      if (!token) token = explore_token(x, r);
      own[i] = explore_replay_command(x, r->seed, token, 0);
      x->replays[i] = own[i];
    }
  }
  if (x->trace) {
    if (!token && (events || explore_row_token(x, r))) token = explore_token(x, r);
    int shown = 0; /* the run a signature shows keeps its findings' rows */
    for (uint32_t i = 0; i < r->nfindings && !shown; i++) shown = x->replays[i] != NULL;
    int provisional = 0;
    uint64_t idx = x->db_index ? x->db_index(x->db_index_ud, r->index, &provisional) : r->index;
    if (trace_run(x->trace, x->expl_id, idx, r, token, events, events || shown, x->replays,
                  provisional) < 0) {
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
** Will merging run 'r' tell one of its findings (a signature new, or first
** seen in a later run) or record its events, which need the call paths of
** its operations?  process_run's and records_events' questions, asked
** before them (and changing nothing).
*/
static int needs_sites(Explore *x, const SimRun *r) {
  for (uint32_t i = 0; i < r->nfindings; i++) {
    const Distinct *d = finding_get(&x->fs, r->findings[i].sig);
    if (!d || r->index < d->first_run) return 1;
  }
  const ExploreOptions *o = x->o;
  if (!x->trace || o->record != RECORD_FAILING) return o->record == RECORD_ALL && x->trace;
  uint64_t sub = x->dfs_subtrees ? r->index >> 32 : 0;
  if (!r->nfindings) return r->end == END_ABORT && *kept_count(x, 0, sub) < o->record_keep;
  for (uint32_t i = 0; i < r->nfindings; i++)
    if (*kept_count(x, r->findings[i].sig, sub) < o->record_keep) return 1;
  return 0;
}

/*
** Run 'r', made without its operations' call paths, with them: replayed
** (its decisions and seed) on the main engine, the run it was moved out of
** first.  The same run, step for step.  --time-limit does not cut it (the
** run itself ended in time); Ctrl-C does, and the run is then merged as it
** is, its messages with lines but not paths (the exploration stops).
*/
static SimRun *with_sites(Explore *x, SimRun *r) {
  if (!x->site_keep) {
    x->site_keep = util_xcalloc(1, sizeof *x->site_keep);
    run_init(x->site_keep);
  }
  SimRun *engine_run_was = engine_result(x->sim);
  engine_take_run(x->sim, x->site_keep); /* (r itself, with one job) */
  const SimRun *orig = r == engine_run_was ? x->site_keep : r;
  Strategy *rs = explore_replayer(orig->decisions, orig->ndecisions, orig->seed);
  engine_set_op_sites(x->sim, 1);
  engine_set_cut(x->sim, &explore_signal, 0);
  SimRun *s = engine_run(x->sim, rs, &x->dets, 0, orig->index);
  engine_set_cut(x->sim, &explore_signal, explore_deadline(x));
  engine_set_op_sites(x->sim, 0);
  int same = s && !rs->err[0] && s->end == orig->end && s->steps == orig->steps &&
             s->nevents == orig->nevents && s->nfindings == orig->nfindings;
  for (uint32_t i = 0; same && i < s->nfindings; i++)
    same = s->findings[i].sig == orig->findings[i].sig;
  strategy_destroy(rs);
  return same ? s : (SimRun *)orig;
}

/*
** What a run means for the exploration: merge it and record it.  'err' is
** the message of a divergence or of a scenario broken before any thread.
** Returns 0 to go on, 1 to stop (--stop-first), -1 on an error.
*/
int explore_handle_run(Explore *x, SimRun *r, const char *err, uint64_t budget) {
  const ExploreOptions *o = x->o;
  int replay = o->command == EXPLORE_REPLAY;
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
  if (x->lazy_sites && !r->op_sites && needs_sites(x, r)) r = with_sites(x, r);
  if (r->end == END_STEP_LIMIT || r->end == END_ABORT) x->truncated = 1;
  x->runs++;
  x->steps += r->steps;
  if ((uint32_t)r->nthreads > x->max_threads) x->max_threads = (uint32_t)r->nthreads;
  if (r->steps > x->max_steps) x->max_steps = r->steps;
  x->gave_way += r->gave_way > 0;
  if (x->lg) lockgraph_add_run(x->lg, r);
  if (x->cov && !x->cov_by_makers) coverage_add_run(x->cov, r);
  if (replay) explore_describe_run(x, r);
  if (process_run(x, r) != 0) return -1;
  explore_progress(x, budget, 0);
  return o->stop_first && shows_bug(x, r) ? 1 : 0;
}

/* When --time-limit runs out (util_now seconds), or 0. */
double explore_deadline(const Explore *x) {
  return x->o->time_limit > 0 ? x->t0 + x->o->time_limit : 0;
}

/*
** While runs are made (a long one on this thread's engine: engine_set_tick;
** the workers', while this thread waits for them): commit the database's
** batch when it is due, so that other writers of the file are not held.
*/
void explore_tick(void *ud) {
  Explore *x = ud;
  if (x->trace) trace_flush(x->trace, 0);
}

/* Should the exploration stop before the next run? */
int explore_should_stop(Explore *x) {
  if (explore_signal) {
    x->interrupted = 1;
    return 1;
  }
  if (x->o->time_limit > 0 && util_now() - x->t0 > x->o->time_limit) x->timed_out = 1;
  return x->timed_out;
}

/* One run, on the main thread's engine: 0 go on, 1 stop. */
int explore_run_here(Explore *x, uint64_t i, uint64_t budget) {
  SimRun *r = engine_run(x->sim, x->strat, &x->dets, i, i);
  if (!r) return 1;
  int st = explore_handle_run(x, r, engine_error(x->sim, x->strat), budget);
  if (st < 0) x->status = 2;
  return st != 0;
}
