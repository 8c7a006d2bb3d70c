/*
** op.h - the vocabulary of visible operations.  Every event in a trace
** carries one of these codes.  The table says how each operation touches its
** object, which is all the strategies and detectors need to know about it:
**   ACC_NONE   touches no shared object (start, yield, sleep, choose, ...)
**   ACC_READ   observes its object without changing it (two reads commute)
**   ACC_WRITE  changes its object (conflicts with every other access)
** and, set by a primitive on an event where it holds (run.h, SimEvent.fup):
**   ACC_UPDATE a commuting update: changes its object in a way that any
**              other update commutes with (a semaphore release, a free
**              acquire, the unfinished count of put and task_done, an
**              inc of an integer); it
**              conflicts with reads and writes of the same facet
** 'blocking' marks operations that can be disabled (wait for a condition).
*/
#ifndef RACESIM_OP_H
#define RACESIM_OP_H

#include <stdint.h>

enum { ACC_NONE = 0, ACC_READ = 1, ACC_WRITE = 2, ACC_UPDATE = 3 };
enum { F_MAIN = 1, F_ITEMS = 1, F_TASKS = 2, F_TAIL = 4 };

/*
** Arrival: when a thread starts waiting in a blocking operation, does that
** touch the object, so that partial-order reduction must order it against
** what ends the wait (sched.c record_arrival)?
**   AR_ALWAYS   yes: an Event.wait, a Barrier entry, a Queue.join are
**               ended by a set(), a trip, a task_done() only once begun
**   AR_SUSPEND  in async mode, when the task suspends: the decision to
**               suspend read the object (a join of a live thread)
**   AR_LINE     in async mode, when the task suspends: it takes its place
**               in a first-come, first-served line (it writes the object)
** and 0 for operations that never wait, or begin with an event of their own.
*/
enum { AR_ALWAYS = 1, AR_SUSPEND = 2, AR_LINE = 3 };

/*   code            name          reads    writes             blocking arrival */
#define OP_LIST(X)                                                             \
  X(START, "start", 0, 0, 0, 0)                                                \
  X(END, "end", 0, F_MAIN, 0, 0)                                               \
  X(SPAWN, "spawn", 0, 0, 0, 0)                                                \
  X(JOIN, "join", F_MAIN, 0, 1, AR_SUSPEND)                                    \
  X(IS_ALIVE, "is_alive", F_MAIN, 0, 0, 0)                                     \
  X(YIELD, "yield", 0, 0, 0, 0)                                                \
  X(SLEEP, "sleep", 0, 0, 1, AR_SUSPEND)                                       \
  X(CHOOSE, "choose", 0, 0, 0, 0)                                              \
  X(PRINT, "print", 0, 0, 0, 0)                                                \
  X(CHECK, "check", 0, 0, 0, 0)                                                \
  X(ERROR, "error", 0, 0, 0, 0)                                                \
  X(NEW, "new", 0, F_MAIN, 0, 0)                                               \
  X(READ, "read", F_MAIN, 0, 0, 0)                                             \
  X(WRITE, "write", 0, F_MAIN, 0, 0)                                           \
  X(ADD, "add", 0, F_MAIN, 0, 0)                                               \
  X(ACQUIRE, "acquire", 0, F_MAIN, 1, AR_LINE)                                 \
  X(RELEASE, "release", 0, F_MAIN, 0, 0)                                       \
  X(LOCKED, "locked", F_MAIN, 0, 0, 0)                                         \
  X(IS_OWNED, "is_owned", F_MAIN, 0, 0, 0)                                     \
  X(WAITING, "waiting", F_MAIN, 0, 0, 0)                                       \
  X(CV_WAIT, "wait", 0, F_MAIN, 0, 0)                                          \
  X(CV_WAKE, "wake", 0, F_MAIN, 1, 0)                                          \
  X(NOTIFY, "notify", 0, F_MAIN, 0, 0)                                         \
  X(NOTIFY_ALL, "notify_all", 0, F_MAIN, 0, 0)                                 \
  X(EV_SET, "set", 0, F_MAIN, 0, 0)                                            \
  X(EV_CLEAR, "clear", 0, F_MAIN, 0, 0)                                        \
  X(EV_IS_SET, "is_set", F_MAIN, 0, 0, 0)                                      \
  X(EV_WAIT, "wait", F_MAIN, 0, 1, AR_ALWAYS)                                  \
  X(BAR_WAIT, "wait", 0, F_MAIN, 1, AR_ALWAYS)                                 \
  X(BAR_PASS, "pass", 0, F_MAIN, 1, 0)                                         \
  X(BAR_TRIP, "trip", 0, F_MAIN, 0, 0)                                         \
  X(BAR_BREAK, "break", 0, F_MAIN, 0, 0)                                       \
  X(BAR_RESET, "reset", 0, F_MAIN, 0, 0)                                       \
  X(BAR_ABORT, "abort", 0, F_MAIN, 0, 0)                                       \
  X(BAR_N_WAITING, "n_waiting", F_MAIN, 0, 0, 0)                               \
  X(BAR_BROKEN, "broken", F_MAIN, 0, 0, 0)                                     \
  X(Q_PUT, "put", F_ITEMS, F_ITEMS|F_TAIL|F_TASKS, 1, AR_LINE)                 \
  X(Q_GET, "get", 0, F_ITEMS|F_TAIL, 1, AR_LINE)                               \
  X(Q_TASK_DONE, "task_done", 0, F_TASKS, 0, 0)                                \
  X(Q_JOIN, "join", F_TASKS, 0, 1, AR_ALWAYS)                                  \
  X(Q_QSIZE, "qsize", F_ITEMS|F_TAIL, 0, 0, 0)                                 \
  X(Q_EMPTY, "empty", F_ITEMS|F_TAIL, 0, 0, 0)                                 \
  X(Q_FULL, "full", F_ITEMS|F_TAIL, 0, 0, 0)                                   \
  X(INC, "inc", 0, F_MAIN, 0, 0) /* (new codes go last: tokens store them) */

