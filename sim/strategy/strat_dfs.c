/*
** strat_dfs.c - exhaustive, stateless depth-first exploration.
**
** The tree: each node is a decision of a run (a pick among two or more
** enabled threads, or a data choice).  The path is the decisions of the
** current run; the next run replays a prefix of it and takes a new branch at
** its last node.  With partial-order reduction (the default), a thread node
** explores only the threads its backtrack set asks for: the first one, then
** those source-DPOR adds when a later run shows a race (dpor.c); sleep sets
** prune the runs that would only reorder independent steps (Abdulla et al.,
** POPL 2014).  Data choices are always explored in full.
**
** A preemption is switching away from a thread that could have gone on.
** With --preemption-bound K every schedule with at most K preemptions is
** covered.  Plainly (--no-por), by exploring each (iterative context
** bounding, Musuvathi and Qadeer, PLDI 2007).  With the reduction, the
** tree cannot simply be cut where a run goes over K: equivalent runs need
** not make as many preemptions, and the run kept for a class may make more
** than another of the class within K (Coons, Musuvathi and McKinley,
** "Bounded partial-order reduction", OOPSLA 2013).  The paper's repair,
** conservative backtrack points, was tried here: with sleep sets as they
** are, the fuzzer found outcomes it missed (the run a sleep set leaves to
** an earlier branch, with the sleeping thread's step moved to the front,
** may make more preemptions); with sleep sets weakened until it found
** none, it took up to 21 times the runs of the unbounded search on the
** issue's Queue and Semaphore programs.
** So the bound is put on the class instead: dpor_forced counts the
** preemptions every run of a class makes at least, a count that only grows
** along a run, and no decision whose prefix is over K branches again
** (close_over_bound).  That explores the unbounded search's tree less the
** subtrees below those decisions, with the same sleep sets, and covers
** every schedule within K and some beyond (checked against plain bounded
** dfs, and for no more runs than unbounded, by test_por_fuzz.c and
** test_strategies.c).  A closed decision's other branches are never run,
** so neither are the races they would show, and source-DPOR may need one of
** those to reach a class within K: the fuzzer's counts generator found such
** a program (seed 24, program 426, kept in tests/unit/por_regressions/).  So
** each thread a race asks of a closed decision is given a branch at the
** deepest open decision above it where it can run (lift_dropped): its steps
** then meet the prefix's in a run the bound still reaches.  That is the
** paper's conservative backtrack point, put only where the bound dropped a
** branch (1049 runs in place of 1003 on the Queue program without its pause
** at K = 0, the same at K = 1 and 2); it is tested, not proved.
**
** Splitting at fixed levels (dfs_split, for --shard): a probe explores the
** first D levels in full and stops every run at level D; each path it
** reaches, with its sleep sets and footprints, becomes a task, and a task
** strategy starts from that path frozen: it never backtracks into it.
** Exploring those levels in full costs runs that one search would not make
** (on 5 racy threads, 17,467 pruned runs for its 14,400), so --jobs splits
** as it goes instead (dfs_plan, at the end of this file).
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpor.h"
#include "strategy.h"
#include "tset.h"
#include "util.h"

typedef struct SleepFp {
  int32_t tid;
  uint32_t off, len; /* in the node's fp array */
  int cut;           /* its branch had a run cut short: it sleeps no more */
} SleepFp;

typedef struct Node {
  uint8_t kind;      /* DEC_THREAD or DEC_DATA */
  uint32_t step;     /* the step this node's decision starts */
  uint32_t ev;       /* index of that step's first event */
  uint32_t n, value; /* data: options and choice; thread: chosen thread */
  TSet enabled, backtrack, done, sleep; /* (tset.h: each owns its memory) */
  int32_t prev;      /* thread of the previous step */
  uint32_t preempt;  /* preemptions before this decision */
  uint8_t closed;    /* bounded, reduced: its prefix is over the bound (close_over_bound) */
  uint64_t br_start; /* runs made before its current branch began */
  uint64_t br_runs;  /* runs made in its branches already finished ... */
  uint32_t br_done;  /* ... and how many those are */
  FpEntry *fp;       /* footprints of the threads in done and sleep */
  size_t nfp, cap_fp;
  SleepFp *sf;
  size_t nsf, cap_sf;
} Node;

struct DfsTask {
  Node *nodes; /* the frozen path, each with its own fp and sf arrays */
  size_t n;
  uint32_t *fref; /* planned (dfs_plan): the plan's node for each of them */
  int planned;
};

/* A race or a fairness turn for a frozen node, which a planned task hands
   to its plan (dfs_plan_collect) instead of dropping. */
enum { REQ_RACE, REQ_TURN, REQ_CUT };
typedef struct Req {
  uint32_t level;
  uint8_t kind, pending;
  int32_t tid; /* REQ_RACE: the later thread of the race; REQ_TURN: the thread
                  to give a turn; REQ_CUT: the branch with a run cut short */
  TSet initials;
} Req;

typedef struct DfsStrategy {
  Strategy base;
  Node *path;
  size_t npath, cap_path;
  size_t nfrozen;    /* task: the first nodes, explored by others */
  size_t ndec;       /* decisions taken in the current run */
  uint64_t runs;
  uint64_t kept;     /* runs not pruned: what the progress estimate counts */
  int finished;
  Dpor *dpor;
  uint64_t fallbacks; /* races whose initials were not enabled */
  /* where only one thread can run: is it asleep?  (checked incrementally) */
  size_t chk_node;    /* the thread node it was asleep at, + 1; 0 = none */
  int32_t chk_tid;
  uint32_t chk_ev;    /* the events before this were checked */
  int chk_woken;      /* a conflict woke chk_tid */
  int truncated;      /* a run was cut short (step limit): not complete */
  uint32_t *forced;   /* bounded, reduced: dpor_forced's counts for the run */
  size_t cap_forced;
  /* probe: the tasks found, and whether this run stopped at level D */
  DfsTask **tasks;
  size_t ntasks, cap_tasks;
  int at_frontier;
  TSet en;  /* the enabled threads at the current pick */
  TSet add; /* on_race: the threads a race adds */
  /* planned (dfs_plan): the plan's node of each frozen level, and what
     this task asks of the frozen levels */
  int planned;
  uint32_t *fref;
  size_t cap_fref;
  Req *req;
  size_t nreq, cap_req;
} DfsStrategy;

