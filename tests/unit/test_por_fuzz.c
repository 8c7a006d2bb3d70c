/*
** test_por_fuzz.c - partial-order reduction against plain dfs on random
** programs over the real primitives.
**
** A seeded generator writes small scenarios: 2 or 3 threads of 2 to 5
** operations each, drawn from shared-variable accesses, Lock, RLock,
** Semaphore, Condition, Event, Queue and Barrier operations (with and
** without timeouts, some raising), sleep, yield and join; one in four in
** async mode.  Each scenario is
** explored twice with dfs: plainly, with a preemption bound (every schedule
** with at most K preemptions: a subset of all schedules, and small), and
** with source-DPOR and sleep sets.  Every outcome of the first must be an
** outcome of the second: the reduction may skip a run only if an equivalent
** one is explored.  Then with the reduction within the same bound: it too
** must find every outcome and bug of plain dfs within the bound, in no more
** runs than the reduction takes unbounded; one program in BOUND1_EVERY is
** compared at bound 1 as well.
**
** A second generator writes programs around counts whose operations commute
** (sync/count.h): a Semaphore or BoundedSemaphore of 1 to 3 permits that two
** to four threads take at once, releases that give permits to spare, a
** Queue with put, get, task_done and join, x:add and x:inc with and without a
** later read.  Both explorations also collect the signatures of the bugs
** their runs show (data races included, the detectors of a normal run): the
** reduction must find every one plain dfs does.
**
** An outcome is what the threads saw and how the run ended: each thread's
** print()s in its own order (grouped by thread, so that the order of
** independent steps does not show), the final state printed by finally(),
** and whether the run got stuck.  A thread logs a value only after it has
** computed it into a local: appending to a shared Lua table across a
** scheduling point would itself be a race the engine cannot see.  (print
** rather than a Lua table of logs: finally() does not run in a stuck run,
** and the logs of stuck runs are outcomes too.)
**
** POR_FUZZ_SEED, POR_FUZZ_COUNT, POR_FUZZ_FIRST pick the programs (program
** i is generated from the seed and i alone); POR_FUZZ_COUNTS how many of
** the second kind (default 150, from the same seed); POR_FUZZ_BOUND the preemption
** bound (default 2); POR_FUZZ_VERBOSE=1 prints every program and its counts;
** POR_FUZZ_FILE=path checks that one scenario instead (to shrink a failure);
** POR_FUZZ_TRACE=por|bpor|plain|all lists every run (thread per step,
** outcome; bpor: the reduction within the bound).
**
** Programs that once found a miss are kept in tests/unit/por_regressions/
** (each fails without the fix named by its file name) and checked too.
*/
#include <dirent.h>
#include <stdint.h>
#include <time.h>

#include "prng.h"
#include "detect.h"
#include "engine.h"
#include "strategy.h"
#include "util.h"
#include "test.h"

#define DEFAULT_COUNT 300
#define DEFAULT_COUNTS 150 /* programs of the counts generator */
#define MAX_RUNS_PLAIN 40000 /* a cap per program: the reference is a subset anyway */
#define MAX_RUNS_POR 40000   /* beyond it the program is skipped (not judged) */
#define MAX_SHOWN 8          /* missed outcomes printed per program */
#define BOUND1_EVERY 4       /* programs compared at bound 1 too: one in this many */

/* ---- a set of outcomes ------------------------------------------------- */

typedef struct Outcome {
  char *text;
  char *sched; /* the steps' threads of the first run that showed it */
  uint64_t hash;
} Outcome;

typedef struct OutSet {
  Outcome *v; /* open addressing; text NULL = empty slot */
  size_t n, cap;
} OutSet;

static uint64_t str_hash(const char *s) {
  uint64_t h = UINT64_C(1469598103934665603);
  for (; *s; s++) h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
  return h;
}

static Outcome *set_slot(OutSet *set, const char *text, uint64_t h) {
  size_t i = (size_t)h & (set->cap - 1);
  while (set->v[i].text && (set->v[i].hash != h || strcmp(set->v[i].text, text)))
    i = (i + 1) & (set->cap - 1);
  return &set->v[i];
}

static const Outcome *set_find(const OutSet *set, const char *text) {
  if (!set->cap) return NULL;
  const Outcome *o = set_slot((OutSet *)set, text, str_hash(text));
  return o->text ? o : NULL;
}

static void set_grow(OutSet *set) {
  OutSet big = {util_xcalloc(set->cap ? set->cap * 2 : 64, sizeof(Outcome)), set->n,
                set->cap ? set->cap * 2 : 64};
  for (size_t i = 0; i < set->cap; i++)
    if (set->v[i].text) *set_slot(&big, set->v[i].text, set->v[i].hash) = set->v[i];
  free(set->v);
  *set = big;
}

static void set_add(OutSet *set, const char *text, const char *sched) {
  if ((set->n + 1) * 2 > set->cap) set_grow(set);
  uint64_t h = str_hash(text);
  Outcome *o = set_slot(set, text, h);
  if (o->text) return;
  o->text = util_xstrdup(text);
  o->sched = util_xstrdup(sched);
  o->hash = h;
  set->n++;
}

static void set_clear(OutSet *set) {
  for (size_t i = 0; i < set->cap; i++) {
    free(set->v[i].text);
    free(set->v[i].sched);
  }
  free(set->v);
  memset(set, 0, sizeof *set);
}

/* ---- outcomes of a dfs exploration -------------------------------------- */

#define MAX_LOGGED 5 /* MainThread and up to 4 others */

