/*
** detect_deadlock.c - what went wrong when nothing can proceed.
**
** The scheduler ends a run as stalled when no thread is enabled and no
** timeout is pending.  Each blocked thread waits for an object; when that
** object has an owner (a lock's holder, a joined thread) the thread waits for
** that owner.  A cycle in this wait-for graph is a deadlock (a thread waiting
** for itself, on a Lock it already holds, is a self-deadlock); otherwise the
** run is stuck: a wait that nobody will satisfy, explained by the object for
** each group of threads that wait the same way (an event never set, a lost
** wake-up, a short barrier...), with its cause where the run's events show
** it.  Signatures are built from operations, lines and where the waited
** objects come from (obj_site), never from names: a pool's stuck state is
** one finding whichever of its identical workers was left behind.
**
** A deadlock's events (the steps a report highlights) are the acquisitions
** of the locks its threads hold: where each took the lock that the previous
** thread of the cycle waits for.  Both findings carry the wait-for graph in
** their details (waits_json), for the HTML report to draw.
*/
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "object.h"

typedef struct DeadlockDetector {
  Detector base;
  int32_t *next;  /* per thread: the thread it waits for, or -1 */
  uint8_t *mark;
  size_t cap;
} DeadlockDetector;

static Detector *dl_create(void) {
  DeadlockDetector *d = util_xcalloc(1, sizeof *d);
  return &d->base;
}

static void dl_destroy(Detector *base) {
  DeadlockDetector *d = (DeadlockDetector *)base;
  free(d->next);
  free(d->mark);
  free(d);
}

static int blocked(const SimThread *t) { return t->state == TS_READY; }

static const SimObject *waited_object(const SimRun *r, const SimThread *t) {
  return t->pend.obj >= 0 ? &r->objs[t->pend.obj] : NULL;
}

/* Advice sentences of one finding, each stated once, at its end. */
typedef struct Advice {
  const char *s[8];
  int n;
} Advice;

static void advise(Advice *a, const char *s) {
  if (!s) return;
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->s[i], s) == 0) return;
  if (a->n < 8) a->s[a->n++] = s;
}

static void put_advice(const Advice *a, StrBuf *b) {
  for (int i = 0; i < a->n; i++) sb_printf(b, ". %s", a->s[i]);
}

/*
** "left at x.lua:5 waits to acquire Lock 'b', held by right (taken at ...)";
** for a group of threads waiting the same way, "w1, w2 and w3 at x.lua:8
** wait in get() on Queue 'q', ...".
*/
static void describe(const SimRun *r, const int32_t *tids, int n, StrBuf *b, Advice *a,
                     int32_t *because) {
  const SimThread *t = &r->threads[tids[0]];
  run_format_threads(r, tids, n, b);
  run_puts_where(r, t->pend.site, t->pend.line, b);
  sb_putc(b, ' ');
  const SimObject *o = waited_object(r, t);
  if (o && o->cls->explain) advise(a, o->cls->explain(r, o, tids, n, b, because));
  else sb_printf(b, "%s in %s()", obj_verb(n, "waits", "wait"), op_pending_name(t->pend.op));
}

/* A wait, as signatures see it: the operation, its line and where the
   waited object comes from, never a thread's or an object's name. */
static uint64_t wait_sig(const SimRun *r, const SimThread *t) {
  const SimObject *o = waited_object(r, t);
  uint64_t h = detect_sig_num(UTIL_FNV_INIT, t->pend.op);
  h = detect_sig_num(h, o ? (int64_t)obj_site(r, o) : -1);
  h = detect_sig_num(h, t->woken); /* notified, still waiting (for a lock) */
  return detect_sig_num(h, t->pend.line);
}

/*
** The event at which thread 'tid' took the lock behind object 'oid' (a
** Condition's lock, for a Condition) and still holds it: its latest
** successful acquire, or for an RLock the outermost of the acquires it
** still holds.  -1 if there is none (a joined thread took nothing).
*/
static int32_t taken_at(const SimRun *r, int32_t tid, int32_t oid) {
  if (oid < 0 || oid >= r->nobjs) return -1;
  const SimObject *o = &r->objs[oid];
  /* a Condition: its lock (a Thread's link is its thread id: it has no lock) */
  int thread_obj = o->link >= 0 && o->link < r->nthreads && r->threads[o->link].obj == o->id;
  if (thread_obj) return -1;
  if (!o->cls->lock_like && o->link >= 0 && o->link < r->nobjs) o = &r->objs[o->link];
  if (!o->cls->lock_like) return -1;
  int reentrant = (o->cls->traits & OBJ_REENTRANT) != 0;
  int32_t found = -1, open = 0; /* open: releases not yet matched, going back */
  for (int32_t i = o->last_ev; i >= 0; i = r->events[i].prev_obj) {
    const SimEvent *e = &r->events[i];
    if (e->tid != tid || (e->flags & EV_RAISED)) continue;
    if (e->op == OP_RELEASE) {
      if (found >= 0 && open == 0) break; /* the end of an earlier hold */
      open++;
    } else if (e->op == OP_ACQUIRE && !(e->flags & (EV_FAILED | EV_TIMEOUT)) &&
               (e->value.tag != VAL_BOOL || e->value.u.i)) {
      if (open > 0) {
        open--; /* taken and given back */
        continue;
      }
      found = i;
      if (!reentrant) break;
    }
  }
  return found;
}