/* The node's arrays and sets, which a node reused keeps. */
typedef struct NodeMem {
  FpEntry *fp;
  SleepFp *sf;
  size_t cap_fp, cap_sf;
  TSet sets[4];
} NodeMem;

static void node_keep(Node *n, NodeMem *m) {
  m->fp = n->fp, m->sf = n->sf, m->cap_fp = n->cap_fp, m->cap_sf = n->cap_sf;
  m->sets[0] = n->enabled, m->sets[1] = n->backtrack, m->sets[2] = n->done, m->sets[3] = n->sleep;
}

static void node_give(Node *n, const NodeMem *m) {
  n->fp = m->fp, n->sf = m->sf, n->cap_fp = m->cap_fp, n->cap_sf = m->cap_sf;
  n->enabled = m->sets[0], n->backtrack = m->sets[1], n->done = m->sets[2], n->sleep = m->sets[3];
}

static void node_free(Node *n) {
  free(n->fp);
  free(n->sf);
  tset_free(&n->enabled);
  tset_free(&n->backtrack);
  tset_free(&n->done);
  tset_free(&n->sleep);
}

static void node_copy(Node *dst, const Node *src) {
  NodeMem m;
  node_keep(dst, &m);
  *dst = *src;
  node_give(dst, &m);
  tset_copy(&dst->enabled, &src->enabled);
  tset_copy(&dst->backtrack, &src->backtrack);
  tset_copy(&dst->done, &src->done);
  tset_copy(&dst->sleep, &src->sleep);
  UTIL_GROW(dst->fp, src->nfp, dst->cap_fp);
  if (src->nfp) memcpy(dst->fp, src->fp, src->nfp * sizeof *src->fp);
  UTIL_GROW(dst->sf, src->nsf, dst->cap_sf);
  if (src->nsf) memcpy(dst->sf, src->sf, src->nsf * sizeof *src->sf);
}

static void grow_path(DfsStrategy *s, size_t n) {
  if (n <= s->cap_path) return;
  size_t old = s->cap_path;
  UTIL_GROW(s->path, n, s->cap_path);
  memset(s->path + old, 0, (s->cap_path - old) * sizeof(Node));
}

static Strategy *dfs_create(const StrategyConfig *cfg) {
  DfsStrategy *s = util_xcalloc(1, sizeof *s);
  s->dpor = dpor_new();
  s->base.pick_single = cfg->por;
  const DfsTask *t = cfg->dfs_task;
  if (t) { /* start from the task's path, frozen */
    grow_path(s, t->n);
    for (size_t i = 0; i < t->n; i++) node_copy(&s->path[i], &t->nodes[i]);
    s->npath = s->nfrozen = t->n;
    s->planned = t->planned;
    if (t->planned && t->n) {
      UTIL_GROW(s->fref, t->n, s->cap_fref);
      memcpy(s->fref, t->fref, t->n * sizeof *s->fref);
    }
  }
  return &s->base;
}

static void task_free(DfsTask *t) {
  for (size_t i = 0; i < t->n; i++) node_free(&t->nodes[i]);
  free(t->nodes);
  free(t->fref);
  free(t);
}

static void reqs_clear(DfsStrategy *s) {
  for (size_t i = 0; i < s->nreq; i++) tset_free(&s->req[i].initials);
  s->nreq = 0;
}

static void req_push(DfsStrategy *s, uint32_t level, int kind, int32_t tid, int pending,
                     const TSet *initials) {
  UTIL_GROW(s->req, s->nreq + 1, s->cap_req);
  Req *q = &s->req[s->nreq++];
  memset(q, 0, sizeof *q);
  q->level = level, q->kind = (uint8_t)kind, q->tid = tid, q->pending = (uint8_t)pending;
  if (initials) tset_copy(&q->initials, initials);
}

static void dfs_destroy(Strategy *base) {
  DfsStrategy *s = (DfsStrategy *)base;
  for (size_t i = 0; i < s->cap_path; i++) node_free(&s->path[i]);
  free(s->path);
  tset_free(&s->en);
  tset_free(&s->add);
  reqs_clear(s);
  free(s->req);
  free(s->fref);
  free(s->forced);
  for (size_t i = 0; i < s->ntasks; i++) task_free(s->tasks[i]);
  free(s->tasks);
  dpor_free(s->dpor);
  free(s);
}

static int por(const DfsStrategy *s) { return s->base.cfg.por; }

/* The bound on the preemptions of each schedule explored: plain dfs's (the
   reduced search bounds classes instead, close_over_bound). */
static int schedule_bound(const DfsStrategy *s) {
  return por(s) ? -1 : s->base.cfg.preemption_bound;
}

/* ---- footprints of done and sleeping threads, per node -------------- */

static SleepFp *fp_find(const Node *n, int32_t tid) {
  for (size_t i = 0; i < n->nsf; i++)
    if (n->sf[i].tid == tid) return &n->sf[i];
  return NULL;
}

/* Thread tid's footprint at n, if known and it may sleep on it. */
static const SleepFp *fp_get(const Node *n, int32_t tid) {
  const SleepFp *f = fp_find(n, tid);
  return f && !f->cut ? f : NULL;
}

static void fp_put(Node *n, int32_t tid, const FpEntry *fp, size_t len) {
  if (fp_find(n, tid)) return;
  UTIL_GROW(n->fp, n->nfp + len, n->cap_fp);
  if (len) memcpy(n->fp + n->nfp, fp, len * sizeof *fp);
  UTIL_GROW(n->sf, n->nsf + 1, n->cap_sf);
  n->sf[n->nsf++] = (SleepFp){tid, (uint32_t)n->nfp, (uint32_t)len, 0};
  n->nfp += len;
}

