/*
** bug.h - the observations of an exploration grouped into bugs.
**
** A detector reports what it sees: one missing lock around `counter += 1`
** shows as a lost update, two data races between the same accesses and a
** failed check.  Those are one bug.  bug_group() folds the observations
** (the distinct findings of finding.h) that explain one bug into it as its
** evidence, and picks the headline that says what the bug is:
**
** - a data race between the accesses of a lost update (same location, its
**   lines among the lost update's) is evidence of it, and lost updates of
**   one location between the same lines are one bug;
** - data races left over are one bug per location and connected lines;
** - fields of one shared_table (cache[1], cache[2]) accessed at the same
**   lines are one location for all of this: the same code, other keys;
** - a failed check or an escaped error seen only in runs where a lost
**   update or a data race was seen is that bug's consequence; when it
**   failed in every run (or in a replay's one run), where nothing varied
**   with it, only if its thread had read the location that raced;
** - a potential deadlock whose locks are those of an actual deadlock is
**   evidence of the deadlock;
** - stuck states that wait on the same objects are one bug, whoever and
**   however many were left waiting;
** - what a failure brought about in some run is its consequence: a stuck
**   wait for a thread that an error ended (a lock's holder, a party that
**   never arrived, a producer, a notifier), a barrier break by an action
**   that raised or by a timeout that a party which raised never came to;
**   a BrokenBarrierError that escaped a thread is evidence
**   of the break behind it (RunFinding.because).
**
** Plain C over plain data: the same grouping serves an exploration, a
** `racesim check` over several strategies and a merge of shards.
*/
#ifndef RACESIM_BUG_H
#define RACESIM_BUG_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"

enum { BUG_HEADLINE, BUG_EVIDENCE, BUG_CONSEQUENCE };
/* "headline", "evidence", "consequence": as --json and the database say it */
extern const char *const bug_role_names[3];

typedef struct Bug {
  uint8_t kind;     /* the headline's kind */
  uint8_t rank;     /* its place in the order of the report (bug_rank) */
  size_t head;      /* the headline observation (an index in the store) */
  size_t rep;       /* the observation whose first run shows the bug whole */
  size_t *obs;      /* every observation folded in, the headline first */
  uint8_t *role;    /* BUG_* of each */
  size_t nobs;
  char *message;    /* the headline's message and its consequences */
  uint64_t runs;    /* runs that showed it: any observation of its headline's
                       kind (bug_group counts the headline's; see bug_runs) */
} Bug;

typedef struct BugList {
  Bug *v;
  size_t n;
  size_t *of; /* per observation of the store: the index of its bug */
  size_t nof;
} BugList;

/*
** Group the observations of 'fs' into bugs, in the order of the report:
** actual deadlock, lost update, assertion and error, stuck, barrier broken,
** data race, potential deadlock, step limit; then by the run shown.
** 'runs' is how many runs were explored (0: unknown, a replay).  Sorts 'fs'
** first (finding_sort), so the result does not depend on the order in which
** runs were merged.
*/
void bug_group(FindingStore *fs, uint64_t runs, BugList *out);
void bug_free(BugList *bl);

/*
** Run profiles: the distinct sets of signatures that runs showed together,
** each with how many runs showed it; a bug's runs are the runs of the
** profiles with one of its observations.  Few in practice; past
** PROFILES_MAX distinct sets, counting gives up ('full').
*/
#define PROFILES_MAX 65536

typedef struct Profile {
  uint64_t key;  /* hash of the sorted set */
  uint32_t off, n; /* its signatures: sigs[off .. off + n) */
  uint64_t runs;
} Profile;

typedef struct Profiles {
  Profile *v;
  size_t n, cap;
  uint64_t *sigs;
  size_t nsigs, cap_sigs;
  uint32_t *slot; /* open addressing: profile index + 1 */
  size_t nslot;
  int full;
} Profiles;

/* A run showed the signatures sigs[0..n) (sorted here, in place). */
void profiles_add(Profiles *p, uint64_t *sigs, size_t n);
void profiles_free(Profiles *p);

/*
** The runs that showed bug 'b': an observation of its headline's kind.
** Without profiles (or past their limit), the headline's own count.
*/
uint64_t bug_runs(const FindingStore *fs, const Bug *b, const Profiles *p);
/* ... and the runs that showed one of its observations of 'kind'. */
uint64_t bug_runs_of(const FindingStore *fs, const Bug *b, int kind, const Profiles *p);

/*
** The bug's message (its headline and consequences), as the run it shows
** tells it: the shrunk run once shrinking found one.  bug_group composes it;
** compose it again after shrinking.
*/
void bug_compose(const FindingStore *fs, Bug *b);
/* The headline's own words in that run. */
const char *bug_headline_text(const FindingStore *fs, const Bug *b);

/* The place of a finding kind in the order of the report, from 0. */
int bug_rank(int kind);

/* The bug that observation 'i' of the store belongs to, or NULL. */
const Bug *bug_of(const BugList *bl, size_t i);

/*
** The signatures that a run must show to show bug 'b' whole (its headline,
** and the consequence its representative run shows): for shrinking.
** Returns how many were written (at most 2).
*/
int bug_required(const FindingStore *fs, const Bug *b, uint64_t *sigs);

#endif