/* What run 'r' showed: per-thread prints, the finally() print, the end. */
static void outcome_of(const SimRun *r, StrBuf *out, StrBuf *logs) {
  StrBuf fin;
  sb_init(&fin);
  for (int t = 0; t < MAX_LOGGED; t++) sb_reset(&logs[t]);
  for (uint32_t k = 0; k < r->nevents; k++) {
    const SimEvent *e = &r->events[k];
    if (e->op != OP_PRINT || e->value.tag != VAL_STR) continue;
    StrBuf *b = (e->flags & EV_FINALLY) ? &fin : e->tid < MAX_LOGGED ? &logs[e->tid] : NULL;
    if (!b) continue;
    if (b->len) sb_putc(b, ',');
    sb_putn(b, run_str(r, e->value.u.s.off), e->value.u.s.len);
  }
  sb_reset(out);
  for (int t = 0; t < MAX_LOGGED && t < r->nthreads; t++)
    sb_printf(out, "%s%s", t ? " | " : "", logs[t].len ? logs[t].s : "");
  sb_printf(out, " || %s", fin.len ? fin.s : "-");
  if (r->end == END_STALL) sb_puts(out, " STUCK");
  else if (r->end != END_OK) sb_printf(out, " END%d", (int)r->end);
  sb_free(&fin);
}

/* The thread of every step of 'r', for the report of a missed outcome. */
static void schedule_of(const SimRun *r, StrBuf *out) {
  sb_reset(out);
  uint32_t step = 0;
  for (uint32_t k = 0; k < r->nevents; k++) {
    const SimEvent *e = &r->events[k];
    if (e->step == step || (e->flags & EV_FINALLY)) continue;
    step = e->step;
    sb_printf(out, "%s%d", out->len ? " " : "", (int)e->tid);
  }
}

typedef struct Explored {
  uint64_t runs;
  uint64_t tasks; /* split: the subtrees */
  int complete;
  int lua_error; /* a program bug: an error that is not a racesim error */
} Explored;

/* The bugs run 'r' showed, one "kind:signature" each, into 'bugs'. */
static void bugs_of(const SimRun *r, OutSet *bugs, const char *sched) {
  for (uint32_t i = 0; i < r->nfindings; i++) {
    char key[64];
    snprintf(key, sizeof key, "%d:%016llx", r->findings[i].kind,
             (unsigned long long)r->findings[i].sig);
    if (!set_find(bugs, key)) set_add(bugs, key, sched);
  }
}

/* What an exploration collects from its runs. */
typedef struct Collect {
  Explored x;
  OutSet *set, *bugs;
  StrBuf o, sc, logs[MAX_LOGGED];
  int trace;
  const char *kind;
  uint64_t made; /* runs, pruned ones too */
} Collect;

static void collect_open(Collect *k, const char *kind, OutSet *set, OutSet *bugs) {
  memset(k, 0, sizeof *k);
  k->set = set, k->bugs = bugs, k->kind = kind;
  sb_init(&k->o);
  sb_init(&k->sc);
  for (int t = 0; t < MAX_LOGGED; t++) sb_init(&k->logs[t]);
  const char *tr = getenv("POR_FUZZ_TRACE"); /* "por", "plain", "bpor", "plan" or "all" */
  k->trace = tr && (!strcmp(tr, "all") || !strcmp(tr, kind));
}

static void collect_close(Collect *k) {
  sb_free(&k->o);
  sb_free(&k->sc);
  for (int t = 0; t < MAX_LOGGED; t++) sb_free(&k->logs[t]);
}

static void collect_run(Collect *k, const SimRun *r) {
  if (k->trace) {
    schedule_of(r, &k->sc);
    outcome_of(r, &k->o, k->logs);
    fprintf(stderr, "  %s run %llu: %s%s -> %s\n", k->kind, (unsigned long long)k->made,
            k->sc.s ? k->sc.s : "", r->end == END_PRUNED ? " (pruned)" : "", k->o.s);
  }
  k->made++;
  if (r->end == END_PRUNED) return;
  k->x.runs++;
  outcome_of(r, &k->o, k->logs);
  if (strstr(k->o.s, "LUAERR")) k->x.lua_error = 1;
  if (!set_find(k->set, k->o.s)) {
    schedule_of(r, &k->sc);
    set_add(k->set, k->o.s, k->sc.len ? k->sc.s : "");
  }
  if (r->nfindings) {
    schedule_of(r, &k->sc);
    bugs_of(r, k->bugs, k->sc.len ? k->sc.s : "");
  }
}

/* dfs over the whole scenario (with the reduction or plain, under 'bound'
   or none: -1), into 'set'; the bugs seen into 'bugs'. */
static Explored explore(Sim *s, int por, int bound, OutSet *set, OutSet *bugs) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.por = por;
  c.max_runs = por ? MAX_RUNS_POR : MAX_RUNS_PLAIN;
  c.preemption_bound = bound;
  Strategy *st = strategy_create("dfs", &c);
  Collect k;
  collect_open(&k, !por ? "plain" : bound >= 0 ? "bpor" : "por", set, bugs);
  SimRun *r;
  DetectorSet dets;
  char err[256];
  CHECK(detect_open(&dets, NULL, err, sizeof err) == 0);
  for (uint64_t i = 0; (r = engine_run(s, st, &dets, i, i)) != NULL; i++) collect_run(&k, r);
  detect_close(&dets);
  k.x.complete = st->complete;
  strategy_destroy(st);
  collect_close(&k);
  return k.x;
}

/*
** The same search split as --jobs splits it (dfs_plan, explore_dfs.c), one
** task after another: a few runs a task a round, splitting every task at
** work after every round, so that most races land on frozen levels.
*/
#define PLAN_QUOTA 3