static Node *push_node(DfsStrategy *s) {
  grow_path(s, s->npath + 1);
  Node *n = &s->path[s->npath++];
  NodeMem m;
  node_keep(n, &m);
  memset(n, 0, sizeof *n);
  node_give(n, &m); /* keep memory */
  tset_clear(&n->enabled);
  tset_clear(&n->backtrack);
  tset_clear(&n->done);
  tset_clear(&n->sleep);
  n->prev = -1;
  return n;
}

/* The thread node before index 'i' of the path, or NULL. */
static Node *thread_node_before(DfsStrategy *s, size_t i) {
  while (i-- > 0)
    if (s->path[i].kind == DEC_THREAD) return &s->path[i];
  return NULL;
}

/* Thread t, asleep or done at p, stays asleep at n unless a step run since
   conflicts with its next one (or that is not known). */
static void keep_asleep(Node *n, Node *p, int32_t t, const SimRun *r) {
  const SleepFp *f = fp_get(p, t);
  if (!f) return; /* footprint unknown: cannot keep it asleep */
  const FpEntry *fp = f->len ? p->fp + f->off : NULL; /* (no entries: maybe no array) */
  /* (a copy: its takes' slack as it is at n) */
  FpEntry buf[16], *now = f->len > 16 ? util_xmalloc(f->len * sizeof *now) : buf;
  if (!dpor_conflicts(fp, f->len, r, p->ev, r->nevents, now)) {
    fp_put(n, t, now, f->len);
    tset_add(&n->sleep, t);
  }
  if (now != buf) free(now);
}

/*
** The sleep set of a new node: the threads asleep or already explored at
** the previous thread node, minus those whose next step conflicts with
** anything run since.
*/
static void inherit_sleep(DfsStrategy *s, Node *n, const SimRun *r) {
  Node *p = thread_node_before(s, s->npath - 1);
  if (!p) return;
  uint32_t nw = tset_span(&p->sleep, &p->done);
  for (uint32_t w = 0; w < nw; w++) { /* p's sleep set, and what it has done but this */
    uint64_t cand = tset_word(&p->sleep, w) | tset_word(&p->done, w);
    if (w == p->value >> 6) cand &= ~TSET_BIT(p->value);
    for (; cand; cand &= cand - 1)
      keep_asleep(n, p, (int32_t)(w * 64 + (uint32_t)__builtin_ctzll(cand)), r);
  }
}

static uint32_t preemptions_after(const Node *n, int32_t choice) {
  int preempt = n->prev >= 0 && choice != n->prev && tset_has(&n->enabled, n->prev);
  return n->preempt + (uint32_t)preempt;
}

/* ---- the strategy ----------------------------------------------------- */

static int dfs_begin_run(Strategy *base, uint64_t index, uint64_t *seed) {
  DfsStrategy *s = (DfsStrategy *)base;
  (void)index;
  if (s->finished) return 1;
  if (base->cfg.max_runs && s->runs >= base->cfg.max_runs) return 1;
  s->ndec = 0;
  s->at_frontier = 0;
  s->chk_node = 0;
  *seed = base->cfg.base_seed;
  return 0;
}

/* Probing: has the run reached level D?  Then it stops here. */
static int frontier(DfsStrategy *s) {
  if (s->base.cfg.dfs_probe_depth <= 0 || s->ndec < (size_t)s->base.cfg.dfs_probe_depth)
    return 0;
  s->at_frontier = 1;
  return 1;
}

static int nondeterministic(DfsStrategy *s, uint32_t step) {
  snprintf(s->base.err, sizeof s->base.err,
           "the scenario is not deterministic: replaying the same decisions "
           "gave a different run at step %u",
           step);
  return -2;
}

/*
** Only thread v->enabled[0] can run, and no decision is made: but if it is
** asleep (explored from an earlier node, and nothing since conflicts with
** its next step), everything that follows was seen already: abandon.
*/
static int32_t pick_single(DfsStrategy *s, const SchedView *v) {
  int32_t t = v->enabled[0];
  const SimRun *r = v->run;
  Node *p = thread_node_before(s, s->ndec);
  if (!p) return t;
  size_t at = (size_t)(p - s->path) + 1;
  if (s->chk_node != at || s->chk_tid != t) {
    int asleep = tset_has(&p->sleep, t) || (t != (int32_t)p->value && tset_has(&p->done, t));
    if (!asleep || !fp_get(p, t)) return t;
    s->chk_node = at, s->chk_tid = t, s->chk_ev = p->ev, s->chk_woken = 0;
  }
  if (s->chk_woken) return t;
  const SleepFp *f = fp_get(p, t);
  const FpEntry *fp = f->len ? p->fp + f->off : NULL;
  /* a free take counts the takes since it fell asleep: check them all */
  uint32_t from = dpor_fp_takes(fp, f->len) ? p->ev : s->chk_ev;
  if (dpor_conflicts(fp, f->len, r, from, r->nevents, NULL)) {
    s->chk_woken = 1;
    return t;
  }
  s->chk_ev = r->nevents;
  return -1;
}

