/*
** dpor.c - races and initials for source-DPOR (Abdulla, Aronis, Jonsson,
** Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014,
** Algorithm 1: source sets with sleep sets).
**
** A transition is one scheduling step: the events a thread performed when it
** was resumed once.  Two transitions are dependent when they touch the same
** facet of an object and at least one writes it, or one updates it and the
** other reads it (op.h: a commuting update, such as a semaphore's release,
** commutes with another update; sync/count.h says which takes of a count
** are updates); happens-before is the transitive closure of program order,
** spawn and dependency, kept as vector clocks over transitions.
**
** Blocking operations (an acquire of a held lock, a get on an empty queue)
** need care: the transition that made such an operation possible (the
** release) is dependent with it but cannot be reordered before it.  As
** Nidhugg does for mutexes, the race is then looked for further back, with
** the operation that made it impossible (the acquire that the release ended):
** walking back over the object's events, an event before which the blocked
** operation could not have proceeded (ObjClass.enabled_before, or a deadline
** not yet reached) is skipped without ordering; the first earlier event
** before which it could have proceeded races with it.  Skipping only ever
** adds races, so the reduction stays sound; the soundness tests compare it
** with plain DFS on random scenarios (tests/unit/test_por_fuzz.c).
**
** Two more dependencies no single object access shows:
** - waiting: whether a set() or a trip wakes a thread depends on the thread
**   having begun to wait; sched.c records a 'waiting' event for it, an
**   access like any other here;
** - a FIFO queue's puts and gets depend on each other by identity: a get
**   on the put whose item it takes, a put on the get that made its room
**   (fifo_partners).
*/
#include "dpor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "util.h"

#define NFACETS 3 /* F_MAIN/F_ITEMS, F_TASKS, F_TAIL */
#define WALK_LIMIT 100000 /* events walked back per access, at most */

/* A FIFO queue's successful puts and gets so far, in order (event indices). */
typedef struct Fifo {
  int32_t *put, *get;
  size_t np, ng, cap_put, cap_get;
} Fifo;

typedef struct Trans {
  int32_t tid;
  uint32_t first, nev; /* events */
  uint32_t pos;        /* its index among its thread's transitions (1-based) */
  uint32_t prev_same;  /* previous transition of the same thread, or 0 */
} Trans;

/*
** A thread still blocked when the run ended (a deadlock, a stuck wait) never
** performed its pending operation; it is added at the end of the trace as a
** virtual transition, so that its races (with the acquire that took the lock
** it waits for) are found like any other.
*/
/* How an event starts its transition (see feasible) */
enum { FIRST_OP = 1, FIRST_WAKE = 2 };

typedef struct Virtual {
  SimEvent ev;
  int first; /* FIRST_OP, or FIRST_WAKE: it waits to re-take a Condition's lock */
} Virtual;

struct Dpor {
  Trans *tr; /* 1..m */
  size_t cap_tr;
  uint32_t *vc; /* (m+1) x T */
  size_t cap_vc;
  uint32_t *obj_w; /* per object facet: last writing transition, 0 none */
  uint32_t *obj_r; /* per object facet: T-vector, join of reads since */
  uint32_t *obj_u; /* per object facet: T-vector, join of updates since */
  uint32_t *obj_t; /* ... of the updates that give no units back (count.h) */
  size_t cap_w, cap_r, cap_u, cap_t2;
  uint32_t *spawn_vc; /* per thread: VC of its spawn (T x T) */
  size_t cap_spawn;
  uint32_t *first_pos; /* per thread: position of its first transition in v, 0 */
  int32_t *seen;       /* ... the threads that have one, in order */
  uint32_t *scratch;   /* a T-vector */
  uint32_t *last, *count; /* per thread: its last transition, and how many */
  size_t cap_t;        /* threads the per-thread arrays have room for */
  TSet initials;       /* of the race being reported */
  uint32_t *pairs;     /* races already reported for the current transition */
  size_t npairs, cap_pairs;
  int32_t *prev_w;    /* per event: the previous event on its object that
                         writes or updates */
  size_t cap_prev_w;
  int32_t *lastw;     /* per object: its last writing event so far */
  size_t cap_lastw;
  int32_t *partner;   /* per event: its FIFO partner event (fifo_partners), or -1 */
  size_t cap_partner;
  Fifo *fifo;         /* per object: its puts and gets so far */
  size_t cap_fifo;
  Virtual *virt;             /* pending operations of blocked threads */
  int nvirt;
  size_t cap_virt;
  uint32_t *off, *bypos;     /* dpor_forced: each thread's transitions by position */
  size_t cap_off, cap_bypos;
  uint32_t m;                /* real transitions: 1..m */
  int T;
};