typedef struct PlanCtx {
  Sim *s;
  DetectorSet *dets;
} PlanCtx;

static int plan_probe(void *ud, Strategy *st, uint64_t index) {
  PlanCtx *p = ud;
  return engine_run(p->s, st, p->dets, index, index) != NULL;
}

static Explored explore_planned(Sim *s, int bound, OutSet *set, OutSet *bugs) {
  StrategyConfig c;
  strategy_config_init(&c);
  c.por = 1;
  c.preemption_bound = bound;
  DfsPlan *plan = dfs_plan_new(&c);
  DfsTask **task = util_xmalloc(sizeof *task);
  Strategy **strat = util_xcalloc(1, sizeof *strat);
  size_t n = 1, cap = 1;
  task[0] = dfs_plan_root(plan);
  Collect k;
  collect_open(&k, "plan", set, bugs);
  DetectorSet dets;
  char err[256];
  CHECK(detect_open(&dets, NULL, err, sizeof err) == 0);
  PlanCtx ctx = {s, &dets};
  int over = 0;
  for (;;) {
    for (size_t i = 0; i < n; i++)
      if (strat[i]) dfs_plan_collect(plan, strat[i], 1);
    DfsTasks fresh;
    CHECK(dfs_plan_tasks(plan, plan_probe, &ctx, &fresh) == 0);
    if (n + fresh.n > cap) {
      cap = 2 * (n + fresh.n);
      task = util_xrealloc(task, cap * sizeof *task);
      strat = util_xrealloc(strat, cap * sizeof *strat);
    }
    for (size_t i = 0; i < fresh.n; i++) task[n] = fresh.v[i], strat[n++] = NULL;
    free(fresh.v);
    int open = 0;
    for (size_t i = 0; i < n && !over; i++) {
      if (strat[i] && strategy_dfs_finished(strat[i])) continue;
      if (!strat[i]) {
        StrategyConfig tc = c;
        tc.dfs_task = task[i];
        strat[i] = strategy_create("dfs", &tc);
      }
      open = 1;
      SimRun *r;
      for (int q = 0; q < PLAN_QUOTA && (r = engine_run(s, strat[i], &dets, k.made, k.made));
           q++) {
        collect_run(&k, r);
        if (k.x.runs >= MAX_RUNS_POR) over = 1;
        if (strategy_dfs_finished(strat[i])) break;
      }
    }
    if (!open || over) break;
  }
  k.x.complete = !over;
  k.x.tasks = n;
  for (size_t i = 0; i < n; i++) {
    if (!strat[i] || !strat[i]->complete) k.x.complete = 0;
    strategy_destroy(strat[i]);
  }
  DfsTasks all = {task, n, 0, 0, 0};
  dfs_tasks_free(&all);
  free(strat);
  dfs_plan_free(plan);
  detect_close(&dets);
  collect_close(&k);
  return k.x;
}

/* ---- the generator ------------------------------------------------------ */

enum { P_LOCK, P_RLOCK, P_SEM, P_COND, P_EVENT, P_QUEUE, P_BARRIER, P__COUNT };

typedef struct Gen {
  Prng p;
  StrBuf *b;
  unsigned prims;  /* P_* bits: the primitives this program has */
  int nthreads;    /* spawned threads, 1..nthreads */
  int k;           /* the next constant written or put */
} Gen;

static int below(Gen *g, int n) { return (int)prng_below(&g->p, (uint64_t)n); }
static int chance(Gen *g, int percent) { return below(g, 100) < percent; }
static const char *secs(Gen *g) { return below(g, 2) ? "1" : "0.5"; }

/* A timeout argument: ", 0.5" / ", 1", or "" (none) */
static const char *opt_timeout(Gen *g, int percent) {
  if (!chance(g, percent)) return "";
  return below(g, 2) ? ", 1" : ", 0.5";
}

/* One access to x, as statements (inside a critical section or alone). */
static void shared_op(Gen *g) {
  switch (below(g, 3)) {
  case 0: sb_puts(g->b, "local v = x:get(); log(v)"); break;
  case 1: sb_printf(g->b, "x:set(%d)", g->k++); break;
  default: sb_puts(g->b, "local v = x:add(1); log(v)"); break;
  }
}

/* What a critical section holds: nothing, or one access to x. */
static void body(Gen *g) {
  if (chance(g, 60)) {
    sb_puts(g->b, "; ");
    shared_op(g);
  }
}

/* Lock, RLock, Semaphore, or a Condition used as its lock: 'o'. */
static void locklike_op(Gen *g, const char *o, int kind) {
  StrBuf *b = g->b;
  switch (below(g, kind == P_RLOCK ? 8 : 7)) {
  case 0:
  case 1:
    sb_printf(b, "%s:acquire()", o);
    body(g);
    sb_printf(b, "; %s:release()", o);
    break;
  case 2:
    sb_printf(b, "local ok = %s:acquire(true, %s); log(ok); if ok then yield()", o, secs(g));
    body(g);
    sb_printf(b, "; %s:release() end", o);
    break;
  case 3:
    sb_printf(b, "local ok = %s:acquire(false); log(ok); if ok then yield()", o);
    body(g);
    sb_printf(b, "; %s:release() end", o);
    break;
  case 4: sb_printf(b, "%s:acquire()", o); break; /* never released */
  case 5: sb_printf(b, "%s:release()", o); break; /* maybe not held: raises */
  case 6:
    if (kind == P_SEM) sb_printf(b, "%s:with(function() yield() end)", o);
    else sb_printf(b, "local v = %s:locked(); log(v)", o);
    break;
  default:
    sb_printf(b, "%s:acquire(); %s:acquire()", o, o);
    body(g);
    sb_printf(b, "; %s:release(); %s:release()", o, o);
    break;
  }
}