static int32_t dfs_pick(Strategy *base, const SchedView *v) {
  DfsStrategy *s = (DfsStrategy *)base;
  const SimRun *r = v->run;
  if (v->nenabled == 1) return pick_single(s, v);
  TSet *en = &s->en;
  tset_clear(en);
  for (int i = 0; i < v->nenabled; i++) tset_add(en, v->enabled[i]);
  if (s->ndec < s->npath) { /* replaying the prefix */
    Node *n = &s->path[s->ndec++];
    if (n->kind != DEC_THREAD || !tset_equal(&n->enabled, en) || n->step != r->steps + 1)
      return nondeterministic(s, r->steps + 1);
    return (int32_t)n->value;
  }
  if (frontier(s)) return -1;
  Node *n = push_node(s);
  s->ndec++;
  n->br_start = s->kept;
  n->kind = DEC_THREAD;
  n->step = r->steps + 1;
  n->ev = r->nevents;
  tset_copy(&n->enabled, en);
  n->prev = v->prev;
  Node *p = thread_node_before(s, s->npath - 1);
  n->preempt = p ? preemptions_after(p, (int32_t)p->value) : 0;
  if (por(s)) inherit_sleep(s, n, r);
  /* the thread that ran on if it can, else the first awake one */
  int32_t pick = -1;
  if (v->prev >= 0 && tset_has(en, v->prev) && !tset_has(&n->sleep, v->prev)) pick = v->prev;
  for (int i = 0; pick < 0 && i < v->nenabled; i++)
    if (!tset_has(&n->sleep, v->enabled[i])) pick = v->enabled[i];
  if (pick < 0) { /* every choice here is redundant: abandon the run */
    s->npath--;
    s->ndec--;
    return -1;
  }
  n->value = (uint32_t)pick;
  tset_add(&n->backtrack, pick);
  return pick;
}

static int64_t dfs_choose(Strategy *base, const SimRun *r, uint32_t n) {
  DfsStrategy *s = (DfsStrategy *)base;
  if (s->ndec < s->npath) {
    Node *d = &s->path[s->ndec++];
    if (d->kind != DEC_DATA || d->n != n) return nondeterministic(s, r->steps);
    return d->value;
  }
  /* (never stop a probe here, inside a step: its footprint would be cut) */
  Node *d = push_node(s);
  s->ndec++;
  d->br_start = s->kept;
  d->kind = DEC_DATA;
  d->step = r->steps;
  d->ev = r->nevents;
  d->n = n;
  d->value = 0;
  return 0;
}

/* The thread node whose decision starts step 'step', or NULL. */
static Node *node_at_step(DfsStrategy *s, uint32_t step) {
  size_t lo = 0, hi = s->ndec;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->path[mid].step < step) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < s->ndec && s->path[lo].step == step; lo++)
    if (s->path[lo].kind == DEC_THREAD) return &s->path[lo];
  return NULL;
}

/*
** Source-DPOR's rule for a race whose reversal starts at node n: the
** threads to add, into 'add', beside those 'asked' for already (its
** backtrack set, or what a plan node was asked for); 1 if no initial can
** start it there, and every thread is tried.
*/
static int race_rule(const Node *n, const TSet *asked, const TSet *initials, int32_t tid2,
                     int pending, TSet *add) {
  /* a blocked thread's later steps were never seen: do not rely on another
     initial (possibly asleep) to cover them; start with that thread too */
  if (pending && tset_has(&n->enabled, tid2) && !tset_has(&n->sleep, tid2)) tset_add(add, tid2);
  if (!tset_intersects(initials, &n->enabled)) { /* cannot start the reversal here: */
    tset_or(add, &n->enabled);                 /* try everything */
    return 1;
  }
  if (tset_intersects(initials, asked) || tset_intersects(initials, &n->done) ||
      tset_intersects(initials, &n->sleep))
    return 0;
  for (int32_t t = tset_next(initials, 0); t >= 0; t = tset_next(initials, t + 1))
    if (tset_has(&n->enabled, t) && !tset_has(&n->sleep, t)) { /* the first awake one */
      tset_add(add, t);
      break;
    }
  return 0;
}

/* A race: source-DPOR's rule for the node just before transition 'step'. */
static void on_race(void *ud, uint32_t step, const TSet *initials, int32_t tid2, int pending) {
  DfsStrategy *s = ud;
  Node *n = node_at_step(s, step);
  if (!n) {
    /* Only one thread could run there, so the reversal cannot start there:
       the race analysis judged it possible (dpor.c, feasible) where it was
       not.  Rather than drop it, reverse at the choice before. */
    size_t lo = 0, hi = s->ndec;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (s->path[mid].step < step) lo = mid + 1;
      else hi = mid;
    }
    n = thread_node_before(s, lo);
    if (!n) return;
  }
  if ((size_t)(n - s->path) < s->nfrozen && !s->planned) return; /* tried in full (dfs_split) */
  tset_clear(&s->add);
  s->fallbacks += (uint64_t)race_rule(n, &n->backtrack, initials, tid2, pending, &s->add);
  if ((size_t)(n - s->path) < s->nfrozen) {
    /* the plan's to decide (dfs_plan_collect), unless this copy of the node
       already answers (what the plan gave out only grows): ask once, and
       keep the answer here, so that the same race in later runs asks nothing */
    int asks = 0;
    for (int32_t t = tset_next(&s->add, 0); t >= 0 && !asks; t = tset_next(&s->add, t + 1))
      asks = !tset_has(&n->backtrack, t);
    if (asks) req_push(s, (uint32_t)(n - s->path), REQ_RACE, tid2, pending, initials);
  }
  tset_or(&n->backtrack, &s->add);
}

/* A probe explores its levels in full: races add nothing. */
static void no_race(void *ud, uint32_t step, const TSet *initials, int32_t tid2,
                    int pending) {
  (void)ud, (void)step, (void)initials, (void)tid2, (void)pending;
}

/* Probing: the path of this run (to level D, or all of it) is a task. */
static void take_task(DfsStrategy *s) {
  DfsTask *t = util_xcalloc(1, sizeof *t);
  t->n = s->npath;
  t->nodes = util_xcalloc(t->n ? t->n : 1, sizeof(Node));
  for (size_t i = 0; i < t->n; i++) node_copy(&t->nodes[i], &s->path[i]);
  UTIL_GROW(s->tasks, s->ntasks + 1, s->cap_tasks);
  s->tasks[s->ntasks++] = t;
}

/* Can node n branch to thread t: enabled, not done, not asleep, within the
   preemption bound (-1: none)? */
