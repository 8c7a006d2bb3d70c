/*
** run.h - the state of one run, in plain C: threads, objects, the event
** trace, the schedule (decisions) and the findings.  Strategies, detectors
** and the trace recorder read it; only the scheduler (sched.c) and the
** primitives (sync/) change it.  Everything is referred to by small integer
** ids handed out in creation order, never by pointer, and every array is
** owned by the run and reset at its end with its capacity kept.
*/
#ifndef RACESIM_RUN_H
#define RACESIM_RUN_H

#include <math.h>
#include <stdint.h>

#include "op.h"
#include "site.h"
#include "util.h"

struct lua_State;
struct ObjClass;

enum { MODE_THREADS = 0, MODE_ASYNC = 1 };
/* Async mode's run order: asyncio's first-in first-out ready queue (the
   default), or any ready task next (scenario{ order = "any" }). */
enum { ORDER_FIFO = 0, ORDER_ANY = 1 };

/* A value seen by an operation, kept without reference to Lua. */
enum {
  VAL_NONE = 0, /* the operation has no value */
  VAL_NIL,
  VAL_BOOL,
  VAL_INT,
  VAL_NUM,
  VAL_STR,   /* u.s: a slice of the run's text arena (capped) */
  VAL_TABLE, /* a Lua table (not shown by content) */
  VAL_OTHER, /* function, coroutine, userdata */
  VAL_THREAD, /* u.i: a thread id */
  VAL_OBJ     /* u.i: an object id */
};

typedef struct SimValue {
  uint8_t tag;
  union {
    int64_t i;
    double d;
    struct {
      uint32_t off, len;
    } s;
  } u;
} SimValue;

/* One visible operation as it happened: one row of the trace. */
typedef struct SimEvent {
  uint32_t step;    /* the scheduling step (transition) it belongs to */
  int32_t tid;      /* the thread that performed it */
  uint16_t op;      /* OpCode */
  uint16_t flags;   /* EV_* */
  uint8_t frd, fwr; /* facets read and written (op.h; the op's by default) */
  uint8_t fup;      /* facets changed by a commuting update (op.h ACC_UPDATE) */
  uint8_t slack;    /* EV_TAKE: how many more takes its segment has room for;
                       EV_TAKEW: the units it left (both at most 255) */
  int32_t obj;      /* object id, or -1 */
  int32_t line;     /* scenario source line, 0 if unknown */
  int32_t site;     /* its call path: an index in run->sites, or -1 */
  int32_t aux;      /* operation-specific: another thread or object, a count;
                       an error's type (offset in the run's text) */
  int32_t prev_obj; /* previous event on the same object, or -1 */
  int64_t snap;     /* the object's state just before (for DPOR), see sync/ */
  double vtime;     /* virtual time */
  double deadline;  /* the operation's timeout or wake-up time, or INFINITY */
  SimValue value;
} SimEvent;

enum {
  EV_TIMEOUT = 1 << 0,  /* a blocking call that timed out */
  EV_FAILED = 1 << 1,   /* a non-blocking attempt that did not succeed */
  EV_BLOCKED = 1 << 2,  /* the thread waited before this operation proceeded */
  EV_INLINE = 1 << 3,   /* not a scheduling point (async mode, finally) */
  EV_RAISED = 1 << 4,   /* the operation raised an error in the thread */
  EV_FINALLY = 1 << 5,  /* performed by a finally() callback */
  EV_BROKE = 1 << 6,    /* this operation broke a barrier */
  EV_NOWAIT = 1 << 7,   /* a non-blocking attempt (acquire(false), get_nowait) */
  EV_FIFO = 1 << 8,     /* a put or get on a FIFO queue (see dpor.c); a put's
                           aux is the queue's maxsize (0: unbounded) */
  EV_TAKE = 1 << 9,     /* an update that takes one of a count's units (a free
                           acquire, a task_done): see sync/count.h */
  EV_TAKEW = 1 << 10,   /* a take of a count's units that writes it (count.h) */
  EV_GIVE = 1 << 11,    /* gives a count's units back (a release, a put) */
  EV_WAKES = 1 << 12,   /* a take that woke waiters (the last task_done) */
  EV_RERAISED = 1 << 13 /* an error re-raised by racesim's own Lua (obj:with, a
                           Barrier's wait() for its action), told where it was
                           raised first */
};

