/*
** detect_barrier.c - barrier breaks.  The barrier marks the operation that
** broke it (EV_BROKE): a wait that timed out, abort(), reset() while threads
** waited, or an action that raised.  The finding says which barrier, why,
** and who was waiting.
*/
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "object.h"

static Detector *bar_create(void) { return util_xcalloc(1, sizeof(Detector)); }
static void bar_destroy(Detector *d) { free(d); }

/* The threads that get BrokenBarrierError from event 'ev': those it woke,
   and the one whose wait timed out. */
static void waiters(const SimRun *r, const SimEvent *e, int32_t ev, StrBuf *b) {
  int k = 0;
  if (e->op == OP_BAR_PASS) sb_printf(b, "%s", thread_name(r, e->tid)), k++;
  for (int32_t i = 0; i < r->nthreads; i++) {
    const SimThread *t = &r->threads[i];
    if (i != e->tid && t->woken && t->wake_ev == ev)
      sb_printf(b, "%s%s", k++ ? ", " : "", thread_name(r, i));
  }
  if (!k) sb_puts(b, "nobody was waiting");
}

static void bar_event(Detector *base, SimRun *r, uint32_t ev) {
  (void)base;
  const SimEvent *e = &r->events[ev];
  if (!(e->flags & EV_BROKE)) return;
  StrBuf b;
  sb_init(&b);
  const char *name = obj_name(r, e->obj);
  const char *who = thread_name(r, e->tid);
  sb_printf(&b, "Barrier '%s' broke: ", name);
  uint64_t sig = detect_sig_str(UTIL_FNV_INIT, name);
  int by_line = 1; /* the wait, abort or reset that broke it */
  switch (e->op) {
  case OP_BAR_PASS:
    sb_printf(&b, "%s's wait timed out at t=%g with %lld thread%s at the barrier", who,
              e->vtime, (long long)e->value.u.i, e->value.u.i == 1 ? "" : "s");
    sig = detect_sig_str(sig, "timeout");
    break;
  case OP_BAR_ABORT:
    sb_printf(&b, "%s called abort() with %lld thread%s waiting", who,
              (long long)e->value.u.i, e->value.u.i == 1 ? "" : "s");
    sig = detect_sig_str(sig, "abort");
    break;
  case OP_BAR_RESET:
    sb_printf(&b, "%s called reset() while %lld thread%s waited", who,
              (long long)e->value.u.i, e->value.u.i == 1 ? "" : "s");
    sig = detect_sig_str(sig, "reset");
    break;
  default:
    sb_printf(&b, "its action raised an error in %s", who);
    sig = detect_sig_str(sig, "action");
    by_line = 0; /* (the action runs in whichever party came last: one bug) */
  }
  StrBuf where; /* "(at x.lua:4)", "(in check at x.lua:2 <- x.lua:9)" */
  sb_init(&where);
  run_puts_where(r, e->site, e->line, &where);
  sb_printf(&b, " (%s", where.s ? where.s + 1 : "");
  sb_free(&where);
  sb_puts(&b, "); BrokenBarrierError for: ");
  waiters(r, e, (int32_t)ev, &b);
  if (by_line) sig = detect_sig_num(sig, e->line);
  RunFinding *f = run_finding(r, FIND_BARRIER_BROKEN, (int32_t)ev, e->tid, e->obj,
                              sig, "%s", b.s);
  f->evs[0] = (int32_t)ev;
  sb_free(&b);
}

/* Is 'e' an error of type BrokenBarrierError? */
static int broken_barrier_error(const SimRun *r, const SimEvent *e) {
  return e->op == OP_ERROR && e->aux > 0 && (size_t)e->aux < r->text.len &&
         !strcmp(run_str(r, (uint32_t)e->aux), "BrokenBarrierError");
}

/* Thread tid's event next after event 'ev' (step > 0) or last before it
   (step < 0), or -1. */
static int32_t beside(const SimRun *r, int32_t tid, int32_t ev, int step) {
  for (int32_t i = ev + step; i >= 0 && (uint32_t)i < r->nevents; i += step)
    if (r->events[i].tid == tid) return i;
  return -1;
}

