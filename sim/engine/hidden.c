/*
** hidden.c - state the threads share where racesim cannot see it.
**
** racesim sees what goes through its objects (shared, Lock, Queue, ...).  A
** plain Lua local captured by the functions of several threads, or a
** global, is shared as well, but reading or writing it is no operation: no
** step orders those accesses, no detector sees them, and an exhaustive
** search that told no interleavings of them apart would call itself
** complete.  This file finds such state, so that racesim can say so:
**
**   - at a spawn, the upvalues reachable from the thread's function (through
**     the functions and tables it captures) are noted as captured by the new
**     thread;
**   - after each step of a thread, each noted upvalue is compared with its
**     last value (a table by a shallow fingerprint of its contents): a change
**     while another thread lives is a write by the thread that stepped;
**   - a run's globals table stays empty (its contents live in a shadow table
**     behind __index), so every write to a global goes through __newindex,
**     which notes the writer.
**
** A local that two threads capture or write, written by one while another
** thread lived, or a global written while another thread lived, becomes a
** warning of the run.  Storing a function or a racesim object (a thread
** handle, a Lock) is not counted as a write: that is setup, not shared data
** (and what goes through an object racesim sees).
*/
#include "hidden.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prim.h"
#include "util.h"

#define WATCH_MAX 256  /* upvalues and globals noted per run */
#define WALK_DEPTH 4   /* functions and tables followed from a thread's function */
#define WALK_FIELDS 64 /* fields of a captured table looked into */
#define FP_FIELDS 256  /* a table with more fields is not fingerprinted */
#define OTHERS 63      /* threads 63 and up share one bit */

typedef struct Watched {
  const void *id; /* lua_upvalueid; NULL for a global */
  char name[48];
  int up;           /* the upvalue's index in its closure (SLOT_FN) */
  int32_t line;     /* a global: where it was first written */
  uint64_t sharers; /* threads that can reach it */
  uint64_t writers; /* threads that wrote it while another thread lived */
  uint64_t fp;      /* a table's fingerprint */
  int table;        /* its value is a table */
  int last_type;    /* its last seen value (SLOT_LAST keeps it alive), as value_key */
  uint64_t last_key;
  char init[48];    /* its value before the first write, as Lua source, or "" */
} Watched;

/* Where a local is declared, found once per function and name. */
typedef struct Decl {
  int32_t linedefined;
  char name[48];
  int32_t line;
} Decl;

struct Hidden {
  const char *source;
  size_t len;
  Decl *decls;
  size_t ndecls, cap_decls;
  int ref_slots; /* per run: the closure, last and first values of locals[i] */
  lua_State *fns; /* per run: locals[i]'s closure at stack index i + 1, to look at
                     after every step without a table lookup */
  int ref_fns;
  Watched locals[WATCH_MAX];
  int nlocals;
  Watched globals[WATCH_MAX];
  int nglobals;
  int drew;          /* math.random was called in this run ... */
  int32_t drew_line; /* ... first at this line */
  uint64_t seeded;   /* threads whose stream the program seeded (bit()) */
};

static const char hidden_key = 0; /* registry: the Hidden of this state */

#define SLOT_FN(i) (3 * (i) + 1)
#define SLOT_LAST(i) (3 * (i) + 2)
#define SLOT_INIT(i) (3 * (i) + 3)

static uint64_t bit(int32_t tid) { return UINT64_C(1) << (tid < OTHERS ? tid : OTHERS); }

static int others_alive(const SimRun *r, int32_t tid) {
  for (int32_t i = 0; i < r->nthreads; i++)
    if (i != tid && (r->threads[i].state == TS_READY || r->threads[i].state == TS_RUNNING))
      return 1;
  return 0;
}

/* The value at idx as Lua source, for the shared(...) the warning suggests. */
static void source_of(lua_State *L, int idx, char *out, size_t n) {
  out[0] = '\0';
  switch (lua_type(L, idx)) {
  case LUA_TNIL: snprintf(out, n, "nil"); break;
  case LUA_TBOOLEAN: snprintf(out, n, "%s", lua_toboolean(L, idx) ? "true" : "false"); break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) snprintf(out, n, "%lld", (long long)lua_tointeger(L, idx));
    else snprintf(out, n, "%.14g", (double)lua_tonumber(L, idx));
    break;
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    int plain = len < n - 3;
    for (size_t i = 0; plain && i < len; i++) plain = isprint((unsigned char)s[i]) && s[i] != '"' && s[i] != '\\';
    if (plain) snprintf(out, n, "\"%s\"", s);
    break;
  }
  default: break;
  }
}