/*
** The wait-for graph of a stalled run as a JSON object, for the finding's
** details (the HTML report draws it): {"waits": [{"thread", "tid",
** "object", "oid", "kind", "op", "line", "holder", "holder_tid"}, ...]},
** one entry per blocked thread ("holder": the thread the object waits for,
** null when none; "holder_ended": it ended holding it), and for a deadlock
** "cycle": the tids of its threads, each waiting for the next.
*/
static uint32_t waits_json(SimRun *r, const int32_t *cycle, int ncycle) {
  StrBuf b;
  sb_init(&b);
  sb_puts(&b, "{\"waits\":[");
  int k = 0;
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    const SimObject *o = waited_object(r, t);
    if (!blocked(t) || t->pend.op == OP_END) continue;
    int32_t h = o && o->cls->waits_for ? o->cls->waits_for(r, o, t) : -1;
    sb_puts(&b, k++ ? ",{\"thread\":" : "{\"thread\":");
    sb_json_str(&b, thread_name(r, i));
    sb_printf(&b, ",\"tid\":%d,\"object\":", (int)i);
    if (o) sb_json_str(&b, obj_name(r, o->id));
    else sb_puts(&b, "null");
    sb_printf(&b, ",\"oid\":%d,\"kind\":", o ? (int)o->id : -1);
    if (o) sb_json_str(&b, o->cls->kind);
    else sb_puts(&b, "null");
    sb_printf(&b, ",\"op\":\"%s\",\"line\":%d,\"holder\":", op_pending_name(t->pend.op),
              (int)t->pend.line);
    if (h >= 0 && h < r->nthreads) sb_json_str(&b, thread_name(r, h));
    else sb_puts(&b, "null"), h = -1;
    sb_printf(&b, ",\"holder_tid\":%d", (int)h);
    if (h >= 0 && !thread_alive(&r->threads[h])) sb_puts(&b, ",\"holder_ended\":true");
    sb_puts(&b, "}");
  }
  sb_puts(&b, "]");
  if (ncycle) {
    sb_puts(&b, ",\"cycle\":[");
    for (int i = 0; i < ncycle; i++) sb_printf(&b, "%s%d", i ? "," : "", (int)cycle[i]);
    sb_puts(&b, "]");
  }
  sb_puts(&b, "}");
  uint32_t off = run_text(r, b.s, b.len);
  sb_free(&b);
  return off;
}

/* Do two blocked threads wait the same way (one clause of the message)? */
static int same_wait(const SimThread *a, const SimThread *b) {
  return a->pend.obj == b->pend.obj && a->pend.op == b->pend.op &&
         a->pend.line == b->pend.line && a->woken == b->woken;
}

