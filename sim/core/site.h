/*
** site.h - where an operation was made: its call path, and the names of the
** functions on it.
**
** A Site is the innermost frames of the calling thread's stack when it made
** a visible operation (at most SITE_FRAMES, innermost first), each a line
** and the line where its function is defined.  Runs keep their sites in a
** table (run.h) and events refer to them by index, so the path costs an
** integer per event; it is turned into words only for a message or a
** report: "bump at counter.lua:3 <- worker at counter.lua:8".
**
** Function names come from the scenario's text, by the line where each
** function is defined (`local function bump(`, `function acct:deposit(`,
** `worker = function(`); racesim's own helpers written in Lua (obj:with,
** cond:wait_for) are named when they are installed.  Plain C, no Lua.
*/
#ifndef RACESIM_SITE_H
#define RACESIM_SITE_H

#include <stdint.h>

#include "util.h"

#define SITE_FRAMES 4

enum {
  SITE_SCENARIO = 0, /* a function of the scenario file */
  SITE_HELPER = 1,   /* one of racesim's helpers (obj:with ...): no line */
  SITE_OTHER = 2     /* code the scenario load()ed */
};

typedef struct Site {
  int32_t line[SITE_FRAMES]; /* current line of each frame (0 for a helper) */
  int32_t fdef[SITE_FRAMES]; /* line its function is defined at (0: the chunk) */
  uint8_t chunk[SITE_FRAMES]; /* SITE_* */
  uint8_t n;                 /* frames kept */
  uint8_t more;              /* the stack goes on beyond them */
  uint8_t tail;              /* bit i: frame i was tail-called (its caller is gone) */
} Site;

typedef struct FuncNames FuncNames;

/* The names of the functions defined in the scenario text src[0..len). */
FuncNames *funcnames_new(const char *src, size_t len);
void funcnames_free(FuncNames *fn);
/* Name racesim's helper defined at 'linedefined' (in its own chunk). */
void funcnames_helper(FuncNames *fn, int32_t linedefined, const char *name);
/* The name of a frame's function, or NULL for an anonymous one. */
const char *funcnames_get(const FuncNames *fn, int chunk, int32_t linedefined);

/* The text of line 'line' of the scenario (not NUL-terminated), or NULL. */
const char *funcnames_line(const FuncNames *fn, int32_t line, size_t *len);

/*
** The name a line of source gives the object that constructor 'ctor'
** makes on it: "q" for `local q = Queue()`, "acct.lock" for `acct.lock =
** Lock()`, and for `forks[i] = Lock()` the name "forks" with the index text
** "i" in 'index' (the caller knows i's value).  -1 when the line does not
** say (no assignment, two constructors, `a, b = ...`).
*/
int source_assigned_name(const char *s, size_t len, const char *ctor, char *name, size_t cap,
                         char *index, size_t icap);
/* source_assigned_name of line 'line' of the scenario, remembered (the same
   lines make objects every run); -1 for a line it does not have.  'ctor' must
   outlive fn (a class's kind). */
int funcnames_assigned_name(const FuncNames *fn, int32_t line, const char *ctor, char *name,
                            size_t cap, char *index, size_t icap);

/*
** `local a, b = Lock(), Queue()`: the names, when a line assigns as many
** constructor calls (capitalised names) as it has names, and nothing else.
** Returns how many (at least 2), or -1.
*/
int source_assigned_list(const char *s, size_t len, char names[][80], int max);

/*
** Append the call path of 's': "bump at counter.lua:3 <- worker at
** counter.lua:8" ('file' is the script's base name); a helper is named
** with the frame that called it: "x.lua:5 <- with() in worker at x.lua:9".
*/
void site_format(const Site *s, const FuncNames *fn, const char *file, StrBuf *out);

#endif