/* A shallow fingerprint of the table at idx: its keys and values. */
static uint64_t fingerprint(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  uint64_t sum = 0;
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    uint64_t h = UTIL_FNV_INIT;
    int tv = lua_type(L, -1);
    if (tv == LUA_TFUNCTION || tv == LUA_TUSERDATA) { /* definitions, racesim's objects */
      lua_pop(L, 1);
      continue;
    }
    for (int k = -2; k <= -1; k++) {
      int tp = lua_type(L, k);
      h = util_fnv_u64(h, (uint64_t)tp);
      if (tp == LUA_TNUMBER) {
        lua_Number d = lua_tonumber(L, k);
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        h = util_fnv_u64(h, lua_isinteger(L, k) ? (uint64_t)lua_tointeger(L, k) : u);
      } else if (tp == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, k, &len);
        h = util_fnv(h, s, len);
      } else if (tp == LUA_TBOOLEAN) {
        h = util_fnv_u64(h, (uint64_t)lua_toboolean(L, k));
      } else {
        h = util_fnv_u64(h, (uint64_t)(uintptr_t)lua_topointer(L, k));
      }
    }
    sum += h; /* (the order of lua_next may change as the table does) */
    lua_pop(L, 1);
    if (++n > FP_FIELDS) {
      lua_pop(L, 1);
      return 1; /* too big to watch */
    }
  }
  return sum;
}

static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Does the line [p, end) declare 'name' ("local [function] ... name ...")? */
static int declares(const char *p, const char *end, const char *name) {
  size_t nl = strlen(name);
  for (const char *start = p; p + 5 <= end; p++) {
    if (strncmp(p, "local", 5) != 0 || (p > start && ident_char(p[-1])) ||
        (p + 5 < end && ident_char(p[5])))
      continue;
    const char *q = p + 5;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    if (end - q > 8 && strncmp(q, "function", 8) == 0 && (q[8] == ' ' || q[8] == '\t')) {
      q += 8;
      while (q < end && (*q == ' ' || *q == '\t')) q++;
    }
    /* a list of names, up to '=' or the end of the line */
    while (q < end && *q != '=') {
      const char *w = q;
      while (q < end && ident_char(*q)) q++;
      if ((size_t)(q - w) == nl && memcmp(w, name, nl) == 0) return 1;
      if (q == w) q++;
    }
  }
  return 0;
}

/* The line that declares local 'name', searching up from 'from'; 0 if none. */
static int32_t declared_at(const Hidden *h, const char *name, int32_t from) {
  const char *line_start[4096];
  int32_t n = 0;
  const char *p = h->source, *end = h->source + h->len;
  while (p < end && n < 4096 && n < from) {
    line_start[n++] = p;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    p = nl ? nl + 1 : end;
  }
  for (int32_t i = n - 1; i >= 0; i--) {
    const char *e = i + 1 < n ? line_start[i + 1] : p;
    if (declares(line_start[i], e, name)) return i + 1;
  }
  return 0;
}

/* declared_at, remembered (the same functions are spawned every run). */
static int32_t declaration(Hidden *h, const char *name, int32_t linedefined) {
  for (size_t i = 0; i < h->ndecls; i++)
    if (h->decls[i].linedefined == linedefined && !strcmp(h->decls[i].name, name))
      return h->decls[i].line;
  int32_t line = declared_at(h, name, linedefined > 0 ? linedefined : 1);
  if (!line) line = -linedefined; /* (negative: where its function is) */
  UTIL_GROW(h->decls, h->ndecls + 1, h->cap_decls);
  Decl *d = &h->decls[h->ndecls++];
  d->linedefined = linedefined;
  snprintf(d->name, sizeof d->name, "%s", name);
  d->line = line;
  return line;
}