typedef enum OpCode {
#define OP_ENUM(c, n, r, w, b, a) OP_##c,
  OP_LIST(OP_ENUM)
#undef OP_ENUM
      OP__COUNT
} OpCode;

typedef struct OpInfo {
  const char *name;
  uint8_t rd, wr; /* facets read and written */
  uint8_t blocking;
  uint8_t arrival; /* AR_*: does starting to wait touch the object? */
} OpInfo;

extern const OpInfo op_table[OP__COUNT];

static inline const char *op_name(int op) { return op_table[op].name; }
/* The name of an operation a thread is blocked in: a Condition waiter
   waiting to be woken is in "wait" (its wake-up is the operation it is in). */
static inline const char *op_pending_name(int op) {
  return op == OP_CV_WAKE ? "wait" : op_table[op].name;
}
static inline int op_access(int op) {
  return op_table[op].wr ? ACC_WRITE : op_table[op].rd ? ACC_READ : ACC_NONE;
}

/*
** Do two accesses to the same object conflict (not commute)?  Facets read,
** written and updated by each: a write conflicts with any access of its
** facet, an update with reads (and writes), two updates or two reads never.
*/
static inline int facets_conflict(int rd1, int wr1, int up1, int rd2, int wr2, int up2) {
  return (wr1 & (rd2 | wr2 | up2)) || (wr2 & (rd1 | wr1 | up1)) || (up1 & rd2) || (up2 & rd1);
}
static inline int op_conflict(int a, int b) {
  return facets_conflict(op_table[a].rd, op_table[a].wr, 0, op_table[b].rd, op_table[b].wr, 0);
}
/* Does 'a' write every facet 'b' touches (so that whatever conflicts with
   b also conflicts with a)? */
static inline int op_covers(int a, int b) {
  int t = op_table[b].rd | op_table[b].wr;
  return (op_table[a].wr & t) == t;
}

_Static_assert(OP__COUNT <= 64, "detector op masks are 64-bit");

#endif