Dpor *dpor_new(void) { return util_xcalloc(1, sizeof(Dpor)); }

void dpor_free(Dpor *d) {
  if (!d) return;
  free(d->tr);
  free(d->vc);
  free(d->obj_w);
  free(d->obj_r);
  free(d->obj_u);
  free(d->obj_t);
  free(d->spawn_vc);
  free(d->first_pos);
  free(d->seen);
  free(d->scratch);
  free(d->last);
  free(d->count);
  free(d->virt);
  tset_free(&d->initials);
  free(d->pairs);
  free(d->partner);
  free(d->prev_w);
  free(d->lastw);
  free(d->off);
  free(d->bypos);
  for (size_t o = 0; o < d->cap_fifo; o++) {
    free(d->fifo[o].put);
    free(d->fifo[o].get);
  }
  free(d->fifo);
  free(d);
}

static uint32_t *VC(Dpor *d, uint32_t s) { return d->vc + (size_t)s * (size_t)d->T; }

static void join(uint32_t *a, const uint32_t *b, int T) {
  for (int i = 0; i < T; i++)
    if (b[i] > a[i]) a[i] = b[i];
}

static int has_access(const SimEvent *e) {
  return e->obj >= 0 && !(e->flags & EV_FINALLY) && (e->frd | e->fwr | e->fup);
}

static int ev_conflict(const SimEvent *a, const SimEvent *b) {
  return facets_conflict(a->frd, a->fwr, a->fup, b->frd, b->fwr, b->fup);
}

/* Does 'a' write every facet 'b' touches? */
static int ev_covers(const SimEvent *a, const SimEvent *b) {
  int t = b->frd | b->fwr | b->fup;
  return (a->fwr & t) == t;
}

/* A take of a count's units that writes it and would have waited for a
   unit (an acquire; not a task_done, which raises): a give does not order
   it (count.h). */
static int writing_take(const SimEvent *e) {
  return (e->flags & (EV_TAKEW | EV_WAKES)) == EV_TAKEW && op_table[e->op].blocking;
}

/* Order transition clock 'v' after the accesses of facet 'k' so far that
   conflict with event 'e' reading 'rd', writing 'wr' or updating 'up' it
   (a writing take: after no give). */
static void order_facet(Dpor *d, uint32_t *v, size_t k, int rd, int wr, int up,
                        const SimEvent *e) {
  int T = d->T, takew = writing_take(e);
  if (d->obj_w[k]) join(v, VC(d, d->obj_w[k]), T);
  if (wr | up) join(v, d->obj_r + k * (size_t)T, T);
  if (rd | wr) join(v, (takew ? d->obj_t : d->obj_u) + k * (size_t)T, T);
}

/* Index of facet bit 'f' of object 'obj' in the per-facet arrays. */
static size_t facet(int32_t obj, int f) {
  return (size_t)obj * NFACETS + (f == F_TASKS ? 1 : f == F_TAIL ? 2 : 0);
}

