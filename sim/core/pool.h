/*
** pool.h - small blocks for the Lua state: a run makes and drops a few
** hundred closures, handles, tables and strings, and Lua tells the size of
** every block it frees, so blocks up to POOL_MAX bytes come from free
** lists by size class (16 bytes apart) carved from large chunks, and
** bigger ones from malloc.  The chunks go back to malloc only when the pool
** is closed: the pool is as large as the most the Lua state ever held.
** Plain C; one pool per thread.
*/
#ifndef RACESIM_POOL_H
#define RACESIM_POOL_H

#include <stddef.h>

#define POOL_MAX 1024

typedef struct PoolBlock PoolBlock;

typedef struct MemPool {
  PoolBlock *free[POOL_MAX / 16 + 1]; /* [class]: blocks of class * 16 bytes */
  char *at, *end;                     /* what is left of the newest chunk */
  void **chunks;
  size_t nchunks, cap_chunks;
} MemPool;

void pool_init(MemPool *p);
void pool_free_all(MemPool *p);

/*
** lua_Alloc's contract: 'ptr' a block of 'osize' bytes (NULL: none),
** 'nsize' the size wanted (0: free it).  Returns the block, NULL when
** freeing or when memory ran out (then 'ptr' is untouched).
*/
void *pool_realloc(MemPool *p, void *ptr, size_t osize, size_t nsize);

#endif