/*
** Does the table at idx hold anything but functions and racesim objects?
** An empty one does: it is there to be filled (local results = {}, then
** table.insert(results, v) in the threads).
*/
static int holds_data(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  int empty = 1;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int tp = lua_type(L, -1);
    lua_pop(L, 1);
    empty = 0;
    if (tp != LUA_TFUNCTION && tp != LUA_TUSERDATA) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return empty;
}

/*
** The value at idx as a type and a key that are equal for a value that has
** not changed: a number's or a boolean's bits, an object's address (the
** value last seen is kept alive in SLOT_LAST, so its address is its own).
** An equal string made anew compares changed: it was written.
*/
static uint64_t value_key(lua_State *L, int idx, int *type) {
  int tp = lua_type(L, idx);
  *type = tp;
  if (tp == LUA_TNUMBER) {
    if (lua_isinteger(L, idx)) return (uint64_t)lua_tointeger(L, idx);
    lua_Number d = lua_tonumber(L, idx);
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    *type = -LUA_TNUMBER; /* (a float: not the integer of the same bits) */
    return u;
  }
  if (tp == LUA_TBOOLEAN) return (uint64_t)lua_toboolean(L, idx);
  return (uint64_t)(uintptr_t)lua_topointer(L, idx);
}

static Watched *find_local(Hidden *h, const void *id) {
  for (int i = 0; i < h->nlocals; i++)
    if (h->locals[i].id == id) return &h->locals[i];
  return NULL;
}

/* Note upvalue 'up' of the closure at 'fn' (its value on top), captured by 'tid'. */
static Watched *note_local(Hidden *h, lua_State *L, int fn, int up, const char *name) {
  const void *id = lua_upvalueid(L, fn, up);
  Watched *w = find_local(h, id);
  if (w || h->nlocals == WATCH_MAX) return w;
  w = &h->locals[h->nlocals];
  memset(w, 0, sizeof *w);
  w->id = id;
  size_t nl = strlen(name);
  if (nl >= sizeof w->name) nl = sizeof w->name - 1;
  memcpy(w->name, name, nl);
  w->name[nl] = '\0';
  w->up = up;
  w->table = lua_istable(L, -1);
  if (w->table) w->fp = fingerprint(L, -1);
  w->last_key = value_key(L, -1, &w->last_type);
  lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_slots);
  lua_pushvalue(L, fn);
  lua_rawseti(L, -2, SLOT_FN(h->nlocals));
  /* room for the closure, and for the value hidden_stepped looks at above them
     (the GC shrinks stacks) */
  if (!lua_checkstack(h->fns, 2)) luaL_error(L, "not enough memory");
  lua_settop(h->fns, h->nlocals); /* (at i + 1, whatever an error left) */
  lua_pushvalue(L, fn);
  lua_xmove(L, h->fns, 1);
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, SLOT_LAST(h->nlocals));
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, SLOT_INIT(h->nlocals));
  lua_pop(L, 1);
  h->nlocals++;
  return w;
}

/*
** Take locals[i]'s value (on top) as its last seen: a local with one sharer
** is not compared after the steps of that one (nobody else could see what
** it does), so a new sharer starts from what it holds now.
*/
static void refresh(Hidden *h, lua_State *L, int i) {
  Watched *w = &h->locals[i];
  lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_slots);
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, SLOT_LAST(i));
  lua_pop(L, 1);
  w->table = lua_istable(L, -1);
  if (w->table) w->fp = fingerprint(L, -1);
  w->last_key = value_key(L, -1, &w->last_type);
}

/* The functions and tables a walk has been through. */
#define SEEN_MAX 64
typedef struct Seen {
  const void *p[SEEN_MAX];
  int n;
} Seen;

static int seen_before(Seen *seen, const void *p) {
  for (int i = 0; i < seen->n; i++)
    if (seen->p[i] == p) return 1;
  if (seen->n == SEEN_MAX) return 1; /* (far enough) */
  seen->p[seen->n++] = p;
  return 0;
}

static void walk(Hidden *h, lua_State *L, int v, int32_t tid, int depth, Seen *seen);