/*
** A FIFO queue's puts and gets depend on each other by identity, not by the
** queue's state: the k-th put and the j-th get are dependent only when the
** get takes the put's item (j = k) or frees the room the put needed (k = j
** + maxsize).  Facets order puts among themselves (the tail) and gets (the
** head); an attempt that found the queue empty or full reads both.  The
** k-th get's partner is the k-th put, the k-th put's is the (k - maxsize)-th
** get: an earlier event it is ordered after and races with.
*/
static void fifo_partners(Dpor *d, const SimRun *r) {
  size_t no = (size_t)r->nobjs + 1, had = d->cap_fifo;
  UTIL_GROW(d->fifo, no, d->cap_fifo);
  memset(d->fifo + had, 0, sizeof(Fifo) * (d->cap_fifo - had));
  for (size_t o = 0; o < no; o++) d->fifo[o].np = d->fifo[o].ng = 0;
  UTIL_GROW(d->partner, (size_t)r->nevents + 1, d->cap_partner);
  for (uint32_t i = 0; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    d->partner[i] = -1;
    if (!(e->flags & EV_FIFO) || (e->flags & (EV_FINALLY | EV_RAISED)) || e->obj < 0) continue;
    Fifo *q = &d->fifo[e->obj];
    if (e->op == OP_Q_PUT) {
      int32_t maxsize = e->aux; /* EV_FIFO: a put's aux */
      UTIL_GROW(q->put, q->np + 1, q->cap_put);
      if (maxsize > 0 && q->np >= (size_t)maxsize && q->np - (size_t)maxsize < q->ng)
        d->partner[i] = q->get[q->np - (size_t)maxsize];
      q->put[q->np++] = (int32_t)i;
    } else if (e->op == OP_Q_GET) {
      UTIL_GROW(q->get, q->ng + 1, q->cap_get);
      if (q->ng < q->np) d->partner[i] = q->put[q->ng];
      q->get[q->ng++] = (int32_t)i;
    }
  }
}

