/*
** detect.h - detectors.  A detector watches the event stream of each run
** and records findings in it.  It is plain C over plain data: tests feed it
** synthetic runs.  Detectors are registered by name in detect.c; adding one
** is adding a file and a table entry.
*/
#ifndef RACESIM_DETECT_H
#define RACESIM_DETECT_H

#include <stdint.h>
#include <string.h>

#include "run.h"
#include "util.h"

typedef struct Detector Detector;

typedef struct DetectorOps {
  const char *name;
  Detector *(*create)(void);
  void (*begin_run)(Detector *d, SimRun *r);
  /* Event 'ev' of run 'r' has happened (all its fields are final). */
  void (*on_event)(Detector *d, SimRun *r, uint32_t ev);
  /* The run is over; r->end says how (END_STALL: nothing could proceed). */
  void (*end_run)(Detector *d, SimRun *r);
  void (*destroy)(Detector *d);
  uint64_t opmask; /* the operations on_event wants (bit per OpCode) */
  /* 1: it says how a run that could not go on ended (deadlock or stuck),
     which every run is told: on whatever --detectors says */
  uint8_t always;
} DetectorOps;

struct Detector {
  const DetectorOps *ops;
};

#define DET_OP(op) (UINT64_C(1) << (op))

/* How a stuck finding begins; what follows is the waits, which say the
   finding as a consequence (bug.h: "..., so w1 at x.lua:5 waits ..."). */
#define DETECT_STUCK_LEAD "stuck: no thread can proceed and no timeout is pending: "

/* The set of detectors of one exploration. */
typedef struct DetectorSet {
  Detector *d[16];
  int n;
  uint64_t opmask; /* union of the members' masks */
  int async;       /* the scenario runs in async mode */
} DetectorSet;

/* Create every registered detector, or those named in the comma list 'only'
   ("none": no others) and those that are always on. */
int detect_open(DetectorSet *set, const char *only, char *err, size_t errlen);
void detect_close(DetectorSet *set);
void detect_begin_run(DetectorSet *set, SimRun *r);
void detect_event(DetectorSet *set, SimRun *r, uint32_t ev);
void detect_end_run(DetectorSet *set, SimRun *r);
const char *const *detect_names(void);
/* The member named 'name', or NULL. */
Detector *detect_find(const DetectorSet *set, const char *name);

/* Signature helpers: mix a string / a number into a finding signature. */
static inline uint64_t detect_sig_str(uint64_t h, const char *s) {
  return util_fnv(util_fnv(h, s, strlen(s)), "", 1);
}
static inline uint64_t detect_sig_num(uint64_t h, int64_t v) {
  return util_fnv_u64(h, (uint64_t)v);
}

#endif
