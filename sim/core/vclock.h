/*
** vclock.h - vector clocks: happens-before as one small reusable piece.
** A clock is a growable array of per-thread counters; synchronizing through
** an object is vc_join on the way in and vc_join into the object's clock on
** the way out (loom's sync_acq / sync_rel).  Plain C.
*/
#ifndef RACESIM_VCLOCK_H
#define RACESIM_VCLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct VClock {
  uint32_t *c;
  uint32_t n;   /* entries in use (threads 0..n-1) */
  uint32_t cap;
} VClock;

void vc_init(VClock *v);
void vc_free(VClock *v);
/* all zero, capacity kept (inline: a run begins by clearing many, most empty) */
static inline void vc_clear(VClock *v) {
  if (v->n) memset(v->c, 0, v->n * sizeof *v->c);
  v->n = 0;
}
static inline uint32_t vc_get(const VClock *v, int32_t t) {
  return t >= 0 && (uint32_t)t < v->n ? v->c[t] : 0;
}
/* v[t] := x (inline: most sets are of an entry in use) */
void vc_set_slow(VClock *v, int32_t t, uint32_t x);
static inline void vc_set(VClock *v, int32_t t, uint32_t x) {
  if ((uint32_t)t < v->n) v->c[t] = x;
  else vc_set_slow(v, t, x);
}
static inline void vc_tick(VClock *v, int32_t t) { vc_set(v, t, vc_get(v, t) + 1); }
/* a := a join b (inline: most joins are of an empty clock) */
void vc_join_slow(VClock *a, const VClock *b);
static inline void vc_join(VClock *a, const VClock *b) {
  if (b->n) vc_join_slow(a, b);
}
void vc_copy(VClock *dst, const VClock *src);
/* Does epoch (t, clock) happen before (or at) v? */
static inline int vc_epoch_leq(uint32_t clock, int32_t t, const VClock *v) {
  return clock <= vc_get(v, t);
}

#endif
