/*
** pool.c - small blocks for the Lua state (see pool.h).
*/
#include "pool.h"

#include <stdlib.h>
#include <string.h>


#define CHUNK (64 * 1024)

struct PoolBlock {
  PoolBlock *next;
};

/* The class of a block of n bytes (1..POOL_MAX / 16), 0 for a big one. */
static size_t class_of(size_t n) { return n <= POOL_MAX ? (n + 15) / 16 : 0; }

void pool_init(MemPool *p) { memset(p, 0, sizeof *p); }

void pool_free_all(MemPool *p) {
  for (size_t i = 0; i < p->nchunks; i++) free(p->chunks[i]);
  free(p->chunks);
  pool_init(p);
}

static void *take(MemPool *p, size_t c) {
  PoolBlock *b = p->free[c];
  if (b) {
    p->free[c] = b->next;
    return b;
  }
  size_t n = c * 16;
  if ((size_t)(p->end - p->at) < n) {
    if (p->nchunks == p->cap_chunks) {
      size_t cap = p->cap_chunks ? 2 * p->cap_chunks : 16;
      void **v = realloc(p->chunks, cap * sizeof *v);
      if (!v) return NULL;
      p->chunks = v, p->cap_chunks = cap;
    }
    char *chunk = malloc(CHUNK); /* (malloc's alignment: every block is 16-aligned) */
    if (!chunk) return NULL;
    p->chunks[p->nchunks++] = chunk;
    p->at = chunk, p->end = chunk + CHUNK; /* (the old chunk's tail is left) */
  }
  void *out = p->at;
  p->at += n;
  return out;
}

static void give(MemPool *p, void *ptr, size_t c) {
  PoolBlock *b = ptr;
  b->next = p->free[c];
  p->free[c] = b;
}

void *pool_realloc(MemPool *p, void *ptr, size_t osize, size_t nsize) {
  size_t oc = ptr ? class_of(osize) : 0, nc = class_of(nsize);
  if (nsize == 0) {
    if (ptr && oc) give(p, ptr, oc);
    else free(ptr);
    return NULL;
  }
  if (ptr && oc && oc == nc) return ptr; /* the same class: the block fits */
  if (!nc && (!ptr || !oc)) return realloc(ptr, nsize); /* big to big */
  void *out = nc ? take(p, nc) : malloc(nsize);
  if (!out) return NULL;
  if (ptr) {
    memcpy(out, ptr, osize < nsize ? osize : nsize);
    if (oc) give(p, ptr, oc);
    else free(ptr);
  }
  return out;
}
