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
  char *note;         /* extra line for the summary (directed search), or NULL */
  Decision *dec;      /* the first run's decisions (for shrinking) */
  uint32_t ndec;
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
/* Order by first run, then kind: the order of the summary. */
void finding_sort(FindingStore *fs);

#endif
