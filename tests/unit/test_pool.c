/*
** test_pool.c - the Lua state's block pool (pool.c): blocks of every size
** class and big ones, grown, shrunk and freed in a random order, keep their
** bytes, never overlap, and come back for reuse.
*/
#include <stdint.h>

#include "pool.h"
#include "prng.h"
#include "test.h"

#define N 2000

typedef struct Live {
  unsigned char *p;
  size_t n;
  unsigned char fill;
} Live;

static int intact(const Live *b) {
  for (size_t i = 0; i < b->n; i++)
    if (b->p[i] != (unsigned char)(b->fill + i)) return 0;
  return 1;
}

static void paint(Live *b) {
  for (size_t i = 0; i < b->n; i++) b->p[i] = (unsigned char)(b->fill + i);
}

static size_t some_size(Prng *g) {
  uint64_t k = prng_below(g, 10);
  return k < 8 ? (size_t)prng_below(g, POOL_MAX) + 1 : (size_t)prng_below(g, 5000) + 1;
}

static void test_random_traffic(void) {
  MemPool p;
  pool_init(&p);
  Prng g;
  prng_seed(&g, 7);
  Live live[N] = {{0}};
  int bad = 0;
  for (int step = 0; step < 200000; step++) {
    Live *b = &live[prng_below(&g, N)];
    if (!b->p) { /* a new block */
      b->n = some_size(&g);
      b->fill = (unsigned char)step;
      b->p = pool_realloc(&p, NULL, 5 /* a type tag, as Lua gives */, b->n);
      paint(b);
    } else if (prng_below(&g, 3) == 0) { /* freed */
      bad += !intact(b);
      pool_realloc(&p, b->p, b->n, 0);
      b->p = NULL;
    } else { /* grown or shrunk: what fits is kept */
      bad += !intact(b);
      size_t n = some_size(&g);
      b->p = pool_realloc(&p, b->p, b->n, n);
      b->n = n < b->n ? n : b->n;
      bad += !intact(b);
      b->n = n;
      paint(b);
    }
  }
  for (int i = 0; i < N; i++)
    if (live[i].p) {
      bad += !intact(&live[i]);
      pool_realloc(&p, live[i].p, live[i].n, 0);
    }
  CHECK_EQ_INT(bad, 0);
  CHECK(p.nchunks > 0);
  pool_free_all(&p);
  CHECK_EQ_INT((int)p.nchunks, 0);
}

static void test_reuse_and_classes(void) {
  MemPool p;
  pool_init(&p);
  void *a = pool_realloc(&p, NULL, 0, 24);
  CHECK(((uintptr_t)a & 15) == 0);
  CHECK(pool_realloc(&p, a, 24, 32) == a); /* the same class of 32 bytes */
  pool_realloc(&p, a, 32, 0);
  CHECK(pool_realloc(&p, NULL, 0, 17) == a); /* a freed block comes back */
  void *big = pool_realloc(&p, NULL, 0, POOL_MAX + 1); /* from malloc */
  CHECK(big != NULL);
  void *small = pool_realloc(&p, big, POOL_MAX + 1, 8);
  CHECK(small != NULL && small != big);
  pool_realloc(&p, small, 8, 0);
  pool_free_all(&p);
}

int main(void) {
  test_begin(60);
  RUN_TEST(test_random_traffic);
  RUN_TEST(test_reuse_and_classes);
  return test_end("test_pool");
}
