/*
** report_int.h - what report.c (the summary, JSON, one run) and
** report_html.c share, from report_db.c: the open report, the bugs as the
** database keeps them, and a few ways to read rows.
*/
#ifndef RACESIM_REPORT_INT_H
#define RACESIM_REPORT_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "util.h"

typedef struct Report {
  sqlite3 *db;
  const char *path;
  int json;
  long long expl; /* --exploration ID, or -1: every exploration */
  int nsvg;       /* SVGs written so far: each has its own marker ids */
  int keyed;      /* the exploration shown numbers runs by subtree (report_run_label) */
  StrBuf out;
} Report;

/* One observation folded into a bug: a row of bug_evidence. */
typedef struct RepObs {
  char *role, *kind, *sig, *message, *schedule, *note;
  long long runs, first_run, steps, preemptions; /* -1: not known */
} RepObs;

/*
** A bug: a row of bugs with its evidence, or, for an exploration recorded
** without them (schema version 1), one distinct finding on its own.
** schedule, steps and preemptions are the run shown (first_run); shrunk_*
** the simpler run the replay command replays, when shrinking found one.
*/
typedef struct RepBug {
  char *kind, *sig, *message, *seed, *schedule, *replay, *note, *shrunk_schedule;
  long long runs, first_run, steps, preemptions, shrunk_steps, shrunk_preemptions;
  char *shrink; /* the search for the fewest preemptions (schema 3), or NULL */
  long long minimal, lower; /* ... its result; -1 when none */
  RepObs *obs;
  size_t nobs, cap;
} RepBug;

typedef struct BugSet {
  RepBug *v;
  size_t n, cap, nobs;
  int grouped; /* 1: from table bugs; 0: each distinct finding alone */
} BugSet;

/* Open the racesim trace database at 'path' read-only into r->db, refusing
   anything else (with a message); 0 or -1. */
int report_open(Report *r, const char *path);

/* A text column ("" when NULL), a copy of it (NULL when NULL), an integer
   (-1 when NULL). */
const char *report_col(sqlite3_stmt *st, int i);
char *report_dup_col(sqlite3_stmt *st, int i);
long long report_num_col(sqlite3_stmt *st, int i);
/* Prepare a statement; NULL after printing why. */
sqlite3_stmt *report_prep(Report *r, const char *sql);
/* The first n integers of the one row 'sql' (one ? = arg) gives into v (-1: none). */
void report_int_row(Report *r, const char *sql, long long arg, long long *v, int n);

/* The bugs of exploration 'expl' (grouped, or each distinct finding alone). */
int report_load_bugs(Report *r, long long expl, BugSet *bs);
void report_bugs_free(BugSet *bs);
/* "1 bug (4 observations)", and why they are not grouped where they are not. */
/* "N bugs (M observations)", and why they are not grouped if they are not
   ('status': explorations.status). */
void report_bug_count(StrBuf *o, const BugSet *bs, const char *status);

/* The HTML report (report_html.c). */
int report_html(Report *r);

/*
** A run index as `racesim run` prints it: a dfs shard numbers run K of its
** subtree S as S << 32 | K and prints "S:K" ('keyed', which
** report_keyed_runs tells from the exploration's strategy and shard).
*/
const char *report_run_label(char *buf, size_t n, long long idx, int keyed);
int report_keyed_runs(const char *strategy, const char *shard);

#endif