/* The locals the Lua function at 'fn' captures, and what they lead to. */
static void walk_function(Hidden *h, lua_State *L, int fn, int32_t tid, int depth, Seen *seen) {
  const char *name;
  for (int up = 1; (name = lua_getupvalue(L, fn, up)) != NULL; up++) {
    int tp = lua_type(L, -1);
    /* functions, racesim's objects and tables of them only are not data */
    if (strcmp(name, "_ENV") != 0 && name[0] && name[0] != '(' && tp != LUA_TFUNCTION &&
        tp != LUA_TUSERDATA && (tp != LUA_TTABLE || holds_data(L, -1))) {
      Watched *w = note_local(h, L, fn, up, name);
      if (w && !(w->sharers & bit(tid))) {
        w->sharers |= bit(tid);
        refresh(h, L, (int)(w - h->locals));
      }
    }
    walk(h, L, lua_gettop(L), tid, depth + 1, seen);
    lua_pop(L, 1);
  }
}

static void walk(Hidden *h, lua_State *L, int v, int32_t tid, int depth, Seen *seen) {
  int tp = lua_type(L, v);
  if (depth > WALK_DEPTH || (tp != LUA_TTABLE && (tp != LUA_TFUNCTION || lua_iscfunction(L, v))) ||
      seen_before(seen, lua_topointer(L, v)))
    return;
  if (tp == LUA_TFUNCTION) {
    walk_function(h, L, v, tid, depth, seen);
    return;
  }
  int n = 0; /* a table: the functions it holds (an object's methods) */
  lua_pushnil(L);
  while (n++ < WALK_FIELDS && lua_next(L, v)) {
    walk(h, L, lua_gettop(L), tid, depth + 1, seen);
    lua_pop(L, 1);
  }
  if (n > WALK_FIELDS) lua_pop(L, 1); /* the key left by the last lua_next */
}

/* ---- the interface ----------------------------------------------------- */

Hidden *hidden_open(lua_State *L, const char *source, size_t len) {
  Hidden *h = util_xcalloc(1, sizeof *h);
  h->source = source;
  h->len = len;
  lua_newtable(L);
  h->ref_slots = luaL_ref(L, LUA_REGISTRYINDEX);
  h->fns = lua_newthread(L);
  h->ref_fns = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, h);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &hidden_key);
  return h;
}

void hidden_close(Hidden *h) {
  if (!h) return;
  free(h->decls);
  free(h);
}

void hidden_begin_run(Hidden *h, lua_State *L) {
  if (h->nlocals) { /* the table is kept (its size too); what it held is let go */
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_slots);
    for (int i = 1; i <= SLOT_INIT(h->nlocals - 1); i++) {
      lua_pushnil(L);
      lua_rawseti(L, -2, i);
    }
    lua_pop(L, 1);
  }
  lua_settop(h->fns, 0);
  h->nlocals = h->nglobals = 0;
  h->drew = 0;
  h->seeded = 0;
}

static Hidden *hidden_of(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &hidden_key);
  Hidden *h = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return h;
}

void hidden_drew_random(lua_State *L) {
  Hidden *h = hidden_of(L);
  int32_t tid = sched_run_of(L)->cur;
  if (!h || h->drew || (tid >= 0 && tid < OTHERS && (h->seeded & bit(tid)))) return;
  h->drew = 1;
  h->drew_line = sched_line(L);
}

void hidden_seeded(lua_State *L, int fixed) {
  Hidden *h = hidden_of(L);
  int32_t tid = sched_run_of(L)->cur;
  if (!h || tid < 0 || tid >= OTHERS) return; /* (63 and up: counted as drawing) */
  if (fixed) h->seeded |= bit(tid);
  else h->seeded &= ~bit(tid);
}

void hidden_spawned(Hidden *h, lua_State *L, int fn, int32_t tid) {
  fn = lua_absindex(L, fn);
  if (lua_type(L, fn) != LUA_TFUNCTION || lua_iscfunction(L, fn)) return;
  Seen seen;
  seen.n = 0;
  walk(h, L, fn, tid, 0, &seen);
}