static void cond_op(Gen *g) {
  StrBuf *b = g->b;
  switch (below(g, 7)) {
  case 0:
  case 1:
    sb_printf(b,
              "cv:acquire(); local r = cv:wait_for(function() local v = x:get(); "
              "return v >= %d end%s); log(r); cv:release()",
              1 + below(g, 2), opt_timeout(g, 50));
    break;
  case 2:
    sb_printf(b, "cv:acquire(); local r = cv:wait(%s); log(r); cv:release()",
              chance(g, 75) ? secs(g) : "");
    break;
  case 3:
  case 4: {
    static const char *const how[] = {"notify()", "notify_all()", "notify(2)"};
    sb_puts(b, "cv:acquire(); ");
    if (below(g, 2)) sb_puts(b, "x:add(1)");
    else sb_printf(b, "x:set(%d)", g->k++);
    sb_printf(b, "; cv:%s; cv:release()", how[below(g, 3)]);
    break;
  }
  case 5: sb_puts(b, "cv:notify()"); break; /* maybe without the lock: raises */
  default: locklike_op(g, "cv", P_COND); break;
  }
}

static void event_op(Gen *g) {
  switch (below(g, 5)) {
  case 0: sb_puts(g->b, "ev:set()"); break;
  case 1: sb_puts(g->b, "ev:clear()"); break;
  case 2:
  case 3: sb_printf(g->b, "local r = ev:wait(%s); log(r)", chance(g, 60) ? secs(g) : ""); break;
  default: sb_puts(g->b, "local r = ev:is_set(); log(r)"); break;
  }
}

static void queue_op(Gen *g) {
  StrBuf *b = g->b;
  switch (below(g, 7)) {
  case 0: sb_printf(b, "q:put(%d)", g->k++); break;
  case 1: sb_printf(b, "q:put(%d, true, %s)", g->k++, secs(g)); break;
  case 2: sb_printf(b, "q:put_nowait(%d)", g->k++); break;
  case 3: sb_puts(b, "local v = q:get(); log(v)"); break;
  case 4: sb_printf(b, "local v = q:get(true, %s); log(v)", secs(g)); break;
  case 5: sb_puts(b, "local v = q:get_nowait(); log(v)"); break;
  default: sb_puts(b, "local v = q:qsize(); log(v)"); break;
  }
}

static void barrier_op(Gen *g) {
  switch (below(g, 8)) {
  case 0: sb_puts(g->b, "b:reset()"); break;
  case 1: sb_puts(g->b, "b:abort()"); break;
  case 2: sb_puts(g->b, "local v = b.n_waiting; log(v)"); break;
  default: sb_printf(g->b, "local v = b:wait(%s); log(v)", chance(g, 60) ? secs(g) : ""); break;
  }
}

/* sleep, yield, or a join of an earlier thread (thread i, 0 = main). */
static void thread_op(Gen *g, int i) {
  int can_join = i != 1;
  switch (below(g, can_join ? 5 : 3)) {
  case 0: sb_printf(g->b, "sleep(%s)", secs(g)); break;
  case 1: sb_puts(g->b, "yield()"); break;
  case 2: sb_puts(g->b, "local v = now(); log(v)"); break;
  default: {
    int j = 1 + below(g, i ? i - 1 : g->nthreads);
    if (below(g, 2)) sb_printf(g->b, "T[%d]:join()", j);
    else sb_printf(g->b, "T[%d]:join(%s); local a = T[%d]:is_alive(); log(a)", j, secs(g), j);
    break;
  }
  }
}

/* One operation of thread i, wrapped so that an error is logged. */
static void gen_op(Gen *g, int i) {
  int prims[P__COUNT], n = 0;
  for (int k = 0; k < P__COUNT; k++)
    if (g->prims & (1u << k)) prims[n++] = k;
  sb_puts(g->b, "  op(function() ");
  int w = below(g, 2 + 1 + 3 * n); /* x: 2, threads and time: 1, each primitive: 3 */
  if (w < 2) shared_op(g);
  else if (w < 3) thread_op(g, i);
  else switch (prims[(w - 3) / 3]) {
    case P_LOCK: locklike_op(g, "lk", P_LOCK); break;
    case P_RLOCK: locklike_op(g, "rl", P_RLOCK); break;
    case P_SEM: locklike_op(g, "sm", P_SEM); break;
    case P_COND: cond_op(g); break;
    case P_EVENT: event_op(g); break;
    case P_QUEUE: queue_op(g); break;
    default: barrier_op(g); break;
    }
  sb_puts(g->b, " end)\n");
}

