/*
** count.h - commuting updates of a count of units (a semaphore's permits, a
** queue's unfinished tasks), for partial-order reduction (dpor.c).
**
** Giving units back (a release, a put) commutes with every other give, and
** with every take that did not need it.  A take (an acquire that succeeds,
** a task_done) commutes with the others when it succeeds in any order.  The
** count is cut into segments at the events that write it (which conflict
** with every access): in a segment that began with 'base' units, the first
** 'base' takes are free: in any order of the segment's updates each of them
** finds a unit without any give of the segment.  They are updates (op.h
** ACC_UPDATE).  A later take of the segment may have needed a give, or have
** raced another take for the last unit: it is a write, and starts a new
** segment.
**
** Which takes are free depends only on how many takes of the segment come
** before each: whatever the order of its commuting updates, the free ones
** are its first 'base' takes, and the write that ends it comes after all of
** them.  So the reduction's happens-before is the same for every such order.
** Two places judge a take out of its place (dpor.c): a sleeping take's next
** step stays free only while at most 'slack' other free takes happen
** (dpor_conflicts), and a take that a race would move before the write it
** was held up by is judged as a write there (races_of_event).
**
** The sleep sets also judge a take and a give by the state they meet in
** (dpor_conflicts): a thread asleep before a give (EV_GIVE) is not woken by
** another thread's take, free or writing (EV_TAKE, EV_TAKEW), since that
** take found its unit without the give, and the two in either order reach
** the same state; a thread asleep before a writing take is not woken by a
** give (it was enabled where it fell asleep, and only another take could
** have disabled it since), nor by a take that left a unit (EV_TAKE with
** room, EV_TAKEW with 'slack' units left): there were two, so both orders
** find their units and reach the same state.  Neither holds for a take that
** woke waiters (EV_WAKES: the task_done that left no task unfinished wakes
** every join(), whose waiters keep the mark even if a put follows): in the
** other order nobody would have been woken.  Happens-before still orders a
** writing take after every give of its segment, so races are looked for as
** before; the sleep sets then abandon the orders that differ only in which
** gives came before it.  The count facet of a give is its update, of a
** writing take its write.
**
** The reduction's own happens-before (dpor.c) goes further for a writing
** take that would have waited for a unit (an acquire; a task_done raises
** instead, so its order with a put shows): it is not ordered after the gives
** of its segment, since where it found a unit without one they commute, and
** where it did not it could not have gone first.  Races between such pairs
** are not looked for.  (This is the search's happens-before only: the race
** detector still orders a writing take after every give of its segment.)
** The free takes and gives of the segment such a take begins stay ordered
** after it: treating them as commuting with it missed outcomes (the
** soundness fuzzer's seeds 2 and 24: the regressions of test_por_fuzz.c and
** por_regressions/take_segment_head.lua).
*/
#ifndef RACESIM_COUNT_H
#define RACESIM_COUNT_H

#include "run.h"

typedef struct CountSeg {
  int32_t base;  /* the units when the segment began */
  int32_t taken; /* free takes in it so far */
} CountSeg;

/* Begin a segment with 'units' (after a write, or at creation). */
static inline void count_reset(CountSeg *c, int32_t units) {
  c->base = units;
  c->taken = 0;
}

/* Event 'e' gives units back: an update of facet 'f'. */
static inline void count_give(SimEvent *e, int f) {
  e->fwr = (uint8_t)(e->fwr & ~f);
  e->fup = (uint8_t)(e->fup | f);
  e->flags |= EV_GIVE;
}

/* Event 'e' took one unit of facet 'f', leaving 'units': free, it is an
   update; else it writes and begins a new segment. */
static inline void count_take(CountSeg *c, SimEvent *e, int f, int32_t units) {
  if (c->taken < c->base) {
    int32_t room = c->base - c->taken - 1;
    e->fwr = (uint8_t)(e->fwr & ~f);
    e->fup = (uint8_t)(e->fup | f);
    e->flags |= EV_TAKE;
    e->slack = (uint8_t)(room > 255 ? 255 : room); /* (less is only more cautious) */
    c->taken++;
    return;
  }
  e->fwr = (uint8_t)(e->fwr | f);
  e->flags |= EV_TAKEW;
  e->slack = (uint8_t)(units > 255 ? 255 : units < 0 ? 0 : units); /* the units it left */
  count_reset(c, units);
}

/* After any other event 'e' on the count: a write of 'f' begins a segment. */
static inline void count_after(CountSeg *c, const SimEvent *e, int f, int32_t units) {
  if (e->fwr & f) count_reset(c, units);
}

#endif