void hidden_stepped(Hidden *h, lua_State *L, int32_t tid) {
  if (h->nlocals == 0) return;
  const SimRun *r = sched_run_of(L);
  int others = -1; /* (found out when something changed) */
  int slots = 0;     /* (looked up when something changed) */
  for (int i = 0; i < h->nlocals; i++) {
    Watched *w = &h->locals[i];
    /* only a sharer can change a local (and the main thread, which may have
       declared it); nobody else sees what a lone sharer does */
    if ((w->sharers & (w->sharers - 1)) == 0 || (tid != 0 && !(w->sharers & bit(tid))))
      continue;
    int tp;
    lua_getupvalue(h->fns, i + 1, w->up);
    uint64_t key = value_key(h->fns, -1, &tp);
    int changed = key != w->last_key || tp != w->last_type;
    if (!changed && !w->table) { /* (most steps: looked at where it is) */
      lua_pop(h->fns, 1);
      continue;
    }
    lua_xmove(h->fns, L, 1);
    if (changed) {
      if (!slots) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_slots);
        lua_insert(L, -2);
        slots = lua_gettop(L) - 1;
      }
      lua_pushvalue(L, -1);
      lua_rawseti(L, slots, SLOT_LAST(i));
      w->last_key = key, w->last_type = tp;
      w->table = tp == LUA_TTABLE;
      if (w->table) w->fp = fingerprint(L, -1);
    } else if (w->table) {
      uint64_t fp = fingerprint(L, -1);
      changed = fp != w->fp;
      w->fp = fp;
    }
    if (tp == -LUA_TNUMBER) tp = LUA_TNUMBER;
    if (changed && tp != LUA_TFUNCTION && tp != LUA_TUSERDATA) {
      if (others < 0) others = others_alive(r, tid);
      if (others) {
        w->writers |= bit(tid);
        w->sharers |= bit(tid);
      }
    }
    lua_pop(L, 1);
  }
  if (slots) lua_pop(L, 1);
}

int hidden_push_shadow(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
  if (lua_getfield(L, -1, "__shadow") != LUA_TTABLE) {
    lua_pop(L, 2);
    return 0;
  }
  lua_remove(L, -2);
  return 1;
}

int hidden_global_newindex(lua_State *L) {
  lua_settop(L, 3);
  if (!hidden_push_shadow(L, 1)) return luaL_error(L, "not a run's globals");
  int shadow = lua_gettop(L);
  SimRun *r = sched_run_of(L);
  int tp = lua_type(L, 3);
  if (lua_type(L, 2) == LUA_TSTRING && tp != LUA_TFUNCTION && tp != LUA_TUSERDATA && sched_spawned(L) &&
      !r->in_finally && r->cur >= 0 && others_alive(r, r->cur)) {
    Hidden *h = hidden_of(L);
    const char *name = lua_tostring(L, 2);
    Watched *w = NULL;
    for (int i = 0; i < h->nglobals && !w; i++)
      if (strcmp(h->globals[i].name, name) == 0) w = &h->globals[i];
    if (!w && h->nglobals < WATCH_MAX && strlen(name) < sizeof w->name) {
      w = &h->globals[h->nglobals++];
      memset(w, 0, sizeof *w);
      snprintf(w->name, sizeof w->name, "%s", name);
      w->line = sched_line(L);
      lua_pushvalue(L, 2);
      lua_rawget(L, shadow);
      w->table = lua_istable(L, -1) || lua_istable(L, 3);
      source_of(L, -1, w->init, sizeof w->init);
      lua_pop(L, 1);
    }
    if (w) w->writers |= bit(r->cur);
  }
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_rawset(L, shadow);
  return 0;
}

/* "worker1 and worker2" (with "other threads" for the ones past 62). */
static void thread_list(const SimRun *r, uint64_t set, StrBuf *out) {
  int32_t tids[OTHERS];
  int n = 0;
  for (int32_t t = 0; t < OTHERS && t < r->nthreads; t++)
    if (set & bit(t)) tids[n++] = t;
  run_format_threads(r, tids, n, out);
  if (set & bit(OTHERS)) sb_puts(out, n ? " and other threads" : "other threads");
}

