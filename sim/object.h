/*
** object.h - how the engine sees a simulated object.  The engine knows a
** primitive only through this small interface: its kind, whether a thread's
** pending operation on it can proceed, whom that thread waits for, and how to
** say so in words.  Each primitive in sync/ defines one ObjClass.
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

  /* Say why 't' cannot proceed ("waits for Event 'done', never set"). */
  void (*explain)(const SimRun *r, const SimObject *o, const SimThread *t,
                  StrBuf *out);

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
} ObjClass;

#endif