/* Build transitions and their vector clocks. */
static void build(Dpor *d, const SimRun *r) {
  uint32_t m = r->steps;
  int T = d->T;
  size_t slots = (size_t)m + 1 + (size_t)T;
  UTIL_GROW(d->tr, slots, d->cap_tr);
  memset(d->tr, 0, sizeof(Trans) * slots);
  for (uint32_t i = 0; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->step < 1 || e->step > m || (e->flags & EV_FINALLY)) continue;
    Trans *t = &d->tr[e->step];
    if (t->nev == 0) t->first = i, t->tid = e->tid;
    t->nev = i - t->first + 1;
  }
  UTIL_GROW(d->vc, slots * (size_t)T, d->cap_vc);
  memset(d->vc, 0, sizeof(uint32_t) * slots * (size_t)T);
  size_t no = ((size_t)r->nobjs + 1) * NFACETS;
  UTIL_GROW(d->obj_w, no, d->cap_w);
  memset(d->obj_w, 0, sizeof(uint32_t) * no);
  UTIL_GROW(d->obj_r, no * (size_t)T, d->cap_r);
  memset(d->obj_r, 0, sizeof(uint32_t) * no * (size_t)T);
  UTIL_GROW(d->obj_u, no * (size_t)T, d->cap_u);
  memset(d->obj_u, 0, sizeof(uint32_t) * no * (size_t)T);
  UTIL_GROW(d->obj_t, no * (size_t)T, d->cap_t2);
  memset(d->obj_t, 0, sizeof(uint32_t) * no * (size_t)T);
  UTIL_GROW(d->spawn_vc, (size_t)T * (size_t)T, d->cap_spawn);
  memset(d->spawn_vc, 0, sizeof(uint32_t) * (size_t)T * (size_t)T);
  fifo_partners(d, r);
  UTIL_GROW(d->prev_w, (size_t)r->nevents + 1, d->cap_prev_w);
  UTIL_GROW(d->lastw, (size_t)r->nobjs + 1, d->cap_lastw);
  for (int32_t o = 0; o <= r->nobjs; o++) d->lastw[o] = -1;
  for (uint32_t i = 0; i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->obj < 0 || e->obj >= r->nobjs) continue;
    d->prev_w[i] = d->lastw[e->obj];
    if (e->fwr | e->fup) d->lastw[e->obj] = (int32_t)i;
  }
  uint32_t *last = d->last, *count = d->count;
  memset(last, 0, sizeof(uint32_t) * (size_t)T);
  memset(count, 0, sizeof(uint32_t) * (size_t)T);
  for (uint32_t s = 1; s <= m; s++) {
    Trans *t = &d->tr[s];
    if (t->nev == 0) continue;
    uint32_t *v = VC(d, s);
    int tid = t->tid;
    if (last[tid]) memcpy(v, VC(d, last[tid]), sizeof(uint32_t) * (size_t)T);
    else memcpy(v, d->spawn_vc + (size_t)tid * (size_t)T, sizeof(uint32_t) * (size_t)T);
    t->prev_same = last[tid];
    t->pos = ++count[tid];
    v[tid] = t->pos;
    for (uint32_t i = t->first; i < t->first + t->nev; i++) {
      const SimEvent *e = &r->events[i];
      if (!has_access(e)) continue;
      if (d->partner[i] >= 0 && r->events[d->partner[i]].step != s)
        join(v, VC(d, r->events[d->partner[i]].step), T);
      int rd = e->frd, wr = e->fwr, up = e->fup;
      for (int f = 1; f <= F_TAIL; f <<= 1)
        if ((rd | wr | up) & f)
          order_facet(d, v, facet(e->obj, f), rd & f, wr & f, up & f, e);
    }
    for (uint32_t i = t->first; i < t->first + t->nev; i++) {
      const SimEvent *e = &r->events[i];
      if (e->op == OP_SPAWN && e->aux >= 0 && e->aux < T)
        memcpy(d->spawn_vc + (size_t)e->aux * (size_t)T, v, sizeof(uint32_t) * (size_t)T);
      if (!has_access(e)) continue;
      int rd = e->frd, wr = e->fwr, up = e->fup;
      for (int f = 1; f <= F_TAIL; f <<= 1) {
        size_t k = facet(e->obj, f);
        if (wr & f) {
          d->obj_w[k] = s;
          memset(d->obj_r + k * (size_t)T, 0, sizeof(uint32_t) * (size_t)T);
          memset(d->obj_u + k * (size_t)T, 0, sizeof(uint32_t) * (size_t)T);
          memset(d->obj_t + k * (size_t)T, 0, sizeof(uint32_t) * (size_t)T);
          continue;
        }
        if (rd & f) join(d->obj_r + k * (size_t)T, v, T);
        if (up & f) join(d->obj_u + k * (size_t)T, v, T);
        if ((up & f) && !(e->flags & EV_GIVE)) join(d->obj_t + k * (size_t)T, v, T);
      }
    }
    last[tid] = s;
  }
  /* the pending operations of threads still blocked at the end */
  d->m = m;
  d->nvirt = 0;
  UTIL_GROW(d->virt, (size_t)T, d->cap_virt);
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *th = &r->threads[i];
    const PendingOp *p = &th->pend;
    if (th->state != TS_READY || p->obj < 0 || p->op == OP_END || p->op == OP_START) continue;
    if (!(op_table[p->op].rd | op_table[p->op].wr)) continue;
    Virtual *x = &d->virt[d->nvirt];
    uint32_t s = m + 1 + (uint32_t)d->nvirt++;
    SimEvent *e = &x->ev;
    memset(e, 0, sizeof *e);
    e->step = s, e->tid = i, e->op = p->op, e->obj = p->obj, e->line = p->line;
    e->aux = th->woken ? th->wake_ev : -1;
    e->vtime = r->vtime, e->deadline = p->deadline;
    int wake = 0;
    if (p->op == OP_CV_WAKE && (th->woken || p->deadline <= r->vtime) &&
        r->objs[p->obj].link >= 0) { /* notified or timed out: the lock holds it up */
      e->op = OP_ACQUIRE, e->obj = r->objs[p->obj].link;
      e->aux = -1; /* its wake-up was the notify's, no hand-over of the lock */
      wake = 1;
    }
    x->first = wake ? FIRST_WAKE : FIRST_OP;
    e->prev_obj = r->objs[e->obj].last_ev;
    e->frd = op_table[e->op].rd, e->fwr = op_table[e->op].wr;
    if (p->flags & PEND_NOWAIT) e->flags |= EV_NOWAIT;
    Trans *t = &d->tr[s];
    t->tid = i, t->nev = 1, t->first = UINT32_MAX;
    t->prev_same = last[i];
    t->pos = count[i] + 1;
    uint32_t *v = VC(d, s);
    if (last[i]) memcpy(v, VC(d, last[i]), sizeof(uint32_t) * (size_t)T);
    else memcpy(v, d->spawn_vc + (size_t)i * (size_t)T, sizeof(uint32_t) * (size_t)T);
    v[i] = t->pos;
    for (int f = 1; f <= F_TAIL; f <<= 1)
      if ((e->frd | e->fwr) & f)
        order_facet(d, v, facet(e->obj, f), e->frd & f, e->fwr & f, 0, e);
  }
}

