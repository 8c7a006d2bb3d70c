/*
** op.h - the vocabulary of visible operations.  Every event in a trace
** carries one of these codes.  The table says how each operation touches its
** object, which is all the strategies and detectors need to know about it:
**   ACC_NONE   touches no shared object (start, yield, sleep, choose, ...)
**   ACC_READ   observes its object without changing it (two reads commute)
**   ACC_WRITE  changes its object (conflicts with every other access)
** 'blocking' marks operations that can be disabled (wait for a condition).
*/
#ifndef RACESIM_OP_H
#define RACESIM_OP_H

#include <stdint.h>

enum { ACC_NONE = 0, ACC_READ = 1, ACC_WRITE = 2 };

/*   code          name          access     blocking */
#define OP_LIST(X)                                                             \
  X(START, "start", ACC_NONE, 0)                                               \
  X(END, "end", ACC_WRITE, 0)                                                  \
  X(SPAWN, "spawn", ACC_NONE, 0)                                               \
  X(JOIN, "join", ACC_READ, 1)                                                 \
  X(IS_ALIVE, "is_alive", ACC_READ, 0)                                         \
  X(YIELD, "yield", ACC_NONE, 0)                                               \
  X(SLEEP, "sleep", ACC_NONE, 1)                                               \
  X(CHOOSE, "choose", ACC_NONE, 0)                                             \
  X(PRINT, "print", ACC_NONE, 0)                                               \
  X(CHECK, "check", ACC_NONE, 0)                                               \
  X(ERROR, "error", ACC_NONE, 0)                                               \
  X(NEW, "new", ACC_WRITE, 0)                                                  \
  X(READ, "read", ACC_READ, 0)                                                 \
  X(WRITE, "write", ACC_WRITE, 0)                                              \
  X(ADD, "add", ACC_WRITE, 0)                                                  \
  X(ACQUIRE, "acquire", ACC_WRITE, 1)                                          \
  X(RELEASE, "release", ACC_WRITE, 0)                                          \
  X(LOCKED, "locked", ACC_READ, 0)                                             \
  X(CV_WAIT, "wait", ACC_WRITE, 0)                                             \
  X(CV_WAKE, "wake", ACC_WRITE, 1)                                             \
  X(NOTIFY, "notify", ACC_WRITE, 0)                                            \
  X(NOTIFY_ALL, "notify_all", ACC_WRITE, 0)                                    \
  X(EV_SET, "set", ACC_WRITE, 0)                                               \
  X(EV_CLEAR, "clear", ACC_WRITE, 0)                                           \
  X(EV_IS_SET, "is_set", ACC_READ, 0)                                          \
  X(EV_WAIT, "wait", ACC_READ, 1)                                              \
  X(BAR_WAIT, "wait", ACC_WRITE, 1)                                            \
  X(BAR_PASS, "pass", ACC_WRITE, 1)                                            \
  X(BAR_TRIP, "trip", ACC_WRITE, 0)                                            \
  X(BAR_BREAK, "break", ACC_WRITE, 0)                                          \
  X(BAR_RESET, "reset", ACC_WRITE, 0)                                          \
  X(BAR_ABORT, "abort", ACC_WRITE, 0)                                          \
  X(BAR_N_WAITING, "n_waiting", ACC_READ, 0)                                   \
  X(BAR_BROKEN, "broken", ACC_READ, 0)                                         \
  X(Q_PUT, "put", ACC_WRITE, 1)                                                \
  X(Q_GET, "get", ACC_WRITE, 1)                                                \
  X(Q_TASK_DONE, "task_done", ACC_WRITE, 0)                                    \
  X(Q_JOIN, "join", ACC_READ, 1)                                               \
  X(Q_QSIZE, "qsize", ACC_READ, 0)                                             \
  X(Q_EMPTY, "empty", ACC_READ, 0)                                             \
  X(Q_FULL, "full", ACC_READ, 0)

typedef enum OpCode {
#define OP_ENUM(c, n, a, b) OP_##c,
  OP_LIST(OP_ENUM)
#undef OP_ENUM
      OP__COUNT
} OpCode;

typedef struct OpInfo {
  const char *name;
  uint8_t access;
  uint8_t blocking;
} OpInfo;

extern const OpInfo op_table[OP__COUNT];

static inline const char *op_name(int op) { return op_table[op].name; }
static inline int op_access(int op) { return op_table[op].access; }

/* Does the pair conflict (same object assumed)?  Two reads never do. */
static inline int op_conflict(int a, int b) {
  return (op_table[a].access | op_table[b].access) & ACC_WRITE;
}

#endif
