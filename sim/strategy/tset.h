/*
** tset.h - sets of thread ids: the enabled, backtrack, done and sleep sets
** of the dfs tree (strat_dfs.c) and source-DPOR's initials (dpor.c).
**
** Threads 0..63 are one word kept inline, so that the sets of a scenario of
** up to 64 threads never allocate and cost what a uint64_t did; ids from 64
** on go to words allocated as they are first needed, and kept when the set
** is cleared.  A set owns its words: copy it with tset_copy, never by
** assignment.
*/
#ifndef RACESIM_TSET_H
#define RACESIM_TSET_H

#include <stdint.h>

typedef struct TSet {
  uint64_t w0;  /* threads 0..63 */
  uint64_t *hi; /* word i (from 1) at hi[i - 1]: threads 64i..64i+63 */
  uint32_t nhi; /* words of hi in use; those past it are empty */
  uint32_t cap; /* words of hi allocated */
} TSet;

#define TSET_BIT(t) (UINT64_C(1) << ((uint32_t)(t) & 63))

/* Word i of the set (0 past its end). */
static inline uint64_t tset_word(const TSet *s, uint32_t i) {
  return i == 0 ? s->w0 : i - 1 < s->nhi ? s->hi[i - 1] : 0;
}

/* How many words the set may use (1 + those allocated to it). */
static inline uint32_t tset_nwords(const TSet *s) { return 1 + s->nhi; }
/* ... and two sets, to go over their words together. */
static inline uint32_t tset_span(const TSet *a, const TSet *b) {
  return 1 + (a->nhi > b->nhi ? a->nhi : b->nhi);
}

static inline int tset_has(const TSet *s, int32_t t) {
  return t >= 0 && (tset_word(s, (uint32_t)t >> 6) & TSET_BIT(t)) != 0;
}

/* Empty the set, its memory kept. */
static inline void tset_clear(TSet *s) { s->w0 = 0, s->nhi = 0; }

/* Add thread t (>= 0). */
void tset_add_slow(TSet *s, int32_t t);
static inline void tset_add(TSet *s, int32_t t) {
  if (t < 64) s->w0 |= TSET_BIT(t);
  else tset_add_slow(s, t);
}

static inline void tset_del(TSet *s, int32_t t) {
  uint32_t i = (uint32_t)t >> 6;
  if (i == 0) s->w0 &= ~TSET_BIT(t);
  else if (i - 1 < s->nhi) s->hi[i - 1] &= ~TSET_BIT(t);
}

/* The smallest member >= 'from', or -1. */
int32_t tset_next(const TSet *s, int32_t from);

/* Do the sets have a member in common? */
int tset_intersects(const TSet *a, const TSet *b);
/* The same members? */
int tset_equal(const TSet *a, const TSet *b);
/* dst = src, dst's memory kept. */
void tset_copy(TSet *dst, const TSet *src);
/* dst |= src. */
void tset_or(TSet *dst, const TSet *src);
void tset_free(TSet *s);

#endif
