/*
** tset.c - sets of thread ids (tset.h).
*/
#include "tset.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Make words 1..n usable (the new ones empty). */
static void reach(TSet *s, uint32_t n) {
  if (n <= s->nhi) return;
  if (n > s->cap) {
    size_t cap = s->cap;
    UTIL_GROW(s->hi, (size_t)n, cap);
    s->cap = (uint32_t)cap;
  }
  memset(s->hi + s->nhi, 0, sizeof(uint64_t) * (n - s->nhi));
  s->nhi = n;
}

void tset_add_slow(TSet *s, int32_t t) {
  uint32_t i = (uint32_t)t >> 6;
  reach(s, i);
  s->hi[i - 1] |= TSET_BIT(t);
}

int32_t tset_next(const TSet *s, int32_t from) {
  if (from < 0) from = 0;
  uint32_t n = tset_nwords(s);
  for (uint32_t i = (uint32_t)from >> 6; i < n; i++) {
    uint64_t w = tset_word(s, i);
    if (i == (uint32_t)from >> 6) w &= ~UINT64_C(0) << ((uint32_t)from & 63);
    if (w) return (int32_t)(i * 64 + (uint32_t)__builtin_ctzll(w));
  }
  return -1;
}

int tset_intersects(const TSet *a, const TSet *b) {
  if (a->w0 & b->w0) return 1;
  uint32_t n = a->nhi < b->nhi ? a->nhi : b->nhi;
  for (uint32_t i = 0; i < n; i++)
    if (a->hi[i] & b->hi[i]) return 1;
  return 0;
}

int tset_equal(const TSet *a, const TSet *b) {
  uint32_t n = a->nhi > b->nhi ? a->nhi : b->nhi;
  for (uint32_t i = 0; i <= n; i++)
    if (tset_word(a, i) != tset_word(b, i)) return 0;
  return 1;
}

void tset_copy(TSet *dst, const TSet *src) {
  dst->w0 = src->w0;
  dst->nhi = 0;
  reach(dst, src->nhi);
  if (src->nhi) memcpy(dst->hi, src->hi, sizeof(uint64_t) * src->nhi);
}

void tset_or(TSet *dst, const TSet *src) {
  dst->w0 |= src->w0;
  reach(dst, src->nhi);
  for (uint32_t i = 0; i < src->nhi; i++) dst->hi[i] |= src->hi[i];
}

void tset_free(TSet *s) {
  free(s->hi);
  memset(s, 0, sizeof *s);
}