static int usable(const Node *n, int32_t t, int bound) {
  return tset_has(&n->enabled, t) && !tset_has(&n->done, t) && !tset_has(&n->sleep, t) &&
         (bound < 0 || preemptions_after(n, t) <= (uint32_t)bound);
}

/* The next branch of thread node n among the threads of 'want': the thread
   that ran on if it can be one, else the first that can; -1 if none. */
static int32_t next_branch(const Node *n, const TSet *want, int bound) {
  if (n->prev >= 0 && tset_has(want, n->prev) && usable(n, n->prev, bound)) return n->prev;
  for (int32_t t = tset_next(want, 0); t >= 0; t = tset_next(want, t + 1))
    if (usable(n, t, bound)) return t;
  return -1;
}

/*
** Bounded, with the reduction: close every decision of the run whose prefix
** (the steps before it) makes more than K preemptions in every equivalent
** order; the search does not branch there again.  Every run through it
** would be over the bound, and a class within the bound never has a prefix
** over it (the count only grows), so the decisions on the way to each such
** class stay open.  (The run itself went on to its end: its races count.)
*/
static void close_over_bound(DfsStrategy *s, const SimRun *r) {
  int bound = s->base.cfg.preemption_bound;
  if (bound < 0) return;
  UTIL_GROW(s->forced, (size_t)r->steps + 1, s->cap_forced);
  dpor_forced(s->dpor, r, s->forced);
  for (size_t i = 0; i < s->ndec && i < s->npath; i++) { /* (frozen ones too: for a plan) */
    Node *n = &s->path[i];
    uint32_t before = n->step > 0 ? n->step - 1 : 0; /* (a data choice: inside its step) */
    if (before <= r->steps && s->forced[before] > (uint32_t)bound) n->closed = 1;
  }
}

/*
** Bounded, with the reduction: a closed decision's branches that races
** asked for are not run (every run through them is over the bound), and so
** are not the races those runs would show, which source-DPOR may need to
** reach a class within the bound.  Each such thread is given a branch at
** the deepest open decision above where it can run instead, so that its
** steps meet the steps of the prefix below that decision in a run within
** reach (in the spirit of the paper's conservative backtrack points, but only
** where the bound dropped a branch).  A thread asleep or done there was run
** there already.  Above a task's frozen levels, the plan's to decide.
*/
static void lift_dropped(DfsStrategy *s, size_t at) {
  Node *n = &s->path[at];
  for (int32_t t = tset_next(&n->backtrack, 0); t >= 0; t = tset_next(&n->backtrack, t + 1)) {
    if (!usable(n, t, -1)) continue;
    for (size_t j = at; j-- > (s->planned ? 0 : s->nfrozen);) {
      Node *m = &s->path[j];
      if (m->kind != DEC_THREAD || m->closed || !tset_has(&m->enabled, t)) continue;
      if (j < s->nfrozen) req_push(s, (uint32_t)j, REQ_TURN, t, 0, NULL);
      else if (usable(m, t, -1)) tset_add(&m->backtrack, t);
      break;
    }
  }
}

static void dfs_end_run(Strategy *base, const SimRun *r) {
  DfsStrategy *s = (DfsStrategy *)base;
  s->runs++;
  s->kept += r->end != END_PRUNED;
  if (r->end == END_DIVERGED) { /* nondeterminism or too many threads */
    s->finished = 1;
    return;
  }
  int probe = base->cfg.dfs_probe_depth > 0;
  if (r->end == END_PRUNED && !s->at_frontier) base->pruned++;
  /* the footprints of this run's choices, for the sleep sets of later runs */
  FpEntry *tmp = NULL;
  size_t ntmp = 0, cap = 0;
  for (size_t i = 0; i < s->ndec && i < s->npath; i++) {
    Node *n = &s->path[i];
    if (n->kind != DEC_THREAD || n->step > r->steps) continue;
    if (!fp_find(n, (int32_t)n->value)) {
      ntmp = 0;
      dpor_footprint(r, n->step, &tmp, &ntmp, &cap);
      fp_put(n, (int32_t)n->value, tmp, ntmp);
    }
  }
  free(tmp);
  if (!probe && (r->end == END_STEP_LIMIT || r->end == END_ABORT)) {
    /* Cut short: what the threads left waiting would have done was never
       seen.  Give each thread that could run but never did since a node a
       turn at the first such node (a fairness backtrack), and never claim
       completeness. */
    s->truncated = 1;
    /* nor is what the branches it took cover: none of them puts its
       thread to sleep for a later branch (a spinning thread's branch, cut
       at the step limit, does not cover the runs where another thread
       ends its spin) */
    for (size_t i = s->planned ? 0 : s->nfrozen; i < s->ndec && i < s->npath; i++) {
      if (s->path[i].kind != DEC_THREAD) continue;
      if (i < s->nfrozen) { /* the plan's, for the branches it gives out later */
        req_push(s, (uint32_t)i, REQ_CUT, (int32_t)s->path[i].value, 0, NULL);
        continue;
      }
      SleepFp *f = fp_find(&s->path[i], (int32_t)s->path[i].value);
      if (f) f->cut = 1;
    }
    for (int32_t t = 0; t < r->nthreads; t++) {
      if (!thread_alive(&r->threads[t])) continue;
      uint32_t last = r->threads[t].last_ev >= 0 ? r->events[r->threads[t].last_ev].step : 0;
      for (size_t i = s->planned ? 0 : s->nfrozen; i < s->ndec && i < s->npath; i++) {
        Node *n = &s->path[i];
        if (n->kind == DEC_THREAD && n->step > last && tset_has(&n->enabled, t)) {
          if (i < s->nfrozen) req_push(s, (uint32_t)i, REQ_TURN, t, 0, NULL);
          else tset_add(&n->backtrack, t);
          break;
        }
      }
    }
  }
  if (por(s) && !probe) { /* a pruned run too: the races of its prefix count */
    dpor_analyse(s->dpor, r, on_race, s);
    close_over_bound(s, r);
  } else if (por(s) && base->cfg.preemption_bound >= 0) { /* a probe closes the same */
    dpor_analyse(s->dpor, r, no_race, s);
    close_over_bound(s, r);
  }
  /* the path of this run ends at its last decision */
  if (s->npath > s->ndec) s->npath = s->ndec;
  for (size_t i = 0; i < s->npath; i++)
    if (s->path[i].kind == DEC_THREAD) tset_add(&s->path[i].done, (int32_t)s->path[i].value);
  if (probe && (s->at_frontier || r->end != END_PRUNED)) take_task(s);
  /* backtrack to the deepest node with something left to explore */
  int bound = schedule_bound(s);
  while (s->npath > s->nfrozen) {
    Node *n = &s->path[s->npath - 1];
    n->br_runs += s->kept - n->br_start; /* (the progress estimate) */
    n->br_done++;
    n->br_start = s->kept;
    if (n->closed) {
      /* over the bound: no more branches */
      if (n->kind == DEC_THREAD) lift_dropped(s, s->npath - 1);
    } else if (n->kind == DEC_DATA) {
      if (n->value + 1 < n->n) {
        n->value++;
        break;
      }
    } else {
      int32_t t = next_branch(n, por(s) && !probe ? &n->backtrack : &n->enabled, bound);
      if (t >= 0) {
        n->value = (uint32_t)t;
        tset_add(&n->backtrack, t);
        break;
      }
    }
    s->npath--;
  }
  if (s->npath == s->nfrozen) {
    s->finished = 1;
    base->complete = !s->truncated;
  }
}