/*
** What to use instead.  A table with a sequence in it is most likely a list
** the threads append to: a Queue is that, each put() one visible operation
** (as Python's list.append is atomic); a shared_table's fields are
** locations of their own, for records and maps.
*/
static void suggest(const Watched *w, int list, StrBuf *b) {
  if (w->table && list)
    sb_printf(b, "use a Queue for a list the threads add to (%s:put(v)), or "
                 "shared_table(\"%s\") for its fields", w->name, w->name);
  else if (w->table) sb_printf(b, "use shared_table(\"%s\")", w->name);
  else if (w->init[0] && strcmp(w->init, "nil") != 0)
    sb_printf(b, "use shared(\"%s\", %s)", w->name, w->init);
  else sb_printf(b, "use shared(\"%s\")", w->name);
}

void hidden_end_run(Hidden *h, lua_State *L) {
  if (h->nlocals == 0 && h->nglobals == 0 && !h->drew) return;
  SimRun *r = sched_run_of(L);
  const char *script = util_basename(r->script ? r->script : "?");
  StrBuf b;
  sb_init(&b);
  if (h->drew) { /* (said by an exhaustive search only: explore_merge.c) */
    sb_puts(&b, "math.random");
    if (h->drew_line > 0) sb_printf(&b, " (first at %s:%d)", script, (int)h->drew_line);
    sb_puts(&b, ": dfs tried only the numbers this seed draws, not every value; use "
                "choose(n) for a choice it should try in full");
    run_warning(r, WARN_RANDOM, util_fnv_u64(UTIL_FNV_INIT, 0x72616e646f6dULL), "math.random",
                b.s, 0);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_slots);
  int slots = lua_gettop(L);
  for (int i = 0; i < h->nlocals; i++) {
    Watched *w = &h->locals[i];
    uint64_t sharers = w->sharers | w->writers;
    if (!w->writers || (sharers & (sharers - 1)) == 0) continue; /* fewer than two */
    lua_Debug ar;
    lua_rawgeti(L, slots, SLOT_FN(i));
    lua_getinfo(L, ">S", &ar);
    w->line = declaration(h, w->name, ar.linedefined);
    lua_rawgeti(L, slots, SLOT_INIT(i));
    source_of(L, -1, w->init, sizeof w->init);
    lua_pop(L, 1);
    sb_reset(&b);
    sb_printf(&b, "%s, a %s%s at %s:%d, is %s by ", w->name, w->table ? "table in a " : "",
              w->line > 0 ? "local" : "local of the function", script,
              (int)(w->line > 0 ? w->line : -w->line), w->table ? "changed" : "written");
    thread_list(r, w->writers, &b);
    uint64_t others = sharers & ~w->writers;
    if ((w->writers & (w->writers - 1)) == 0 && others) { /* one writer: who else has it */
      sb_puts(&b, ", and ");
      thread_list(r, others, &b);
      sb_puts(&b, (others & (others - 1)) ? " share it" : " shares it");
    }
    sb_puts(&b, ": racesim cannot see these accesses; ");
    lua_rawgeti(L, slots, SLOT_LAST(i));
    int list = w->table && lua_istable(L, -1) && lua_rawlen(L, -1) > 0;
    lua_pop(L, 1);
    suggest(w, list, &b);
    uint64_t sig = util_fnv(util_fnv_u64(UTIL_FNV_INIT, (uint64_t)(w->line + 1)), w->name,
                            strlen(w->name));
    run_warning(r, WARN_LOCAL, sig, w->name, b.s, (uint32_t)__builtin_popcountll(w->writers));
  }
  lua_pop(L, 1);
  for (int i = 0; i < h->nglobals; i++) {
    const Watched *w = &h->globals[i];
    sb_reset(&b);
    sb_printf(&b, "%s, a global, is written by ", w->name);
    thread_list(r, w->writers, &b);
    if (w->line > 0) sb_printf(&b, " (first at %s:%d)", script, (int)w->line);
    sb_puts(&b, " while other threads run: racesim cannot see these accesses; ");
    suggest(w, 0, &b);
    sb_puts(&b, " in a local");
    uint64_t sig = util_fnv(util_fnv_u64(UTIL_FNV_INIT, 0x676c6f62616cULL), w->name,
                            strlen(w->name));
    run_warning(r, WARN_GLOBAL, sig, w->name, b.s, (uint32_t)__builtin_popcountll(w->writers));
  }
  sb_free(&b);
}