/* Program 'idx' of the run with 'seed', into 'b'. */
static void generate(uint64_t seed, uint64_t idx, StrBuf *b) {
  Gen g;
  prng_seed(&g.p, prng_run_seed(seed, idx));
  g.b = b;
  g.k = 1;
  g.prims = 0;
  int nprims = 1 + below(&g, 2) + (chance(&g, 25) ? 1 : 0);
  while (__builtin_popcount(g.prims) < nprims) g.prims |= 1u << below(&g, P__COUNT);
  g.nthreads = 2 + below(&g, 2);
  sb_reset(b);
  sb_puts(b, "local x = shared('x', 0)\n"
             "local function log(v) print(tostring(v)) end\n"
             "local function op(f)\n"
             "  local ok, e = pcall(f)\n"
             "  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end\n"
             "end\n");
  if (g.prims & (1u << P_LOCK)) sb_puts(b, "local lk = Lock()\n");
  if (g.prims & (1u << P_RLOCK)) sb_puts(b, "local rl = RLock()\n");
  if (g.prims & (1u << P_SEM)) sb_printf(b, "local sm = Semaphore(%d)\n", 1 + below(&g, 2));
  if (g.prims & (1u << P_COND))
    sb_puts(b, (g.prims & (1u << P_LOCK)) && below(&g, 2) ? "local cv = Condition(lk)\n"
                                                           : "local cv = Condition()\n");
  if (g.prims & (1u << P_EVENT)) sb_puts(b, "local ev = Event()\n");
  if (g.prims & (1u << P_QUEUE)) sb_printf(b, "local q = Queue(%d)\n", chance(&g, 80) ? 1 : 0);
  if (g.prims & (1u << P_BARRIER)) sb_puts(b, "local b = Barrier(2)\n");
  sb_puts(b, "local T = {}\n");
  for (int i = 1; i <= g.nthreads; i++) {
    g.k = 10 * i + 1;
    sb_printf(b, "T[%d] = spawn(function()\n", i);
    int nops = 2 + below(&g, 4);
    for (int j = 0; j < nops; j++) gen_op(&g, i);
    sb_puts(b, "end)\n");
  }
  if (chance(&g, 25)) { /* the main thread does something too */
    g.k = 1;
    gen_op(&g, 0);
  }
  sb_puts(b, "finally(function()\n  print('x=' .. tostring(x:get()) .. ' t=' .. now()");
  if (g.prims & (1u << P_LOCK)) sb_puts(b, " .. ' lk=' .. tostring(lk:locked())");
  if (g.prims & (1u << P_RLOCK)) sb_puts(b, " .. ' rl=' .. tostring(rl:locked())");
  if (g.prims & (1u << P_EVENT)) sb_puts(b, " .. ' ev=' .. tostring(ev:is_set())");
  if (g.prims & (1u << P_QUEUE)) sb_puts(b, " .. ' q=' .. q:qsize()");
  if (g.prims & (1u << P_BARRIER))
    sb_puts(b, " .. ' b=' .. b.n_waiting .. tostring(b.broken)");
  sb_puts(b, ")\n");
  if (g.prims & (1u << P_SEM))
    sb_puts(b, "  local n = 0; while n < 5 and sm:acquire(false) do n = n + 1 end; "
               "print('sm=' .. n)\n");
  sb_puts(b, "end)\n");
  /* one program in four runs in async mode: first-come first-served
     waiters, no suspension where nothing waits (drawn last, so that the
     threads-mode programs of a seed stay what they were), with any ready
     task next: asyncio's own order (fifo) leaves the reduction nothing to
     choose */
  if (chance(&g, 25)) {
    StrBuf a;
    sb_init(&a);
    sb_puts(&a, "scenario{ mode = 'async', order = 'any' }\n");
    sb_putn(&a, b->s, b->len);
    sb_reset(b);
    sb_putn(b, a.s, a.len);
    sb_free(&a);
  }
}

/* ---- the second generator: counts that commute ---------------------------- */

/* A critical section's body: nothing, or an access to x or the location y
   (whose races only the semaphore or the queue may order). */
static void count_body(Gen *g) {
  switch (below(g, 5)) {
  case 0: break;
  case 1: sb_printf(g->b, "; y:set(%d)", g->k++); break;
  case 2: sb_puts(g->b, "; local v = y:get(); log(v)"); break;
  default: sb_puts(g->b, "; "); shared_op(g); break;
  }
}

static void count_sem_op(Gen *g) {
  StrBuf *b = g->b;
  switch (below(g, 10)) {
  case 0: case 1: case 2:
    sb_puts(b, "sm:acquire()");
    count_body(g);
    sb_puts(b, "; sm:release()");
    break;
  case 3: sb_puts(b, "sm:acquire()"); count_body(g); break;  /* kept */
  case 4: count_body(g); sb_puts(b, "; sm:release()"); break; /* a permit to spare */
  case 5:
    sb_puts(b, "local ok = sm:acquire(false); log(ok); if ok then yield()");
    count_body(g);
    sb_puts(b, "; sm:release() end");
    break;
  case 6:
    sb_printf(b, "local ok = sm:acquire(true, %s); log(ok); if ok then", secs(g));
    count_body(g);
    sb_puts(b, "; sm:release() end");
    break;
  case 7: sb_puts(b, "local v = sm:locked(); log(v)"); break;
  case 8: sb_puts(b, "sm:with(function() yield() end)"); count_body(g); break;
  default: sb_puts(b, "sm:acquire(); sm:acquire()"); count_body(g); sb_puts(b, "; sm:release(); sm:release()"); break;
  }
}

static void count_queue_op(Gen *g) {
  StrBuf *b = g->b;
  switch (below(g, 10)) {
  case 0: case 1: sb_printf(b, "y:set(%d); q:put(%d)", g->k, g->k); g->k++; break;
  case 2: sb_printf(b, "q:put_nowait(%d)", g->k++); break;
  case 3: case 4: sb_puts(b, "local v = q:get(); log(v); local w = y:get(); q:task_done()"); break;
  case 5: sb_puts(b, "local v = q:get(true, 0.5); log(v); q:task_done()"); break;
  case 6: sb_puts(b, "q:task_done()"); break; /* maybe too many: raises */
  case 7: sb_puts(b, "q:join(); local v = y:get(); log(v)"); break;
  case 8: sb_puts(b, "local v = q:get_nowait(); log(v)"); break;
  default: sb_puts(b, "local v = q:qsize(); log(v)"); break;
  }
}

