/*
** coverage.h - synchronization coverage: what the runs of an exploration
** exercised, per object, so that a user can tell what was tested and not
** only what failed.  For each lock-like object the orders in which threads
** acquired it, for each condition the orders in which waiters woke, which
** blocking calls timed out (and where), and how each barrier round ended.
** Counted in runs.  Plain C.
*/
#ifndef RACESIM_COVERAGE_H
#define RACESIM_COVERAGE_H

#include <stdint.h>

#include "run.h"

typedef struct Coverage Coverage;

Coverage *coverage_new(void);
void coverage_free(Coverage *c);
/* Add what run 'r' exercised (from its events). */
void coverage_add_run(Coverage *c, const SimRun *r);
/* Add what 'src' saw (other runs than dst's: a worker's) to 'dst'. */
void coverage_merge(Coverage *dst, const Coverage *src);
/*
** The exploration is over: renumber the first runs with 'fn' (if not NULL:
** dfs subtrees) and order the items by first run, then name, so that the
** order does not depend on the order the runs came in.
*/
void coverage_finish(Coverage *c, uint64_t (*fn)(void *ud, uint64_t idx), void *ud);
/* Item i: returns the number of items. */
size_t coverage_item(const Coverage *c, size_t i, const char **object, const char **kind,
                     const char **item, uint64_t *runs, uint64_t *first_run);

#endif
