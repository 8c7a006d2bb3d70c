/*
** finding.h - the distinct findings of an exploration: one entry per
** signature, with how many runs showed it and which run first did (with its
** seed, schedule token and replay command).
*/
#ifndef RACESIM_FINDING_H
#define RACESIM_FINDING_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

enum {
  SHRINK_NONE = 0, /* not looked for (--no-shrink, replay, check) */
  SHRINK_MINIMAL,  /* no schedule with fewer preemptions shows it */
  SHRINK_SHORTEST, /* the fewest found before the search's budget ran out */
  SHRINK_NOT       /* not looked for, for a reason (shrink_why) */
};

typedef struct Distinct {
  uint64_t sig;
  uint8_t kind;
  uint64_t count;     /* runs in which it was found */
  uint64_t first_run; /* index of the first such run */
  uint64_t seed;      /* that run's seed */
  uint32_t steps;     /* that run's steps */
  uint32_t preemptions;
  char *message;
  char *schedule;     /* that run's schedule token */
  char *replay;       /* the command that replays it (the shrunk run, if any) */
  /* shrinking: a shorter schedule with the same finding, if one was found */
  int shrunk;
  uint32_t shrunk_steps, shrunk_preemptions;
  char *shrunk_schedule;
  /* ... and how that run tells it: this observation, its consequence
     phrase, and the headline of the bug it shows (bug.c) */
  char *shrunk_msg, *shrunk_conseq, *shrunk_head;
  /* the search for the fewest preemptions (explore_search.c) */
  uint8_t shrink;         /* SHRINK_*: what it found out */
  uint32_t shrink_lower;  /* every schedule with fewer preemptions was tried */
  const char *shrink_why; /* SHRINK_SHORTEST: what ran out; SHRINK_NOT: why not tried */
  char *note;         /* extra line for the summary (directed search), or NULL */
  Decision *dec;      /* the first run's decisions (for shrinking) */
  uint32_t ndec;
  /* what grouping observations into bugs looks at (bug.c); the same in
     every run that shows this signature */
  char *where;        /* lost_update, data_race: the location's name */
  uint64_t loc;       /* ... and its hash */
  uint64_t fam;       /* ... and its table's, for a field ("cache" of "cache[42]") */
  int32_t lines[4];   /* lost_update, data_race: the lines of its accesses */
  uint8_t nlines;
  uint8_t nlocks;
  uint64_t locks[FINDING_EVS]; /* deadlock, potential_deadlock: the cycle's locks;
                                  stuck: the objects waited on (obj_site) */
  /* assertion, error: the lost updates and data races seen in every run
     that showed it (an intersection, so the same whatever the run order) */
  uint64_t *causes;
  uint32_t ncauses;
  uint8_t causes_known; /* at least one run has been intersected */
  /* assertion, error: the lost updates and races it depended on in some
     run: its thread read their location, or read what one of their threads
     wrote, or took part in them; and for any kind, the failures it came of
     in some run (RunFinding.because: an error that ended a thread a stuck
     wait needed, the break behind a BrokenBarrierError) (signatures,
     sorted) */
  uint64_t *related;
  uint32_t nrelated;
  char *conseq;         /* assertion, error: "the check at x.lua:9 failed: ..." */
  /* assertion, error: the lost updates and data races of the run shown,
     as that run tells them (the bug's message when this run shows it) */
  uint64_t *with_sig;
  char **with_msg;
  uint32_t nwith;
} Distinct;

typedef struct FindingStore {
  Distinct *v;
  size_t n, cap;
} FindingStore;

void finding_init(FindingStore *fs);
void finding_free(FindingStore *fs);
Distinct *finding_get(FindingStore *fs, uint64_t sig);
/* A new distinct finding (zeroed but for sig and kind). */
Distinct *finding_add(FindingStore *fs, uint64_t sig, uint8_t kind);
/* Order by first run, then kind, then signature: a deterministic order,
   whatever order the runs were merged in. */
void finding_sort(FindingStore *fs);

/*
** 'd' was seen in a run whose lost updates and data races are the
** signatures sigs[0..n): keep, in d->causes, those seen in every such run.
*/
void finding_note_causes(Distinct *d, const uint64_t *sigs, size_t n);

/* A failure that others can come of (RunFinding.because): an error or a
   failed check that ended a thread, a barrier break. */
static inline int finding_is_failure(int kind) {
  return kind == FIND_ERROR || kind == FIND_ASSERTION || kind == FIND_BARRIER_BROKEN;
}

/* The findings of its run that an observation keeps as that run tells them
   (with_sig): what it may have come of. */
static inline int finding_told_with(int kind) {
  return kind == FIND_LOST_UPDATE || kind == FIND_DATA_RACE || finding_is_failure(kind);
}

/* Add the signatures sigs[0..n) to those d depended on (a union). */
void finding_note_related(Distinct *d, const uint64_t *sigs, size_t n);

/* The hash of the table a location's name is a field of ("cache" of
   "cache[42]", "acct" of "acct.balance"), or 0 for a plain variable. */
uint64_t finding_family(const char *where);

/*
** Fold the observations of 'from' (another exploration of the same
** scenario: a shard, another strategy) into 'into': counts add up, the run
** shown is the lowest, causes intersect.  'from' is left empty.
*/
void finding_merge(FindingStore *into, FindingStore *from);

/* Forget what 'd' kept of the other findings of its run (with_sig). */
void finding_clear_with(Distinct *d);
/* Keep that its run tells finding 'sig' so: 'msg'. */
void finding_add_with(Distinct *d, uint64_t sig, const char *msg);
/* The message of signature 'sig' in the run that 'd' shows, or NULL. */
const char *finding_with(const Distinct *d, uint64_t sig);

/* What the search for the fewest preemptions found, as the summary says it
   ("minimal: 1 preemption, 12 steps (from 5, 12)"); nothing if none was made. */
void finding_shrink_line(const Distinct *d, StrBuf *b);

#endif