/* What a complete search covered: with a preemption bound, only schedules
   within it; with the reduction too, as far as tests show (the top of this file). */
static void dfs_report(const Strategy *base, StrategyReport *out) {
  out->scope = base->cfg.preemption_bound >= 0 ? " within the preemption bound" : "";
  if (base->cfg.preemption_bound < 0) return;
  int exact = !base->cfg.por;
  sb_printf(out->json, ", \"bound_exact\": %s", exact ? "true" : "false");
  if (!exact && base->complete)
    sb_puts(out->line, "note: that the preemption bound with the reduction covers every schedule "
                       "within it is tested, not proved; --no-por explores every schedule within "
                       "it, exactly\n");
}

static const StrategyOption dfs_options[] = {
    {"--preemption-bound", "K", "explore schedules with at most K preemptions", 0, 1000,
     offsetof(StrategyConfig, preemption_bound), 0},
    {"--no-por", NULL, "plain exhaustive search, no partial-order reduction", 0, 0,
     offsetof(StrategyConfig, por), 0},
    {NULL, NULL, NULL, 0, 0, 0, 0}};

const StrategyOps strategy_dfs_ops = {
    "dfs",        dfs_create,  dfs_begin_run, dfs_pick, dfs_choose, dfs_end_run, dfs_destroy,
    "exhaustive depth-first search with partial-order reduction (source-DPOR)",
    STRAT_USER | STRAT_TREE, dfs_options, dfs_report};

int strategy_dfs_finished(const Strategy *base) { return ((const DfsStrategy *)base)->finished; }

uint64_t strategy_dfs_fallbacks(const Strategy *base) {
  return ((const DfsStrategy *)base)->fallbacks;
}

/* The branches of thread node n known so far (those of 'all' awake, those
   done, the current one); '*before': those done before the current one. */
static uint32_t thread_branches(const Node *n, const TSet *all, uint32_t *before) {
  uint32_t k = 0, nw = tset_span(all, &n->done);
  *before = 0;
  for (uint32_t w = 0; w < nw; w++) {
    uint64_t done = tset_word(&n->done, w), cur = 0;
    if (w == n->value >> 6) cur = TSET_BIT(n->value), done &= ~cur;
    uint64_t a = tset_word(all, w) & ~tset_word(&n->sleep, w);
    k += (uint32_t)__builtin_popcountll(a | done | cur);
    *before += (uint32_t)__builtin_popcountll(done);
  }
  return k;
}

/*
** How many runs its tree (or subtree) will take, estimated from the path:
** from the deepest node up, a node's subtree is the runs its finished
** branches took, its current branch's estimate, and for each branch known
** but not yet begun as many runs as its finished branches took on average
** (or as the current one, if none has finished).  Runs, not branches: the
** subtrees of a node differ in size by orders of magnitude (most are cut
** short by the sleep sets), so weighing branches equally says 90% where
** 0.1% of the runs were made.  Still an estimate: backtrack sets grow.
*/
double strategy_dfs_estimate(const Strategy *base) {
  const DfsStrategy *s = (const DfsStrategy *)base;
  if (s->finished || s->npath <= s->nfrozen) return (double)(s->kept ? s->kept : 1);
  double below = 1; /* the subtree of the current branch of node i (runs kept) */
  for (size_t i = s->npath; i-- > s->nfrozen;) {
    const Node *n = &s->path[i];
    uint32_t k, before;
    if (n->kind == DEC_DATA) {
      k = n->n, before = n->value;
    } else {
      k = thread_branches(n, por(s) ? &n->backtrack : &n->enabled, &before);
    }
    if (n->closed) k = before + 1; /* (no branch after the current one) */
    double cur = below > (double)(s->kept - n->br_start) ? below : (double)(s->kept - n->br_start);
    double avg = n->br_done ? (double)n->br_runs / n->br_done : cur;
    double left = k > before + 1 ? (double)(k - before - 1) : 0;
    below = (double)n->br_runs + cur + left * avg;
  }
  return below > (double)s->kept ? below : (double)s->kept;
}

double strategy_dfs_fraction(const Strategy *base) {
  const DfsStrategy *s = (const DfsStrategy *)base;
  if (s->finished) return 1.0;
  return (double)s->kept / strategy_dfs_estimate(base);
}

uint64_t strategy_dfs_runs(const Strategy *base) { return ((const DfsStrategy *)base)->kept; }

/* ---- splitting -------------------------------------------------------- */

