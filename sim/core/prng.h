/*
** prng.h - the only source of randomness in racesim: splitmix64 to derive
** seeds, xoshiro256** to draw.  Identical on every machine and in every
** process; nothing here reads the clock or an address.
*/
#ifndef RACESIM_PRNG_H
#define RACESIM_PRNG_H

#include <stdint.h>

typedef struct Prng {
  uint64_t s[4];
} Prng;

/* One splitmix64 step: a well-mixed function of 'x'. */
uint64_t prng_mix(uint64_t x);

/* The seed of run 'idx' of an exploration with base seed 'base'. */
uint64_t prng_run_seed(uint64_t base, uint64_t idx);

/* Seed a generator from one 64-bit value (all seeds are valid). */
void prng_seed(Prng *p, uint64_t seed);

uint64_t prng_next(Prng *p);

/* Uniform in [0, n) without modulo bias; n > 0. */
uint64_t prng_below(Prng *p, uint64_t n);

/* Uniform double in [0, 1). */
double prng_double(Prng *p);

#endif