/* The break behind thread 'tid''s BrokenBarrierError 'err': the error came
   straight out of a barrier operation (none of the thread's own steps
   between), and the latest break of that barrier before it; -1 if none. */
static int32_t break_behind(const SimRun *r, int32_t tid, int32_t err) {
  int32_t i = beside(r, tid, err, -1);
  if (i < 0) return -1;
  const SimEvent *e = &r->events[i];
  if (e->op != OP_BAR_WAIT && e->op != OP_BAR_PASS && e->op != OP_BAR_TRIP) return -1;
  for (int32_t j = i; j >= 0; j = r->events[j].prev_obj)
    if (r->events[j].flags & EV_BROKE) return j;
  return -1;
}

/* Did thread x step on barrier 'o' before event 'ev'? */
static int arrived(const SimRun *r, const SimObject *o, int32_t x, int32_t ev) {
  for (int32_t i = o->last_ev; i >= 0; i = r->events[i].prev_obj)
    if (i < ev && r->events[i].tid == x) return 1;
  return 0;
}

/*
** The parties missing at timeout break 'f' that an error ended first: the
** threads running the code of one that arrived (the same spawn site and
** function) that never arrived, if each of them raised before the break.
*/
static int party_code(const SimRun *r, const SimObject *o, int32_t x, int32_t ev) {
  uint64_t code = obj_site(r, &r->objs[r->threads[x].obj]);
  for (int32_t i = o->last_ev; i >= 0; i = r->events[i].prev_obj) {
    int32_t y = r->events[i].tid;
    if (i < ev && y >= 0 && y != x && obj_site(r, &r->objs[r->threads[y].obj]) == code) return 1;
  }
  return 0;
}

static void missing_raised(const SimRun *r, RunFinding *f) {
  const SimObject *o = &r->objs[f->obj];
  int32_t raised[FINDING_CAUSES];
  int n = 0;
  for (int32_t x = 0; x < r->nthreads; x++) {
    if (arrived(r, o, x, f->ev) || !party_code(r, o, x, f->ev)) continue;
    int32_t err = run_error_of(r, x);
    /* another that might have come (slow, or a party of another barrier
       of the same code): the timeout says nothing of who was missing */
    if (err < 0 || err > f->ev) return;
    if (n < FINDING_CAUSES) raised[n++] = err;
  }
  for (int i = 0; i < n; i++) run_because(f->because, raised[i]);
}

/*
** A break and the errors of the run are one bug (bug.h): the break by an
** action that raised comes of that error (which escapes the party that ran
** it), a break by a wait that timed out comes of the errors of the missing
** parties, and each BrokenBarrierError that escaped a thread comes of the
** break behind it.
*/
static void bar_end(Detector *base, SimRun *r) {
  (void)base;
  for (uint32_t i = 0; i < r->nfindings; i++) {
    RunFinding *f = &r->findings[i];
    if (f->kind == FIND_BARRIER_BROKEN && f->ev >= 0 && r->events[f->ev].op == OP_BAR_BREAK) {
      /* the action's error, re-raised by wait() (a party that caught it
         and raised something else later: not that) */
      int32_t err = beside(r, f->tid, f->ev, 1);
      if (err >= 0 && r->events[err].op == OP_ERROR && (r->events[err].flags & EV_RERAISED))
        run_because(f->because, err);
    } else if (f->kind == FIND_BARRIER_BROKEN && f->ev >= 0 && f->obj >= 0 &&
               r->events[f->ev].op == OP_BAR_PASS) {
      missing_raised(r, f);
    } else if (f->kind == FIND_ERROR && f->ev >= 0 && broken_barrier_error(r, &r->events[f->ev])) {
      run_because(f->because, break_behind(r, f->tid, f->ev));
    }
  }
}

const DetectorOps detector_barrier_ops = {
    "barrier_broken", bar_create, NULL, bar_event, bar_end, bar_destroy,
    DET_OP(OP_BAR_PASS) | DET_OP(OP_BAR_ABORT) | DET_OP(OP_BAR_RESET) |
        DET_OP(OP_BAR_BREAK),
    0};