/* The first event of transition 's' (a virtual one's pending operation). */
static const SimEvent *first_event(Dpor *d, const SimRun *r, uint32_t s) {
  if (s > d->m) return &d->virt[s - d->m - 1].ev;
  return &r->events[d->tr[s].first];
}

/* The vector clock of thread 't's state just before transition 's'. */
static const uint32_t *before(Dpor *d, uint32_t s) {
  const Trans *t = &d->tr[s];
  if (t->prev_same) return VC(d, t->prev_same);
  return d->spawn_vc + (size_t)t->tid * (size_t)d->T;
}

/*
** Was the thread of transition 's2' held up by time after event 'e' (a
** sleep that ended later)?  A timeout is not such a hold-up: the operation
** that timed out could have succeeded earlier, and that is the reversal.
*/
static int needs_later_time(Dpor *d, const SimRun *r, uint32_t s1, uint32_t s2,
                            const SimEvent *e) {
  for (uint32_t s = s2; s > s1; s = d->tr[s].prev_same) {
    const SimEvent *f = first_event(d, r, s);
    if (f->op == OP_SLEEP && f->deadline > e->vtime) return 1;
    if (!d->tr[s].prev_same) break;
  }
  return 0;
}

/*
** Could event 'e' have happened before event 'bi'?  'first': 'e' starts its
** transition (FIRST_WAKE: it re-takes a Condition's lock after a wake-up,
** which no timeout lets it skip).
*/
static int feasible(const SimRun *r, const SimEvent *e, uint32_t bi, int first) {
  const SimEvent *b = &r->events[bi];
  if (!first || !op_table[e->op].blocking || (e->flags & EV_NOWAIT)) return 1;
  /* it could have timed out there (a barrier's pass only while it filled) */
  if (first == FIRST_OP && e->deadline <= b->vtime && e->op != OP_BAR_PASS) return 1;
  const SimObject *o = &r->objs[e->obj];
  return !o->cls->enabled_before || o->cls->enabled_before(e, r->events, bi);
}

/*
** The first event of event j's step on j's object.  A reversal puts the
** later operation before the whole step, so it must have been possible in
** the state before that (an async step can release and re-take a lock).
*/
static uint32_t first_in_step(const SimRun *r, uint32_t j) {
  while (r->events[j].prev_obj >= 0 && r->events[r->events[j].prev_obj].step == r->events[j].step)
    j = (uint32_t)r->events[j].prev_obj;
  return j;
}

/* Report race (s, s2) once, with the initials of notdep(s).s2. */
static void report(Dpor *d, const SimRun *r, uint32_t s, uint32_t s2, DporRaceFn fn,
                   void *ud) {
  (void)r;
  for (size_t i = 0; i < d->npairs; i++)
    if (d->pairs[i] == s) return;
  UTIL_GROW(d->pairs, d->npairs + 1, d->cap_pairs);
  d->pairs[d->npairs++] = s;
  int ts = d->tr[s].tid;
  uint32_t ps = d->tr[s].pos;
  int nseen = 0; /* threads with a transition in v so far (first_pos) */
  tset_clear(&d->initials);
  for (uint32_t w = s + 1; w <= s2; w++) {
    if (w > d->m && w < s2) w = s2; /* other blocked threads' pending ops */
    const Trans *t = &d->tr[w];
    if (t->nev == 0) continue;
    const uint32_t *vw = VC(d, w);
    if (w < s2 && vw[ts] >= ps) continue; /* happens after s: not in v */
    int th = t->tid;
    if (d->first_pos[th]) {
      if (w == s2) break;
      continue;
    }
    int init = 1; /* no earlier thread of v happens before it */
    for (int k = 0; k < nseen && init; k++)
      if (vw[d->seen[k]] >= d->first_pos[d->seen[k]]) init = 0;
    d->seen[nseen++] = th;
    d->first_pos[th] = t->pos;
    if (init) tset_add(&d->initials, th);
  }
  for (int k = 0; k < nseen; k++) d->first_pos[d->seen[k]] = 0;
  fn(ud, s, &d->initials, d->tr[s2].tid, s2 > d->m);
}