/* One operation of a thread of a counts program. */
static void count_op(Gen *g, int i) {
  sb_puts(g->b, "  op(function() ");
  int w = below(g, 10);
  if (w < 2) {
    if (below(g, 2)) { /* a result unused; inc: a commuting update, but a float's writes */
      static const char *const unused[] = {"x:add(1)", "x:inc()", "x:inc(2)", "x:inc(0.5)"};
      sb_puts(g->b, unused[below(g, 4)]);
    } else {
      shared_op(g);
    }
  } else if (w < 3) {
    thread_op(g, i);
  } else if ((g->prims & 1u) && (!(g->prims & 2u) || w < 7)) {
    count_sem_op(g);
  } else if (g->prims & 2u) {
    count_queue_op(g);
  } else {
    count_sem_op(g);
  }
  sb_puts(g->b, " end)\n");
}

/* Program 'idx' of the counts generator with 'seed', into 'b'. */
static void generate_counts(uint64_t seed, uint64_t idx, StrBuf *b) {
  Gen g;
  prng_seed(&g.p, prng_run_seed(seed ^ UINT64_C(0x636f756e7473), idx));
  g.b = b;
  g.prims = 1u + (unsigned)below(&g, 3); /* 1 semaphore, 2 queue, 3 both */
  g.nthreads = 2 + below(&g, 3);
  sb_reset(b);
  sb_puts(b, "local x = shared('x', 0)\n"
             "local y = shared('y', 0)\n"
             "local function log(v) print(tostring(v)) end\n"
             "local function op(f)\n"
             "  local ok, e = pcall(f)\n"
             "  if not ok then log(type(e) == 'table' and e.type or 'LUAERR ' .. tostring(e)) end\n"
             "end\n");
  if (g.prims & 1u)
    sb_printf(b, "local sm = %s(%d)\n", chance(&g, 25) ? "BoundedSemaphore" : "Semaphore",
              1 + below(&g, 3));
  if (g.prims & 2u) sb_printf(b, "local q = Queue(%d)\n", below(&g, 3));
  sb_puts(b, "local T = {}\n");
  for (int i = 1; i <= g.nthreads; i++) {
    g.k = 10 * i + 1;
    sb_printf(b, "T[%d] = spawn(function()\n", i);
    int nops = 1 + below(&g, g.nthreads > 3 ? 3 : 4);
    for (int j = 0; j < nops; j++) count_op(&g, i);
    sb_puts(b, "end)\n");
  }
  if (chance(&g, 25)) {
    g.k = 1;
    count_op(&g, 0);
  }
  sb_puts(b, "finally(function()\n  print('x=' .. tostring(x:get()) .. ' y=' .. tostring(y:get()) .. ' t=' .. now()");
  if (g.prims & 2u) sb_puts(b, " .. ' q=' .. q:qsize()");
  sb_puts(b, ")\n");
  if (g.prims & 1u)
    sb_puts(b, "  local n = 0; while n < 8 and sm:acquire(false) do n = n + 1 end; "
               "print('sm=' .. n)\n");
  sb_puts(b, "end)\n");
}

/* ---- the test ---------------------------------------------------------- */

static uint64_t env_u64(const char *name, uint64_t dflt) {
  const char *v = getenv(name);
  return v && *v ? strtoull(v, NULL, 0) : dflt;
}

typedef struct Totals {
  uint64_t programs, mismatched, skipped, plain_runs, por_runs, missed;
  uint64_t bounded, bskipped, bpor_runs, bplain_runs, bpor_more; /* the bounded comparisons */
  uint64_t split_runs, split_tasks, split_fewer, split_more; /* split as --jobs splits it */
} Totals;

/* The two explorations of a comparison: the reference and the reduced one
   that must find all it finds. */
typedef struct Side {
  const char *name;
  Explored x;
  OutSet out, bugs;
} Side;

/*
** Report what 'ref' saw that 'got' did not (outcomes, then bugs), with the
** program and how to run it alone; returns how many were missed.
*/
static int compare(const Side *ref, const Side *got, const char *src, uint64_t seed,
                   uint64_t idx, int bound) {
  int missed = 0, shown = 0;
  for (int bugs = 0; bugs < 2; bugs++) {
    const OutSet *want = bugs ? &ref->bugs : &ref->out, *have = bugs ? &got->bugs : &got->out;
    for (size_t i = 0; i < want->cap; i++) {
      const Outcome *o = &want->v[i];
      if (!o->text || set_find(have, o->text)) continue;
      if (!missed)
        fprintf(stderr,
                "\n== program %llu (POR_FUZZ_SEED=%llu POR_FUZZ_FIRST=%llu POR_FUZZ_COUNT=1 "
                "POR_FUZZ_BOUND=%d): %s (%llu runs) misses what %s (%llu runs) finds\n%s",
                (unsigned long long)idx, (unsigned long long)seed, (unsigned long long)idx,
                bound, got->name, (unsigned long long)got->x.runs, ref->name,
                (unsigned long long)ref->x.runs, src);
      missed++;
      if (bugs)
        fprintf(stderr, "  missed bug (kind:signature) %s\n    (%s schedule: %s)\n", o->text,
                ref->name, o->sched);
      else if (shown++ < MAX_SHOWN)
        fprintf(stderr, "  missed: %s\n    (%s schedule, thread per step: %s)\n", o->text,
                ref->name, o->sched);
    }
    if (!bugs && shown > MAX_SHOWN) fprintf(stderr, "  ... and %d more\n", shown - MAX_SHOWN);
  }
  return missed;
}

