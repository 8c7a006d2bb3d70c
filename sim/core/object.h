/*
** object.h - how the engine sees a simulated object.  The engine knows a
** primitive only through this small interface: its kind, whether a thread's
** pending operation on it can proceed, whom that thread waits for, how to
** say so in words, where it comes from in the code, and its traits (the
** engine never compares kind names).  Each primitive in sync/ defines one
** ObjClass.
*/
#ifndef RACESIM_OBJECT_H
#define RACESIM_OBJECT_H

#include "run.h"

typedef struct ObjClass {
  const char *kind; /* "Lock", "Shared", ... (shown to users) */

  /*
  ** Can thread 't's pending operation on 'o' proceed now?  Timeouts are the
  ** scheduler's business: answer for the object's state only.  NULL means the
  ** class has no blocking operations.
  */
  int (*ready)(const SimRun *r, const SimObject *o, const SimThread *t);

  /* The thread that 't' waits for (an owner, a joined thread), or -1. */
  int32_t (*waits_for)(const SimRun *r, const SimObject *o, const SimThread *t);

  /*
  ** Say why the threads tids[0..n) cannot proceed (n >= 1): each is blocked
  ** in the same operation on 'o', at the same line, in the same state.
  ** Append what follows "<names> at <file:LINE> ", the verb agreeing with n
  ** ("waits for Event 'done', which is never set" / "wait for ..."), with
  ** the cause wherever the run's events show it.  Where that cause is an
  ** error that ended a thread the wait needed (a lock's holder, a party
  ** that never arrived), add its event to 'because' (run_because): the
  ** error and the stuck state are then one bug.  Return a sentence of
  ** general advice (a static string) that the finding states once, however
  ** many waits call for it, or NULL.
  */
  const char *(*explain)(const SimRun *r, const SimObject *o, const int32_t *tids, int n,
                         StrBuf *out, int32_t *because);

  /*
  ** Partial-order reduction: could the blocking operation of event 'e' have
  ** proceeded just before event ev[before] (an earlier event on the same
  ** object), judging by the state that event recorded in its 'snap' and by
  ** what 'e' recorded of its wake-up in 'aux' (the index of the event that
  ** signalled it, or -1)?  'e' may be a pending operation that never
  ** happened (a thread still blocked when the run ended).  NULL means yes.
  */
  int (*enabled_before)(const SimEvent *e, const SimEvent *ev, uint32_t before);

  uint8_t lock_like; /* acquire/release ownership (lock-order graph) */
  uint8_t location;  /* a shared memory location (data races, lost updates) */

  /*
  ** Where 'o' comes from, for finding signatures: a hash of code locations
  ** only, the same whichever interleaving or loop iteration made it and
  ** whatever name it was given at run time.  NULL: its kind and creation
  ** line (see obj_site).
  */
  uint64_t (*site)(const SimRun *r, const SimObject *o);

  uint8_t traits; /* OBJ_*: what the engine needs to know of the primitive */
} ObjClass;

enum {
  OBJ_MUTEX = 1 << 0,       /* held by one thread at a time (Lock, RLock): lock order */
  OBJ_REENTRANT = 1 << 1,   /* its holder may take it again (RLock) */
  OBJ_WAKEUP_ORDER = 1 << 2, /* the order its waiters are woken in is coverage (Condition) */
  OBJ_LOCK_VIEW = 1 << 3     /* its lock methods act on the lock 'link' names (Condition) */
};

/* The site of 'o' (ObjClass.site, or its kind and creation line). */
static inline uint64_t obj_site(const SimRun *r, const SimObject *o) {
  if (o->cls->site) return o->cls->site(r, o);
  uint64_t h = UTIL_FNV_INIT;
  for (const char *k = o->cls->kind; *k; k++) h = util_fnv_u64(h, (uint8_t)*k);
  return util_fnv_u64(h, (uint64_t)(int64_t)o->line);
}

/* A verb's form for n subjects: 'one' ("waits") or 'many' ("wait"). */
static inline const char *obj_verb(int n, const char *one, const char *many) {
  return n > 1 ? many : one;
}

#endif