/*
** The reversal of a race (j, e2) runs what does not happen after j's step
** s, then e2, from the state before s.  If such an event touches e2's
** object (between j and e2, in another step than e2's), it may be what lets
** e2 proceed there (a thread's own get that makes room for its put): the
** state before s says nothing then.
*/
static int unordered_between(Dpor *d, const SimRun *r, const SimEvent *e2, uint32_t s2,
                             uint32_t j) {
  uint32_t s = r->events[j].step;
  const Trans *t = &d->tr[s];
  for (int32_t k = e2->prev_obj; k > (int32_t)j; k = r->events[k].prev_obj) {
    const SimEvent *e = &r->events[k];
    if (e->step == s2 || e->step == s || (e->flags & EV_FINALLY)) continue;
    if (VC(d, e->step)[t->tid] < t->pos) return 1;
  }
  return 0;
}

/*
** Event j (of an earlier step s, not ordered before s2) conflicts with e2:
** if e2 could have gone before all of s, report the race and order
** everything before s before e2 (d->scratch); return whether it did.
*/
static int try_race(Dpor *d, const SimRun *r, const SimEvent *e2, uint32_t s2, uint32_t j,
                    int first, DporRaceFn fn, void *ud) {
  uint32_t s = r->events[j].step;
  if (needs_later_time(d, r, s, s2, &r->events[j])) return 0;
  if (!feasible(r, e2, first_in_step(r, j), first) && !unordered_between(d, r, e2, s2, j))
    return 0;
  report(d, r, s, s2, fn, ud);
  join(d->scratch, VC(d, s), d->T);
  return 1;
}

/* Find the races of event 'e2' of transition 's2' (first: it starts it). */
static void races_of_event(Dpor *d, const SimRun *r, const SimEvent *e2, uint32_t s2,
                           int first, DporRaceFn fn, void *ud) {
  const Trans *t2 = &d->tr[s2];
  int T = d->T;
  uint32_t *C = d->scratch;
  memcpy(C, before(d, s2), sizeof(uint32_t) * (size_t)T);
  int32_t pj = s2 <= d->m ? d->partner[e2 - r->events] : -1;
  if (pj >= 0) { /* its FIFO partner (fifo_partners) */
    const SimEvent *p = &r->events[pj];
    const Trans *tp = &d->tr[p->step];
    if (p->step != s2 && tp->tid != t2->tid && tp->pos > C[tp->tid])
      try_race(d, r, e2, s2, (uint32_t)pj, first, fn, ud);
  }
  /* a read races only with writes and updates: follow those (a busy loop's
     thousands of reads of a flag are not walked again at every read) */
  int readonly = (e2->fwr | e2->fup) == 0, walked = 0;
  /* as e2 would be before the write it was held up by: a take there may
     compete for the last unit with the takes of that segment (count.h), so
     it is judged as a write from then on */
  SimEvent as = *e2;
  int takew = s2 <= d->m && writing_take(e2);
  int32_t j = e2->prev_obj;
  if (readonly && j >= 0 && (r->events[j].fwr | r->events[j].fup) == 0) j = d->prev_w[j];
  for (; j >= 0 && walked < WALK_LIMIT;
       j = readonly ? d->prev_w[j] : r->events[j].prev_obj, walked++) {
    const SimEvent *e = &r->events[j];
    if (e->flags & EV_FINALLY) continue;
    uint32_t s = e->step;
    if (s == s2) continue;
    int write = ev_covers(e, &as); /* all before it is before e */
    const Trans *t = &d->tr[s];
    if (t->tid == t2->tid) {
      if (write) break;
      continue;
    }
    if (!ev_conflict(e, &as)) continue;
    if (takew && (e->flags & EV_GIVE) && !facets_conflict(as.frd, as.fwr & ~e->fup, as.fup,
                                                          e->frd, e->fwr, 0))
      continue; /* they commute where the take found a unit, and where it did not
                   the take could not go first (count.h) */
    if (t->pos <= C[t->tid]) { /* already ordered before s2's thread */
      if (write) break;
      continue;
    }
    if (!try_race(d, r, e2, s2, (uint32_t)j, first, fn, ud)) {
      if (write) as.fwr |= as.fup, as.fup = 0;
      continue; /* e (or time) enabled e2: look further back */
    }
    if (write) break;
  }
}