/* The operation a thread will perform when it is next scheduled. */
typedef struct PendingOp {
  uint16_t op;
  uint16_t flags; /* PEND_* */
  int32_t obj;
  int64_t a, b;    /* operation arguments (count, blocking, ...) */
  double deadline; /* virtual time of the timeout; INFINITY when none */
  double jitter;   /* sleep(t, jitter): it may end up to this much earlier or
                      later than 'deadline', in any order with the waits it
                      overlaps (step.c) */
  int32_t line;
  int32_t site;    /* call path (run->sites), or -1; set with 'line' */
} PendingOp;

enum {
  PEND_NOWAIT = 1 << 0,   /* a non-blocking attempt: always enabled */
  PEND_SELF_TIMED = 1 << 1, /* ready() decides even after the deadline */
  /* threads mode, a timeout Python's clock cannot hold (lapi_overflow): the
     operation is tried without waiting (with PEND_NOWAIT) and raises
     OverflowError where it would have waited */
  PEND_OVERFLOW = 1 << 2,
  PEND_OVERFLOW_TS = 1 << 3 /* ... beyond _PyTime_t, not just TIMEOUT_MAX */
};

/*
** Does the operation give way to the other threads: a yield, a sleep, or a
** wait with a timeout (what a spin-wait loop does between its polls)?
*/
static inline int pend_gives_way(const PendingOp *p) {
  return p->op == OP_YIELD || p->deadline < INFINITY;
}

enum {
  TS_UNUSED = 0,
  TS_READY,   /* has a pending operation (enabled or blocked) */
  TS_RUNNING, /* being resumed right now */
  TS_DONE,    /* its function returned */
  TS_KILLED   /* abandoned (limit exceeded, run aborted) */
};

typedef struct SimThread {
  int32_t id;
  uint32_t name; /* offset in run->text: as shown (run_short_name) */
  uint32_t full_name; /* ... as given, for its .name */
  int32_t parent;
  uint8_t state;
  uint8_t daemon;
  uint8_t woken;      /* pending operation was signalled (notify, set, ...) */
  uint8_t failed;     /* an error escaped it */
  uint8_t waited;     /* its pending operation was blocked at some step */
  PendingOp pend;
  uint64_t ticket;    /* arrival order of the pending wait (FIFO in async) */
  uint64_t rseq;      /* async, order fifo: its place in the ready queue (0: not in it) */
  int32_t wake_ev;    /* event that signalled the pending operation, or -1 */
  int32_t last_ev;    /* its latest event, or -1 */
  int32_t obj;        /* the thread's own object (joined, ended) */
  uint64_t key;       /* identity stable across interleavings (see run.c) */
  uint32_t nspawned;  /* threads it has spawned */
  uint32_t nmade;     /* objects it has created */
  /* where the error escaping it was raised (scenario.c's message handler) */
  int32_t err_line, err_site;
  uint8_t err_reraised; /* ... and re-raised by a helper that marked it (EV_RERAISED) */
  const void *marked; /* an error caught by obj:with at its raise (to re-raise) */
  int32_t mark_line, mark_site;
  struct lua_State *co;
} SimThread;

/* Per-object bookkeeping; 'st' is the primitive's own state (see sync/). */
typedef struct SimObject {
  const struct ObjClass *cls;
  int32_t id;
  uint32_t name;   /* offset in run->text: as shown (run_short_name) */
  uint32_t full_name; /* ... as given, for its .name */
  int32_t line;    /* creation line */
  int32_t creator; /* thread id */
  int32_t link;    /* a related object (a Condition's lock), or -1 */
  int32_t last_ev; /* latest event on it, or -1 */
  uint8_t atomic;  /* a location declared atomic: never a data race */
  uint64_t key;    /* identity stable across interleavings (see run.c) */
  /* The primitive's own state, laid out by its file in sync/ (the build
     uses -fno-strict-aliasing so that each can view it as its struct). */
  _Alignas(8) unsigned char st[64];
} SimObject;