static void dl_end(Detector *base, SimRun *r) {
  DeadlockDetector *d = (DeadlockDetector *)base;
  if (r->end != END_STALL) return;
  int32_t n = r->nthreads;
  if (n <= 0) return;
  if ((size_t)n > d->cap) {
    d->cap = (size_t)n;
    d->next = util_xrealloc(d->next, d->cap * sizeof *d->next);
    d->mark = util_xrealloc(d->mark, d->cap);
  }
  for (int32_t i = 0; i < n; i++) {
    const SimThread *t = &r->threads[i];
    const SimObject *o = waited_object(r, t);
    d->next[i] = -1;
    if (blocked(t) && o && o->cls->waits_for) d->next[i] = o->cls->waits_for(r, o, t);
    if (d->next[i] >= 0 && !blocked(&r->threads[d->next[i]])) d->next[i] = -1;
  }
  /* cycles: follow edges from each thread; 2 = on the current walk */
  memset(d->mark, 0, (size_t)n);
  int cycles = 0;
  for (int32_t s = 0; s < n; s++) {
    int32_t x = s;
    while (x >= 0 && d->mark[x] == 0) {
      d->mark[x] = 2;
      x = d->next[x];
    }
    if (x >= 0 && d->mark[x] == 2) { /* a new cycle through x */
      StrBuf b;
      sb_init(&b);
      uint64_t sig = UTIL_FNV_INIT, sigs[64];
      int k = 0;
      int32_t y = x;
      int self = d->next[x] == x;
      if (self) sb_puts(&b, "self-deadlock: ");
      else sb_puts(&b, "deadlock: ");
      Advice adv = {{0}, 0};
      int32_t because[FINDING_CAUSES]; /* (a cycle of live threads: no error to blame) */
      for (int i = 0; i < FINDING_CAUSES; i++) because[i] = -1;
      do {
        if (k) sb_puts(&b, "; ");
        describe(r, &y, 1, &b, &adv, because);
        if (k < 64) sigs[k] = wait_sig(r, &r->threads[y]);
        k++;
        y = d->next[y];
      } while (y != x);
      if (self) {
        const SimObject *o = waited_object(r, &r->threads[x]);
        if (o && (o->cls->traits & (OBJ_MUTEX | OBJ_REENTRANT)) == OBJ_MUTEX)
          advise(&adv, "A Lock is not re-entrant: a thread that acquires it twice "
                       "waits for itself forever (use RLock)");
      }
      put_advice(&adv, &b);
      /* the signature must not depend on where the walk entered the cycle */
      uint64_t acc = 0;
      for (int i = 0; i < k && i < 64; i++) acc += sigs[i] * 0x9e3779b97f4a7c15ULL;
      sig = detect_sig_num(sig, (int64_t)acc);
      RunFinding *f = run_finding(r, FIND_DEADLOCK, (int32_t)r->nevents - 1, x,
                                  r->threads[x].pend.obj, sig, "%s", b.s);
      /* where each thread took what the previous one waits for (its last
         step, if it took nothing: a join) */
      int32_t cyc[64];
      int h = 0;
      y = x;
      do {
        int32_t z = d->next[y], at = taken_at(r, z, r->threads[y].pend.obj);
        if (h < FINDING_EVS) f->evs[h] = at >= 0 ? at : r->threads[z].last_ev;
        if (h < 64) cyc[h] = y;
        h++;
        y = z;
      } while (y != x);
      f->details = waits_json(r, cyc, h < 64 ? h : 64);
      sb_free(&b);
      cycles++;
    }
    for (int32_t z = s; z >= 0 && d->mark[z] == 2; z = d->next[z]) d->mark[z] = 1;
  }
  if (cycles) return;
  /* stuck: every blocked thread's wait, threads that wait the same way
     together, and each piece of advice once */
  StrBuf b;
  sb_init(&b);
  Advice adv = {{0}, 0};
  int32_t because[FINDING_CAUSES];
  for (int i = 0; i < FINDING_CAUSES; i++) because[i] = -1;
  uint64_t acc = 0;
  int k = 0;
  int32_t first = -1;
  sb_puts(&b, DETECT_STUCK_LEAD);
  memset(d->mark, 0, (size_t)n);
  for (int32_t i = 0; i < n; i++) {
    const SimThread *t = &r->threads[i];
    if (!blocked(t)) continue;
    acc += wait_sig(r, t) * 0x9e3779b97f4a7c15ULL;
    if (first < 0) first = i;
    if (d->mark[i]) continue;
    int m = 0;
    for (int32_t j = i; j < n; j++)
      if (!d->mark[j] && blocked(&r->threads[j]) && same_wait(t, &r->threads[j])) {
        d->mark[j] = 1;
        d->next[m++] = j; /* the cycle search is over: reuse its array */
      }
    if (k++) sb_puts(&b, "; ");
    describe(r, d->next, m, &b, &adv, because);
  }
  put_advice(&adv, &b);
  if (k) {
    RunFinding *f = run_finding(r, FIND_STUCK, (int32_t)r->nevents - 1, first,
                                r->threads[first].pend.obj,
                                detect_sig_num(UTIL_FNV_INIT, (int64_t)acc), "%s", b.s);
    f->evs[0] = r->threads[first].last_ev;
    memcpy(f->because, because, sizeof because);
    f->details = waits_json(r, NULL, 0);
  }
  sb_free(&b);
}

const DetectorOps detector_deadlock_ops = {"deadlock", dl_create, NULL, NULL,
                                           dl_end,     dl_destroy, 0,    1};