/*
** Find the races of every access in transition 's2'.  An event counts as
** its transition's first (where the thread may have been held up) if only
** wake-ups come before it: a notified Condition waiter resumes with a wake
** and then takes the lock back, and it is the lock that held it up.
*/
static void races_of(Dpor *d, const SimRun *r, uint32_t s2, DporRaceFn fn, void *ud) {
  const Trans *t2 = &d->tr[s2];
  d->npairs = 0;
  int first = FIRST_OP;
  for (uint32_t i2 = t2->first; i2 < t2->first + t2->nev; i2++) {
    const SimEvent *e2 = &r->events[i2];
    if (has_access(e2)) races_of_event(d, r, e2, s2, first, fn, ud);
    first = first && e2->op == OP_CV_WAKE ? FIRST_WAKE : 0;
  }
}

void dpor_analyse(Dpor *d, const SimRun *r, DporRaceFn fn, void *ud) {
  d->T = r->nthreads ? r->nthreads : 1;
  if ((size_t)d->T > d->cap_t) { /* the per-thread arrays */
    size_t n = (size_t)d->T;
    d->first_pos = util_xrealloc(d->first_pos, sizeof(uint32_t) * n);
    d->seen = util_xrealloc(d->seen, sizeof(int32_t) * n);
    d->scratch = util_xrealloc(d->scratch, sizeof(uint32_t) * n);
    d->last = util_xrealloc(d->last, sizeof(uint32_t) * n);
    d->count = util_xrealloc(d->count, sizeof(uint32_t) * n);
    d->cap_t = n;
  }
  memset(d->first_pos, 0, sizeof(uint32_t) * (size_t)d->T);
  build(d, r);
  for (uint32_t s2 = 1; s2 <= r->steps; s2++)
    if (d->tr[s2].nev) races_of(d, r, s2, fn, ud);
  for (int k = 0; k < d->nvirt; k++) {
    d->npairs = 0;
    races_of_event(d, r, &d->virt[k].ev, d->m + 1 + (uint32_t)k, d->virt[k].first, fn, ud);
  }
}

/*
** A switch away from thread X between two of its steps a and b is forced
** when some step c of another thread happens after a and before b: every
** equivalent order runs c between them.  If b's operation cannot block, X
** could have gone on all along, so that switch is a preemption in every
** order.  c need only be the latest step of its thread before b (clocks
** grow along a thread): b's clock names it, and c is after a when its
** clock has seen a.
*/
void dpor_forced(Dpor *d, const SimRun *r, uint32_t *lb) {
  int T = d->T;
  uint32_t m = d->m;
  UTIL_GROW(d->off, (size_t)T + 1, d->cap_off);
  d->off[0] = 0;
  for (int t = 0; t < T; t++) d->off[t + 1] = d->off[t] + d->count[t];
  UTIL_GROW(d->bypos, (size_t)d->off[T] + 1, d->cap_bypos);
  for (uint32_t s = 1; s <= m; s++) /* each thread's transitions by position */
    if (d->tr[s].nev) d->bypos[d->off[d->tr[s].tid] + d->tr[s].pos - 1] = s;
  lb[0] = 0;
  for (uint32_t s = 1; s <= m; s++) {
    const Trans *t = &d->tr[s];
    int forced = 0;
    const SimEvent *e = t->nev ? &r->events[t->first] : NULL;
    if (e && t->prev_same && (!op_table[e->op].blocking || (e->flags & EV_NOWAIT))) {
      const uint32_t *v = VC(d, s);
      uint32_t a = d->tr[t->prev_same].pos;
      for (int y = 0; y < T && !forced; y++)
        if (y != t->tid && v[y] && v[y] <= d->count[y])
          forced = VC(d, d->bypos[d->off[y] + v[y] - 1])[t->tid] >= a;
    }
    lb[s] = lb[s - 1] + (uint32_t)forced;
  }
}

