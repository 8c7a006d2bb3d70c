/*
** merge_int.h - what merge.c shares with merge_graph.c.
*/
#ifndef RACESIM_MERGE_INT_H
#define RACESIM_MERGE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "finding.h"
#include "trace.h"
#include "util.h"

/*
** The lock-order cycles of merged exploration 'expl' (read through 'db')
** that no shard reported: each recorded through 't' as a potential deadlock
** of the run that completed it (with a replay command into 'out'), added to
** 'fs' for the bugs, and told in 'said'.  Returns how many.
*/
int merge_cycles(Trace *t, sqlite3 *db, int64_t expl, const char *out, FindingStore *fs,
                 StrBuf *said);

#endif
