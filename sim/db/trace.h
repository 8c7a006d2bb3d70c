/*
** trace.h - the trace database (SQLite).  The schema is reports/schema.sql,
** embedded at build time; PRAGMA user_version carries its version.  Writes
** are batched: one transaction spans many runs and is committed every
** second (and at the end), so an interrupted exploration leaves a valid
** database holding every committed run.  Plain C: no Lua.
*/
#ifndef RACESIM_TRACE_H
#define RACESIM_TRACE_H

#include <stdint.h>

#include "bug.h"
#include "finding.h"
#include "run.h"

/* 2 adds the bugs and bug_evidence tables, 3 the preemptions and the
   search for the fewest, 4 explorations.record (and no CHECK on
   runs.status); an older file is upgraded when it is opened for writing */
#define TRACE_SCHEMA_VERSION 4

typedef struct Trace Trace;

typedef struct TraceExploration {
  const char *script, *sha256, *strategy, *params, *base_seed, *mode, *options;
  const char *shard; /* "I/N" */
  int jobs;
  const char *record; /* whose events are kept: failing:K, all or none */
} TraceExploration;

/*
** Open (creating if needed) the database at 'path'.  A file that is not a
** racesim database, or one of another schema version, is refused with a
** message in 'err'.
*/
Trace *trace_open(const char *path, char *err, size_t errlen);
/* Commit what is pending and close. */
void trace_close(Trace *t);

/* Start an exploration (committed at once, so it is visible). */
int64_t trace_begin(Trace *t, const TraceExploration *x);

/*
** Record a run: its row (numbered 'idx', r->index unless the explorer
** knows better: explore_dfs.c), with its findings' signatures, and with 'events'
** its threads, objects and events, with 'findings' its findings (with
** 'replay' per finding, may be NULL): their details are {"events": [steps],
** "replay": ...} and the members of the finding's own details object
** (RunFinding.details), if it has one.  Returns the run id; 0 for a row with
** neither events nor findings, which waits to be written with others (before
** anything else is written, and in every commit); -1 on a write error (see
** trace_error).  With 'provisional', 'idx' is not the run's number yet:
** trace_renumber will give it one (a row that waits waits for that instead,
** in memory, up to a limit, rather than being written and then moved).
*/
int64_t trace_run(Trace *t, int64_t expl, uint64_t idx, const SimRun *r, const char *token,
                  int events, int findings, const char *const *replay, int provisional);

/* Record an edge of the lock-order graph ('graph': its lock_edges.graph JSON, or NULL). */
void trace_lock_edge(Trace *t, int64_t expl, const char *from, const char *to,
                     const char *thread, int32_t line, int32_t from_line,
                     uint64_t first_run, uint64_t count, const char *graph);

/* Record one synchronization-coverage item (coverage.h). */
void trace_coverage(Trace *t, int64_t expl, const char *object, const char *kind,
                    const char *item, uint64_t runs, uint64_t first_run);

/*
** Record a finding made at the end of an exploration for run 'idx' (a
** potential deadlock): the run's status becomes 'finding'.  'r' is that run
** replayed, or NULL: its events are recorded if they were not; 'evs' (event
** indices of 'r', from 0) are the ones the finding involves.
*/
void trace_late_finding(Trace *t, int64_t expl, uint64_t idx, const char *kind, uint64_t sig,
                        const char *message, const char *replay, const SimRun *r,
                        const int32_t *evs, int nevs);

/*
** Record the bugs of an exploration (bug.h): one row in 'bugs' each, one in
** 'bug_evidence' per observation, replacing any the exploration had.
*/
int trace_bugs(Trace *t, int64_t expl, const FindingStore *fs, const BugList *bl);

/*
** Add the observations recorded for exploration 'expl' (its bug_evidence)
** to 'fs', the way finding_merge adds them: for a merge, to group again.
*/
int trace_observations(Trace *t, int64_t expl, FindingStore *fs);

/* Renumber runs lo <= idx < hi of an exploration to start at 'to': those
   written, and those held (which are written now).  A forced trace_flush
   writes the rows still held as they are numbered. */
int trace_renumber(Trace *t, int64_t expl, uint64_t lo, uint64_t hi, uint64_t to);

/* Finish an exploration; 'status' is done, interrupted or failed. */
void trace_end(Trace *t, int64_t expl, uint64_t runs, uint64_t steps, int complete,
               uint64_t pruned, const char *status, const char *mode);

/*
** Commit now if a batch has been pending for a while (or 'force'): called
** after every run, and while a long one runs, so that no batch holds the
** file from other writers for much more than a second.  Each commit also
** brings the exploration's runs and steps up to date.
*/
int trace_flush(Trace *t, int force);

/*
** After a write failure (disk full, another process holding the file past
** the wait, out of memory) the batch is rolled back and nothing more is
** written but the exploration's last row (trace_end: 'failed', with the
** runs kept).  trace_broken says it happened; trace_kept is how many runs of
** the exploration the file keeps.
*/
int trace_broken(const Trace *t);
uint64_t trace_kept(const Trace *t);

const char *trace_error(const Trace *t);

/* The status of a run as the database says it: ok, finding or error. */
const char *trace_run_status(const SimRun *r);

/* Render event flags as text ("timeout,raised"); empty string for none. */
void trace_flags(uint16_t flags, char *out, size_t n);

#endif