#define OBJ_STATE(type, o) ((type *)(void *)(o)->st)
/* A primitive declares the type of its state, which must fit in SimObject.st. */
#define OBJ_STATE_TYPE(type)                                                   \
  _Static_assert(sizeof(type) <= sizeof(((SimObject *)0)->st),                 \
                 #type " must fit in SimObject.st")

enum {
  FIND_LOST_UPDATE,
  FIND_DATA_RACE,
  FIND_DEADLOCK,
  FIND_POTENTIAL_DEADLOCK,
  FIND_STUCK,
  FIND_BARRIER_BROKEN,
  FIND_ASSERTION,
  FIND_ERROR,
  FIND_STEP_LIMIT,
  FIND__COUNT
};

extern const char *const finding_kind_names[FIND__COUNT];

/* A finding made in this run. */
#define FINDING_EVS 8
#define FINDING_CAUSES 4
struct RunFinding;
struct SimRun;
/* How a finding is told, from the run and the finding alone (its events). */
typedef void (*RunTell)(const struct SimRun *r, const struct RunFinding *f, StrBuf *out);

typedef struct RunFinding {
  uint8_t kind;
  int32_t ev;       /* the event at which it was detected, or -1 */
  int32_t tid, obj; /* main thread and object involved, or -1 */
  uint64_t sig;     /* signature: equal findings across runs share it */
  uint32_t msg;     /* offset in run->text of the explanation; UINT32_MAX: not told
                       yet (run_finding_msg tells it) */
  RunTell tell;     /* ... how, for a finding made by run_finding_told */
  uint32_t details; /* offset in run->text of a JSON object, or UINT32_MAX */
  int32_t evs[FINDING_EVS]; /* events involved (highlighted in reports), -1 unused */
  /* the events of this run's other findings that brought this one about
     (the error that ended a thread a stuck wait needed, the break that
     raised a BrokenBarrierError), -1 unused: one bug (bug.h) */
  int32_t because[FINDING_CAUSES];
} RunFinding;

/*
** A lock-order edge seen in this run: thread 'tid' took 'to' (a blocking
** acquire without timeout) while it held 'from' and the locks in 'held'
** (stable keys).  Filled by the lock-order detector; the exploration keeps
** the graph across runs (lockgraph.c).
*/
#define LOCKEDGE_MAX_HELD 16
typedef struct LockEdge {
  int32_t from, to, tid;     /* objects and thread of this run */
  int32_t from_line, to_line;
  uint64_t held[LOCKEDGE_MAX_HELD];
  int nheld;
} LockEdge;

/*
** State the threads of this run share that racesim cannot see: a plain Lua
** local captured by several threads, or a global, written while another
** thread lived (the sandbox finds it; see sim/engine/hidden.c).  Its reads
** and writes are no operations, so no interleaving of them was explored.
** Or numbers drawn from math.random, a data choice that an exhaustive
** search does not enumerate (unlike choose).
*/
enum { WARN_LOCAL = 0, WARN_GLOBAL = 1, WARN_RANDOM = 2 };
typedef struct RunWarning {
  uint64_t sig;  /* equal warnings across runs share it */
  uint8_t kind;  /* WARN_* */
  uint32_t name; /* offset in run->text: the variable */
  uint32_t msg;  /* offset in run->text: what the user is told */
  uint32_t writers; /* how many threads wrote it */
} RunWarning;

enum { DEC_THREAD = 0, DEC_DATA = 1 };

/* One decision of the schedule: which thread ran, or which value chose. */
typedef struct Decision {
  uint32_t value;
  uint32_t n; /* number of options (>= 2; single-option points are not kept) */
  uint8_t kind;
  uint32_t step;
} Decision;

/*
** What one scheduling step was: the thread that ran and the operation it was
** about to perform (its pending operation when it was picked), and, for a
** preemption (the thread of the previous step could have gone on and another
** was picked), that thread and the threads that could run there.  Step k of a
** run is run->trail[k - 1]; its events are those with SimEvent.step == k.
*/
typedef struct StepRec {
  int32_t tid;
  uint16_t op;       /* OpCode */
  uint16_t nrunnable; /* preemption: how many threads could run, else 0 */
  int32_t obj;       /* its object, or -1 */
  int32_t line;
  int32_t preempted; /* preemption: the thread switched away from, else -1 */
  uint32_t runnable; /* preemption: index in run->runnable of their ids */
} StepRec;

enum {
  END_NONE = 0,
  END_OK,         /* every thread finished */
  END_STALL,      /* nothing can proceed: deadlock or stuck */
  END_STEP_LIMIT, /* too many steps */
  END_ABORT,      /* a limit or a scenario error stopped the run */
  END_PRUNED,     /* the strategy abandoned it (redundant interleaving) */
  END_DIVERGED,   /* a replayed schedule did not fit the run */
  END_SETUP,      /* the scenario failed before any concurrency */
  END_CUT         /* cut short by a signal or a deadline (sched_set_cut) */
};

typedef struct SimRun {
  /* identity */
  uint64_t index;     /* run index within the exploration */
  uint64_t seed;      /* run seed (data and math.random streams) */
  uint8_t mode;       /* MODE_* */
  uint8_t order;      /* ORDER_* (async mode) */
  uint8_t end;        /* END_* */
  uint8_t in_finally; /* running finally() callbacks */
  uint8_t op_sites;   /* its operations' call paths were taken (engine_set_op_sites) */
  uint32_t max_steps;

  /* time and steps */
  double vtime;
  uint32_t steps; /* scheduling steps taken */
  uint32_t preemptions; /* switches away from a thread that could go on */
  uint32_t gave_way;    /* steps that gave way: yield, sleep, a wait with a timeout */
  int32_t cur;    /* thread being resumed, or -1 */
  int32_t ndaemons; /* daemon threads spawned */
  uint64_t next_ticket;
  uint64_t next_rseq; /* the ready queue's last place handed out */

  SimThread *threads;
  int32_t nthreads;
  size_t cap_threads;
  SimObject *objs;
  int32_t nobjs;
  size_t cap_objs;
  SimEvent *events;
  uint32_t nevents;
  size_t cap_events;
  Decision *decisions;
  uint32_t ndecisions;
  size_t cap_decisions;
  StepRec *trail; /* one per step */
  uint32_t ntrail;
  size_t cap_trail;
  int32_t *runnable; /* the threads that could run at each preemption */
  uint32_t nrunnable;
  size_t cap_runnable;
  RunFinding *findings;
  uint32_t nfindings;
  size_t cap_findings;

  LockEdge *ledges;
  uint32_t nledges;
  size_t cap_ledges;
  RunWarning *warnings;
  uint32_t nwarnings;
  size_t cap_warnings;

  StrBuf text; /* names, string values and messages; referred to by offset */

  /* call paths (site.h), each kept once; events refer to them by index */
  Site *sites;
  uint32_t nsites;
  size_t cap_sites;
  uint32_t *site_slots; /* open addressing: site index + 1, 0 empty */
  size_t nslots;
  const FuncNames *fnames; /* the scenario's function names (the engine's) */
  /* how many objects each thread made of each name, and of each name with
     a "#..." after it (run_name_uses: counted from its first call on) */
  U64Map names;
  int names_on;

  /* scenario declarations made during the run */
  uint32_t scenario_name; /* offset, or UINT32_MAX */
  uint32_t expect;        /* offset of the expect list "a,b", or UINT32_MAX */
  const char *script;     /* display path of the script (for messages) */
} SimRun;

/* --- the run's text arena -------------------------------------------- */

/* Append a NUL-terminated copy of s[0..n) and return its offset. */
uint32_t run_text(SimRun *r, const char *s, size_t n);
uint32_t run_textf(SimRun *r, const char *fmt, ...) UTIL_PRINTF(2, 3);
static inline const char *run_str(const SimRun *r, uint32_t off) {
  return r->text.s + off;
}
static inline const char *thread_name(const SimRun *r, int32_t tid) {
  return tid >= 0 && tid < r->nthreads ? r->text.s + r->threads[tid].name : "?";
}
static inline const char *obj_name(const SimRun *r, int32_t oid) {
  return oid >= 0 && oid < r->nobjs ? r->text.s + r->objs[oid].name : "-";
}
/* The name as the scenario gave it, however long (what .name reads). */
static inline const char *thread_full_name(const SimRun *r, int32_t tid) {
  return tid >= 0 && tid < r->nthreads ? r->text.s + r->threads[tid].full_name : "?";
}
static inline const char *obj_full_name(const SimRun *r, int32_t oid) {
  return oid >= 0 && oid < r->nobjs ? r->text.s + r->objs[oid].full_name : "-";
}

/*
** Names longer than RUN_NAME_SHOWN bytes are shown (in messages, replays,
** the database) by their first bytes, "…" and their length: a name of a
** megabyte would otherwise be in every message and row that names it.
*/
#define RUN_NAME_SHOWN 200

/* --- lifecycle ---------------------------------------------------------- */

void run_init(SimRun *r);
void run_free(SimRun *r);
/* Empty every array (capacity kept) before a new run. */
void run_reset(SimRun *r);

/* Make 'dst' a copy of 'src' (no Lua state: thread coroutines are not
   copied); dst's arrays keep their capacity. */
void run_copy(SimRun *dst, const SimRun *src);
/* Move the run in 'src' into 'dst', and dst's memory into 'src' to reuse (a
   run handed from a worker's engine to the writer, uncopied); src keeps
   what its engine set once (script, function names). */
void run_take(SimRun *dst, SimRun *src);

SimThread *run_new_thread(SimRun *r, const char *name, int32_t parent);
/* The bytes the run's record holds (events, steps, decisions, names and
   values, threads and objects): what --max-memory counts besides Lua's. */
size_t run_bytes(const SimRun *r);
/* How many objects thread 'creator' has made named 'base' or "base#...". */
uint32_t run_name_uses(SimRun *r, int32_t creator, const char *base, size_t len);
SimObject *run_new_object(SimRun *r, const struct ObjClass *cls,
                          const char *name, int32_t line, int32_t link);

/* Append an event for thread 'tid' (fills step, vtime, prev_obj). */
SimEvent *run_event(SimRun *r, int32_t tid, int op, int32_t obj);

/* Record a finding; the message is formatted into the run's text. */
RunFinding *run_finding(SimRun *r, int kind, int32_t ev, int32_t tid,
                        int32_t obj, uint64_t sig, const char *fmt, ...)
    UTIL_PRINTF(7, 8);
/*
** Record a finding told only when its message is asked for: most runs of a
** racy program repeat findings already known, whose messages nobody reads.
** 'tell' may use the run and the finding's fields (evs, obj, ...) only.
*/
RunFinding *run_finding_told(SimRun *r, int kind, int32_t ev, int32_t tid, int32_t obj,
                             uint64_t sig, RunTell tell);
/* The message of finding 'f' of 'r': in the run's text, or told now into
   'scratch' (reset first). */
const char *run_finding_msg(const SimRun *r, const RunFinding *f, StrBuf *scratch);

/* Add event 'ev' (another finding's: an error, a barrier break) to a
   finding's causes because[0..FINDING_CAUSES), once; ev < 0 adds nothing. */
void run_because(int32_t *because, int32_t ev);
/* The error event that ended thread 'tid' (an error escaped it), or -1. */
int32_t run_error_of(const SimRun *r, int32_t tid);
/* "ValueError at f.lua:4" ("an error at ..." for a plain Lua error; "...
   in parse at f.lua:4 <- f.lua:9" in a named function), of the error event
   'e'; run_format_raised: "w1 raised ValueError at ...". */
void run_format_error(const SimRun *r, const SimEvent *e, StrBuf *out);
void run_format_raised(const SimRun *r, const SimEvent *e, StrBuf *out);
/*
** The threads that did one of the operations 'ops' (a bit per OpCode) on
** object 'o' and then ended by an error, which a wait on 'o' needed (the
** producer of a Queue, the notifier of a Condition): each told ("; producer,
** which called put() on it at q.lua:5, ended by an error at q.lua:7") and
** added to 'because'; how many (at most 4 are told).
*/
int run_raised_after(const SimRun *r, const struct SimObject *o, uint64_t ops, StrBuf *out,
                     int32_t *because);

/* Record a warning (one per signature in a run). */
void run_warning(SimRun *r, int kind, uint64_t sig, const char *name, const char *msg,
                 uint32_t writers);

/* Append the display form of a value ("nil", "3", "'abc'", ...). */
void run_format_value(const SimRun *r, const SimValue *v, StrBuf *out);

/* Source position "script:LINE" of a line (script basename). */
void run_format_site(const SimRun *r, int32_t line, StrBuf *out);

/* Thread names as a list: "a", "a and b", "a, b and c". */
void run_format_threads(const SimRun *r, const int32_t *tids, int n, StrBuf *out);

/* The index of call path 's' in the run's table (added if new). */
int32_t run_site(SimRun *r, const Site *s);
/*
** Where something happened: the call path 'site' when it has more than the
** line to say ("bump at x.lua:3 <- worker at x.lua:8"), else "x.lua:LINE".
*/
void run_format_at(const SimRun *r, int32_t site, int32_t line, StrBuf *out);
/* ... for an event. */
static inline void run_format_event_at(const SimRun *r, const SimEvent *e, StrBuf *out) {
  run_format_at(r, e->site, e->line, out);
}
/* Does call path 'site' say more than its line (a caller, a helper)? */
int run_site_is_path(const SimRun *r, int32_t site);
/* " at x.lua:5", or " in bump at x.lua:3 <- worker at x.lua:8" where the
   innermost function has a name: the place after a verb ("read 0"). */
void run_puts_where(const SimRun *r, int32_t site, int32_t line, StrBuf *out);
static inline void run_puts_event_where(const SimRun *r, const SimEvent *e, StrBuf *out) {
  run_puts_where(r, e->site, e->line, out);
}

/* The preemption that event 'ev' opens (the first event of a step that
   switched away from a thread that could go on), or NULL. */
const StepRec *run_preemption_at(const SimRun *r, uint32_t ev);
/* The threads that could run at preemption 'k': "worker1, worker2". */
void run_format_runnable(const SimRun *r, const StepRec *k, StrBuf *out);

/* Is the thread alive (not finished or killed)? */
static inline int thread_alive(const SimThread *t) {
  return t->state == TS_READY || t->state == TS_RUNNING;
}

#endif
