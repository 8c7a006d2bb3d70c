/*
** vclock.c - vector clocks (see vclock.h).
*/
#include "vclock.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void vc_init(VClock *v) { v->c = NULL, v->n = v->cap = 0; }

void vc_free(VClock *v) {
  free(v->c);
  vc_init(v);
}

/* (Entries at n and beyond are always zero: only those below n are cleared.) */

static void grow(VClock *v, uint32_t n) {
  if (n <= v->cap) return;
  uint32_t cap = v->cap ? v->cap : 8;
  while (cap < n) cap *= 2;
  v->c = util_xrealloc(v->c, cap * sizeof *v->c);
  memset(v->c + v->cap, 0, (cap - v->cap) * sizeof *v->c);
  v->cap = cap;
}

void vc_set_slow(VClock *v, int32_t t, uint32_t x) {
  grow(v, (uint32_t)t + 1);
  if ((uint32_t)t >= v->n) v->n = (uint32_t)t + 1;
  v->c[t] = x;
}

void vc_join_slow(VClock *a, const VClock *b) {
  grow(a, b->n);
  if (b->n > a->n) a->n = b->n;
  for (uint32_t i = 0; i < b->n; i++)
    if (b->c[i] > a->c[i]) a->c[i] = b->c[i];
}

void vc_copy(VClock *dst, const VClock *src) {
  vc_clear(dst);
  vc_join(dst, src);
}
