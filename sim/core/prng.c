/*
** prng.c - splitmix64 (Steele, Lea, Flood 2014) for seeding and
** xoshiro256** (Blackman, Vigna 2018) for drawing.
*/
#include "prng.h"

uint64_t prng_mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t prng_run_seed(uint64_t base, uint64_t idx) {
  return prng_mix(prng_mix(base) ^ (idx * 0xd1342543de82ef95ULL));
}

void prng_seed(Prng *p, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) {
    x += 0x9e3779b97f4a7c15ULL;
    p->s[i] = prng_mix(x);
  }
  if (!(p->s[0] | p->s[1] | p->s[2] | p->s[3])) p->s[0] = 1; /* never all zero */
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t prng_next(Prng *p) {
  uint64_t *s = p->s;
  uint64_t r = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return r;
}

uint64_t prng_below(Prng *p, uint64_t n) {
  /* Lemire's rejection on the high bits would need 128-bit products; a
     simple rejection loop on a power-of-two mask is as exact and portable. */
  if (n <= 1) return 0;
  uint64_t mask = n - 1;
  mask |= mask >> 1, mask |= mask >> 2, mask |= mask >> 4;
  mask |= mask >> 8, mask |= mask >> 16, mask |= mask >> 32;
  for (;;) {
    uint64_t r = prng_next(p) & mask;
    if (r < n) return r;
  }
}

double prng_double(Prng *p) { return (double)(prng_next(p) >> 11) * 0x1.0p-53; }