static void side_clear(Side *x) {
  set_clear(&x->out);
  set_clear(&x->bugs);
}

/* Does the program take part in the comparisons at bound 1 (a sample)? */
static int sampled(uint64_t idx) { return idx % BOUND1_EVERY == 0; }

/*
** Explore one program four ways and compare: plain dfs within 'bound'
** against the unbounded reduction, and against the reduction within the
** same bound (then, for a sample, the same at bound 1); returns 1 if any
** missed something.
*/
static int check_program(const char *src, uint64_t seed, uint64_t idx, int bound, Totals *tot) {
  SimConfig cfg = {0};
  cfg.script = "por_fuzz.lua";
  cfg.source = src;
  cfg.source_len = strlen(src);
  char err[512];
  Sim *s = engine_open(&cfg, err, sizeof err);
  if (!s) {
    fprintf(stderr, "program %llu: engine_open: %s\n%s", (unsigned long long)idx, err, src);
    CHECK(s != NULL);
    return 1;
  }
  Side plain = {.name = "plain dfs within the bound"}, por = {.name = "dfs with reduction"};
  Side bpor = {.name = "dfs with reduction within the bound"};
  Side bsplit = {.name = "dfs with reduction within the bound, split as --jobs splits it"};
  /* The reduction first: a program it cannot finish is not judged, so
  ** its plain exploration would be time spent for nothing. */
  por.x = explore(s, 1, -1, &por.out, &por.bugs);
  if (por.x.complete) plain.x = explore(s, 0, bound, &plain.out, &plain.bugs);
  Side split = {.name = "dfs with reduction, split as --jobs splits it"};
  tot->programs++;
  tot->plain_runs += plain.x.runs;
  tot->por_runs += por.x.runs;
  if (plain.x.lua_error || por.x.lua_error) { /* the generator wrote a bad program */
    fprintf(stderr, "program %llu raised a Lua error:\n%s", (unsigned long long)idx, src);
    CHECK(!plain.x.lua_error && !por.x.lua_error);
  }
  int bad = 0;
  if (!por.x.complete) {
    tot->skipped++;
  } else {
    int m = compare(&plain, &por, src, seed, idx, bound);
    /* split: what one search finds (in about as many runs: the sleep sets
       judge a take and a give by the state, count.h, so which runs a class
       keeps depends on the order branches are taken in) */
    split.x = explore_planned(s, -1, &split.out, &split.bugs);
    tot->split_runs += split.x.runs;
    tot->split_tasks += split.x.tasks;
    if (split.x.complete) {
      m += compare(&plain, &split, src, seed, idx, bound);
      tot->split_fewer += split.x.runs < por.x.runs;
      if (split.x.runs > por.x.runs) {
        tot->split_more++;
        fprintf(stderr, "program %llu (seed %llu): %llu runs split, %llu in one search\n%s",
                (unsigned long long)idx, (unsigned long long)seed,
                (unsigned long long)split.x.runs, (unsigned long long)por.x.runs, src);
      }
    }
    /* within the bound, with the reduction: it must find what plain dfs
       finds within it, and never take more runs than it does unbounded */
    for (int b = bound, pass = 0; pass < 2; pass++, b = 1) {
      if (pass && (bound == 1 || !sampled(idx))) break;
      if (pass) { /* plain within bound 1 too */
        side_clear(&plain);
        plain.x = explore(s, 0, b, &plain.out, &plain.bugs);
      }
      bpor.x = explore(s, 1, b, &bpor.out, &bpor.bugs);
      tot->bounded++;
      tot->bplain_runs += plain.x.runs;
      tot->bpor_runs += bpor.x.runs;
      if (bpor.x.runs > por.x.runs) {
        tot->bpor_more++;
        fprintf(stderr, "program %llu (seed %llu): %llu runs within bound %d, %llu without\n",
                (unsigned long long)idx, (unsigned long long)seed,
                (unsigned long long)bpor.x.runs, b, (unsigned long long)por.x.runs);
      }
      if (bpor.x.complete) m += compare(&plain, &bpor, src, seed, idx, b);
      else tot->bskipped++;
      side_clear(&bpor);
      bsplit.x = explore_planned(s, b, &bsplit.out, &bsplit.bugs);
      if (split.x.complete && bsplit.x.runs > split.x.runs) { /* (as --jobs splits both) */
        tot->bpor_more++;
        fprintf(stderr, "program %llu (seed %llu): %llu runs split within bound %d, %llu without\n",
                (unsigned long long)idx, (unsigned long long)seed,
                (unsigned long long)bsplit.x.runs, b, (unsigned long long)split.x.runs);
      }
      if (bsplit.x.complete) m += compare(&plain, &bsplit, src, seed, idx, b);
      side_clear(&bsplit);
    }
    side_clear(&split);
    tot->missed += (uint64_t)m;
    bad = m > 0;
  }
  if (getenv("POR_FUZZ_VERBOSE"))
    fprintf(stderr,
            "program %llu: %llu runs plain (%zu outcomes%s), %llu with reduction (%zu)\n%s\n",
            (unsigned long long)idx, (unsigned long long)plain.x.runs, plain.out.n,
            plain.x.complete ? "" : por.x.complete ? ", capped" : ", not run",
            (unsigned long long)por.x.runs, por.out.n, src);
  engine_close(s);
  tot->mismatched += (uint64_t)bad;
  side_clear(&plain);
  side_clear(&por);
  return bad;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Check every *.lua program in 'dir', in name order. */
static void check_directory(const char *dir, int bound, Totals *tot) {
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  if (!d) return;
  char **names = NULL;
  size_t n = 0, cap = 0;
  for (struct dirent *de; (de = readdir(d));) {
    size_t len = strlen(de->d_name);
    if (len < 5 || strcmp(de->d_name + len - 4, ".lua") != 0) continue;
    UTIL_GROW(names, n + 1, cap);
    names[n++] = util_xstrdup(de->d_name);
  }
  closedir(d);
  if (n > 1) qsort(names, n, sizeof *names, cmp_names);
  CHECK(n > 0);
  for (size_t i = 0; i < n; i++) {
    StrBuf path;
    sb_init(&path);
    sb_printf(&path, "%s/%s", dir, names[i]);
    size_t len;
    char *text = util_read_file(path.s, &len);
    CHECK(text != NULL);
    if (text && check_program(text, 0, i, bound, tot))
      fprintf(stderr, "  (the program above is %s)\n", path.s);
    free(text);
    sb_free(&path);
    free(names[i]);
  }
  free(names);
}

static void test_por_fuzz(void) {
  uint64_t seed = env_u64("POR_FUZZ_SEED", 1);
  uint64_t count = env_u64("POR_FUZZ_COUNT", DEFAULT_COUNT);
  uint64_t first = env_u64("POR_FUZZ_FIRST", 0);
  int bound = (int)env_u64("POR_FUZZ_BOUND", 2);
  Totals tot = {0};
  StrBuf src;
  sb_init(&src);
  clock_t t0 = clock();
  const char *file = getenv("POR_FUZZ_FILE");
  if (file && *file) {
    size_t len;
    char *text = util_read_file(file, &len);
    CHECK(text != NULL);
    if (text) check_program(text, seed, 0, bound, &tot);
    free(text);
    count = 0;
  }
  for (uint64_t i = first; i < first + count; i++) {
    generate(seed, i, &src);
    check_program(src.s, seed, i, bound, &tot);
  }
  uint64_t ncounts = file && *file ? 0 : env_u64("POR_FUZZ_COUNTS", DEFAULT_COUNTS);
  for (uint64_t i = first; i < first + ncounts; i++) {
    generate_counts(seed, i, &src);
    if (check_program(src.s, seed, i, bound, &tot))
      fprintf(stderr, "  (the program above is of the counts generator: POR_FUZZ_COUNT=0 "
                      "POR_FUZZ_COUNTS=1)\n");
  }
  if (!(file && *file) && !getenv("POR_FUZZ_FIRST")) {
    /* programs that once found a miss, as files (each fails without its
       fix), then programs of other seeds that did */
    check_directory(POR_REGRESSIONS_DIR, bound, &tot);
    static const struct {
      uint64_t seed, idx;
    } regressions[] = {
        {5, 50}, {6, 11}, {6, 133}, {6, 169}, {6, 202}, {7, 21}, {2, 154}, {4, 183},
        {2, 109}, {2, 135},
    };
    for (size_t k = 0; k < sizeof regressions / sizeof regressions[0]; k++) {
      generate(regressions[k].seed, regressions[k].idx, &src);
      check_program(src.s, regressions[k].seed, regressions[k].idx, bound, &tot);
    }
  }
  sb_free(&src);
  fprintf(stderr,
          "por_fuzz: seed %llu, %llu programs: %llu runs plain (bound %d), %llu with "
          "reduction; %llu skipped (reduction over %d runs); %llu mismatched, %llu "
          "outcomes missed; %.1f s\n"
          "  within the bound (%llu comparisons, bound 1 for one program in %d): %llu runs "
          "plain, %llu with reduction (%llu skipped); more runs than unbounded: %llu\n"
          "  split as --jobs splits it: %llu runs in %llu subtrees; programs with fewer "
          "runs than one search: %llu, with more: %llu\n",
          (unsigned long long)seed, (unsigned long long)tot.programs,
          (unsigned long long)tot.plain_runs, bound, (unsigned long long)tot.por_runs,
          (unsigned long long)tot.skipped, MAX_RUNS_POR, (unsigned long long)tot.mismatched,
          (unsigned long long)tot.missed, (double)(clock() - t0) / CLOCKS_PER_SEC,
          (unsigned long long)tot.bounded, BOUND1_EVERY, (unsigned long long)tot.bplain_runs,
          (unsigned long long)tot.bpor_runs, (unsigned long long)tot.bskipped,
          (unsigned long long)tot.bpor_more, (unsigned long long)tot.split_runs,
          (unsigned long long)tot.split_tasks, (unsigned long long)tot.split_fewer,
          (unsigned long long)tot.split_more);
  CHECK_EQ_INT(tot.mismatched, 0);
  CHECK(tot.skipped * 10 <= tot.programs); /* the cap must not hide most of them */
  CHECK(tot.bskipped * 10 <= tot.bounded);
  CHECK_EQ_INT(tot.bpor_more, 0);
}

int main(void) {
  /* the default run is about a minute here (several under a sanitizer, on
     a slower machine: ctest's timeout is 900 s); a longer one asked for
     has no limit */
  int longer = env_u64("POR_FUZZ_COUNT", DEFAULT_COUNT) > DEFAULT_COUNT ||
               env_u64("POR_FUZZ_COUNTS", DEFAULT_COUNTS) > DEFAULT_COUNTS;
  test_begin(longer ? 0 : 840);
  RUN_TEST(test_por_fuzz);
  return test_end("test_por_fuzz");
}