/* The first event of step 'step' (events are in step order). */
static uint32_t first_of_step(const SimRun *r, uint32_t step) {
  uint32_t lo = 0, hi = r->nevents;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (r->events[mid].step < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void dpor_footprint(const SimRun *r, uint32_t step, FpEntry **out, size_t *n,
                    size_t *cap) {
  for (uint32_t i = first_of_step(r, step); i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (e->step != step) break;
    if (!has_access(e)) continue;
    UTIL_GROW(*out, *n + 1, *cap);
    (*out)[*n].key = r->objs[e->obj].key;
    (*out)[*n].rd = e->frd;
    (*out)[*n].wr = e->fwr;
    (*out)[*n].up = e->fup;
    (*out)[*n].take = (e->flags & EV_TAKE) != 0;
    (*out)[*n].slack = e->slack;
    (*out)[*n].give = (e->flags & EV_GIVE) != 0;
    (*out)[*n].takew = (e->flags & (EV_TAKEW | EV_WAKES)) == EV_TAKEW;
    (*n)++;
  }
}

/*
** A free take stays free only while the other takes of its segment leave a
** unit for it (sync/count.h): more than 'slack' of them since, and it would
** write instead, so they conflict.  (Its entry's takes are counted from
** 'from', which must then be where its thread fell asleep; 'after', if not
** NULL, receives the footprint as it stands at 'to', the slack used up.)
*/
int dpor_conflicts(const FpEntry *fp, size_t n, const SimRun *r, uint32_t from,
                   uint32_t to, FpEntry *after) {
  uint32_t takes[8] = {0}; /* per take entry (the first 8; later ones: any take) */
  for (uint32_t i = from; i < to && i < r->nevents; i++) {
    const SimEvent *e = &r->events[i];
    if (!has_access(e)) continue;
    uint64_t key = r->objs[e->obj].key;
    int rd = e->frd, wr = e->fwr, up = e->fup;
    for (size_t k = 0; k < n; k++) {
      if (fp[k].key != key) continue;
      int krd = fp[k].rd, kwr = fp[k].wr, kup = fp[k].up, erd = rd, ewr = wr, eup = up;
      /* a sleeping thread's give and a take since (or its take and a give):
         the take found its unit without the give, so either order reaches
         the same state (its count facet: a give's update, a take's update
         or write), unless the take woke waiters (count.h) */
      if (fp[k].give && (e->flags & (EV_TAKE | EV_TAKEW)) && !(e->flags & EV_WAKES)) {
        int c = kup & (e->flags & EV_TAKE ? up : wr);
        kup &= ~c, eup &= ~c, ewr &= ~c;
      } else if (fp[k].takew && (e->flags & EV_GIVE)) {
        int c = kwr & up;
        kwr &= ~c, eup &= ~c;
      } else if (fp[k].takew && (e->flags & (EV_TAKE | EV_TAKEW)) && !(e->flags & EV_WAKES) &&
                 e->slack > 0) {
        /* a sleeping thread's take and a take since that left a unit: there
           were two, so either order finds both and reaches the same state */
        int c = kwr & (e->flags & EV_TAKE ? up : wr);
        kwr &= ~c, eup &= ~c, ewr &= ~c;
      }
      if (facets_conflict(krd, kwr, kup, erd, ewr, eup)) return 1;
      if (fp[k].take && (e->flags & EV_TAKE) && (fp[k].up & up) &&
          (k >= 8 || ++takes[k] > fp[k].slack))
        return 1;
    }
  }
  for (size_t k = 0; after && k < n; k++) {
    after[k] = fp[k];
    if (k < 8) after[k].slack = (uint8_t)(fp[k].slack - takes[k]);
  }
  return 0;
}

int dpor_fp_takes(const FpEntry *fp, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (fp[k].take) return 1;
  return 0;
}