void dfs_tasks_free(DfsTasks *t) {
  for (size_t i = 0; i < t->n; i++) task_free(t->v[i]);
  free(t->v);
  memset(t, 0, sizeof *t);
}

#define SPLIT_MAX_DEPTH 16

int dfs_split(const StrategyConfig *cfg, size_t want, DfsRunFn run, void *ud, DfsTasks *out) {
  memset(out, 0, sizeof *out);
  for (int depth = 1;; depth++) {
    StrategyConfig c = *cfg;
    c.dfs_task = NULL;
    c.dfs_probe_depth = depth;
    c.max_runs = 0;
    DfsStrategy *s = (DfsStrategy *)strategy_new(&strategy_dfs_ops, &c);
    int rc, deeper = 0;
    uint64_t i = 0;
    while ((rc = run(ud, &s->base, i++)) == 1) deeper |= s->at_frontier;
    out->probes += i - 1;
    if (rc < 0) {
      strategy_destroy(&s->base);
      return -1;
    }
    if (s->ntasks >= want || !deeper || depth == SPLIT_MAX_DEPTH) {
      out->v = s->tasks, out->n = s->ntasks, out->depth = depth;
      out->pruned = s->base.pruned;
      s->tasks = NULL, s->ntasks = 0;
      strategy_destroy(&s->base);
      return 0;
    }
    strategy_destroy(&s->base);
  }
}

/* ---- planning: subtrees from races ------------------------------------ */

/*
** A plan (dfs_plan_new) splits the search as it goes, so that it explores
** what one dfs would: no path that the reduction would not take.  It
** begins with one task, the whole tree.  Between rounds (explore_dfs.c) a
** task still at work may be split: its shallowest decision with branches
** left is frozen, with every decision above it, and each branch left
** becomes a task of its own.  The plan keeps each frozen decision (PNode):
** a race that a task finds for one (on_race) comes to the plan as a
** request, and the branch it asks for becomes a task, with the branches
** given out before it asleep or done, as dfs would have them.  Everything
** the plan does depends on what each task's runs found, in task order, never
** on timing, so the tasks and their numbers are the same for any --jobs.
*/
typedef struct PNode {
  Node node;      /* as frozen; 'done': the branches given out so far */
  Node *prefix;   /* the path above it (level nodes) */
  uint32_t *fref; /* the plan nodes of the path above it */
  uint32_t level;
  TSet pending;   /* branches asked for, not given out yet */
} PNode;

struct DfsPlan {
  StrategyConfig cfg;
  PNode *v;
  size_t n, cap;
  uint64_t probes;
};

DfsPlan *dfs_plan_new(const StrategyConfig *cfg) {
  DfsPlan *p = util_xcalloc(1, sizeof *p);
  p->cfg = *cfg;
  p->cfg.dfs_task = NULL;
  p->cfg.dfs_probe_depth = 0;
  p->cfg.max_runs = 0;
  return p;
}

void dfs_plan_free(DfsPlan *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) {
    PNode *f = &p->v[i];
    node_free(&f->node);
    for (uint32_t k = 0; k < f->level; k++) node_free(&f->prefix[k]);
    free(f->prefix);
    free(f->fref);
    tset_free(&f->pending);
  }
  free(p->v);
  free(p);
}

uint64_t dfs_plan_probes(const DfsPlan *p) { return p->probes; }

DfsTask *dfs_plan_root(DfsPlan *p) {
  (void)p;
  DfsTask *t = util_xcalloc(1, sizeof *t);
  t->nodes = util_xcalloc(1, sizeof(Node));
  t->planned = 1;
  return t;
}

/* Freeze level j of task s's path as a plan node. */
static uint32_t pnode_new(DfsPlan *p, DfsStrategy *s, size_t j) {
  UTIL_GROW(p->v, p->n + 1, p->cap);
  PNode *f = &p->v[p->n];
  memset(f, 0, sizeof *f);
  node_copy(&f->node, &s->path[j]);
  if (f->node.kind == DEC_THREAD) tset_add(&f->node.done, (int32_t)f->node.value);
  f->level = (uint32_t)j;
  f->prefix = util_xcalloc(j ? j : 1, sizeof(Node));
  for (size_t k = 0; k < j; k++) node_copy(&f->prefix[k], &s->path[k]);
  f->fref = util_xmalloc((j ? j : 1) * sizeof *f->fref);
  if (j) memcpy(f->fref, s->fref, j * sizeof *f->fref);
  UTIL_GROW(s->fref, j + 1, s->cap_fref);
  s->fref[j] = (uint32_t)p->n;
  return (uint32_t)p->n++;
}

/* The task below plan node f's branch 'value'. */
static DfsTask *pnode_task(const PNode *f, uint32_t id, uint32_t value) {
  DfsTask *t = util_xcalloc(1, sizeof *t);
  t->n = (size_t)f->level + 1;
  t->nodes = util_xcalloc(t->n, sizeof(Node));
  for (uint32_t k = 0; k < f->level; k++) node_copy(&t->nodes[k], &f->prefix[k]);
  node_copy(&t->nodes[f->level], &f->node); /* (done: the branches before this one) */
  t->nodes[f->level].value = value;
  t->fref = util_xmalloc(t->n * sizeof *t->fref);
  if (f->level) memcpy(t->fref, f->fref, f->level * sizeof *t->fref);
  t->fref[f->level] = id;
  t->planned = 1;
  return t;
}

/* A request for plan node f: source-DPOR's rule (race_rule), with what f
   was asked for as its backtrack set and what it gave out as done. */
static void pnode_race(PNode *f, const Req *q) {
  Node *n = &f->node;
  if (q->kind == REQ_CUT) { /* (a footprint not known yet stays unknown) */
    if (!fp_find(n, q->tid)) fp_put(n, q->tid, NULL, 0);
    fp_find(n, q->tid)->cut = 1;
    return;
  }
  if (q->kind == REQ_TURN) {
    tset_add(&f->pending, q->tid);
    return;
  }
  TSet add = {0};
  race_rule(n, &f->pending, &q->initials, q->tid, q->pending, &add);
  tset_or(&f->pending, &add);
  tset_free(&add);
}

/* Split task s: freeze down to its shallowest decision with a branch left;
   those branches are the plan's to give out. */
static void split_task(DfsPlan *p, DfsStrategy *s) {
  int bound = schedule_bound(s);
  size_t at = s->npath;
  for (size_t i = s->nfrozen; i < s->npath && at == s->npath; i++) {
    Node *n = &s->path[i];
    if (n->closed) continue;
    if (n->kind == DEC_DATA) {
      if (n->value + 1 < n->n) at = i;
      continue;
    }
    /* (value: the branch the task takes next, or is in) */
    const TSet *want = por(s) ? &n->backtrack : &n->enabled;
    for (int32_t t = tset_next(want, 0); t >= 0 && at == s->npath; t = tset_next(want, t + 1))
      if (t != (int32_t)n->value && usable(n, t, bound)) at = i;
  }
  if (at == s->npath) return;
  for (size_t j = s->nfrozen; j <= at; j++) pnode_new(p, s, j);
  PNode *f = &p->v[s->fref[at]];
  Node *n = &s->path[at];
  if (n->kind == DEC_DATA) {
    for (uint32_t v = n->value + 1; v < n->n; v++) tset_add(&f->pending, (int32_t)v);
  } else {
    tset_or(&f->pending, por(s) ? &n->backtrack : &n->enabled);
  }
  s->nfrozen = at + 1;
}

void dfs_plan_collect(DfsPlan *p, Strategy *base, int split) {
  DfsStrategy *s = (DfsStrategy *)base;
  for (size_t i = 0; i < s->nreq; i++) {
    const Req *q = &s->req[i];
    if (q->level >= s->nfrozen || !s->fref) continue;
    PNode *f = &p->v[s->fref[q->level]];
    if (s->path[q->level].closed) f->node.closed = 1;
    pnode_race(f, q); /* (a closed node's: lifted, pnode_lift) */
  }
  reqs_clear(s);
  if (split && !s->finished) split_task(p, s);
}

/* Run task t's first step below plan node f only, for its footprint (the
   sleep sets of the branches given out after it). */
static int pnode_probe(DfsPlan *p, uint32_t id, int32_t tid, DfsRunFn run, void *ud) {
  DfsTask *t = pnode_task(&p->v[id], id, (uint32_t)tid);
  StrategyConfig c = p->cfg;
  c.dfs_task = t;
  c.dfs_probe_depth = (int)t->n;
  DfsStrategy *s = (DfsStrategy *)strategy_new(&strategy_dfs_ops, &c);
  int rc = run(ud, &s->base, 0);
  p->probes++;
  PNode *f = &p->v[id]; /* (run does not touch the plan) */
  const Node *n = &s->path[f->level];
  const SleepFp *fp = rc > 0 && s->npath > f->level ? fp_get(n, tid) : NULL;
  if (fp) fp_put(&f->node, tid, fp->len ? n->fp + fp->off : NULL, fp->len);
  strategy_destroy(&s->base);
  task_free(t);
  return rc < 0 ? -1 : 0;
}

/* lift_dropped for plan node f, closed: the branches asked of it go to the
   deepest open plan node above where they can run. */
static void pnode_lift(DfsPlan *p, PNode *f) {
  const Node *n = &f->node;
  for (int32_t t = tset_next(&f->pending, 0); t >= 0; t = tset_next(&f->pending, t + 1)) {
    if (n->kind != DEC_THREAD || !usable(n, t, -1)) continue;
    for (uint32_t k = f->level; k-- > 0;) {
      PNode *g = &p->v[f->fref[k]];
      const Node *m = &g->node;
      if (m->kind != DEC_THREAD || m->closed || !tset_has(&m->enabled, t)) continue;
      if (usable(m, t, -1)) tset_add(&g->pending, t);
      break;
    }
  }
  tset_clear(&f->pending);
}

int dfs_plan_tasks(DfsPlan *p, DfsRunFn run, void *ud, DfsTasks *out) {
  memset(out, 0, sizeof *out);
  int bound = p->cfg.por ? -1 : p->cfg.preemption_bound;
  size_t cap = 0;
  for (size_t id = p->n; id-- > 0;) /* (a node's plan nodes above it come first) */
    if (p->v[id].node.closed) pnode_lift(p, &p->v[id]);
  for (size_t id = 0; id < p->n; id++) {
    PNode *f = &p->v[id];
    if (tset_next(&f->pending, 0) < 0) continue;
    Node *n = &f->node;
    if (n->kind == DEC_DATA) {
      for (int32_t v = tset_next(&f->pending, 0); v >= 0; v = tset_next(&f->pending, v + 1)) {
        if ((uint32_t)v >= n->n) break;
        UTIL_GROW(out->v, out->n + 1, cap);
        out->v[out->n++] = pnode_task(f, (uint32_t)id, (uint32_t)v);
      }
      tset_clear(&f->pending);
      continue;
    }
    /* the branches given out before: their footprints, for the sleep sets */
    for (int32_t t = tset_next(&n->done, 0); t >= 0; t = tset_next(&n->done, t + 1))
      if (!fp_find(n, t) && pnode_probe(p, (uint32_t)id, t, run, ud) < 0) return -1;
    int32_t t;
    while ((t = next_branch(&p->v[id].node, &p->v[id].pending, bound)) >= 0) {
      f = &p->v[id];
      UTIL_GROW(out->v, out->n + 1, cap);
      out->v[out->n++] = pnode_task(f, (uint32_t)id, (uint32_t)t);
      if (pnode_probe(p, (uint32_t)id, t, run, ud) < 0) return -1;
      f = &p->v[id];
      tset_add(&f->node.done, t);
      tset_del(&f->pending, t);
    }
    tset_clear(&p->v[id].pending);
  }
  return 0;
}
