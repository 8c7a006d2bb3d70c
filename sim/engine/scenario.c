/*
** scenario.c - the sandbox and the scenario-level globals.
**
** The scenario is compiled once.  Each run gets a fresh globals table whose
** metatable points (read-only) at a shared 'base' table built here: the safe
** parts of Lua's standard library, deterministic replacements for pairs,
** next, tostring and math.random, and the racesim API.  Library tables are
** read-only proxies, so nothing a run does can leak into the next one.
** Things a scenario may not have (io, os, debug, coroutine, ...) raise an
** error that says so instead of being a plain nil.
*/
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "hidden.h"
#include "lapi.h"
#include "sandbox.h"

struct Sandbox {
  int ref_chunk;            /* the compiled scenario */
  int ref_env_meta;         /* metatable of each run's shadow globals: __index = base */
  const char *chunk_source; /* lua_Debug.source of its functions */
  Hidden *hidden;           /* state shared where racesim cannot see it */
  int ref_env, ref_env_run_meta; /* the runs' globals table (always empty) and its metatable */
  /* the metatables a run's setmetatable attached (keys of a table), and the
     metatable that guards those that have none of their own */
  int ref_metas, nmetas, ref_guard;
};

/* ---- error values ------------------------------------------------------ */

static int error_tostring(lua_State *L) {
  lua_getfield(L, 1, "type");
  lua_getfield(L, 1, "message");
  const char *m = lua_tostring(L, -1);
  if (m && *m) lua_pushfstring(L, "%s: %s", lua_tostring(L, -2), m);
  else lua_pushvalue(L, -2);
  return 1;
}

/* ---- forbidden capabilities ------------------------------------------- */

static const struct {
  const char *name, *why;
} forbidden[] = {
    {"io", "scenarios cannot reach files"},
    {"os", "scenarios cannot reach the clock, processes or the environment; "
           "use now() for virtual time"},
    {"debug", "it could break the sandbox"},
    {"package", "scenarios cannot load modules"},
    {"require", "scenarios cannot load modules"},
    {"dofile", "scenarios cannot read files"},
    {"loadfile", "scenarios cannot read files"},
    {"coroutine", "threads belong to the scheduler; use spawn()"},
    {"loadstring", "use load(text)"},
    {"setfenv", "use _ENV"},
    {"getfenv", "use _ENV"},
    {"unpack", "use table.unpack"},
    {"dump", "binary chunks are not available"},
    {NULL, NULL}};

/* __index of 'base' and of the library copies: explain what is missing. */
static int missing_index(lua_State *L) {
  const char *k = lua_tostring(L, 2);
  if (k && lua_type(L, 2) == LUA_TSTRING)
    for (int i = 0; forbidden[i].name; i++)
      if (strcmp(k, forbidden[i].name) == 0)
        return luaL_error(L, "'%s' is not available in a racesim scenario: %s",
                          k, forbidden[i].why);
  return 0;
}

static int readonly_newindex(lua_State *L) {
  return luaL_error(L, "cannot change the read-only library table '%s'",
                    lua_tostring(L, lua_upvalueindex(1)));
}

/* __pairs of a library proxy: iterate the real table (sorted). */
static int l_pairs(lua_State *L);
static int proxy_pairs(lua_State *L) {
  lua_pushcfunction(L, l_pairs);
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__index");
  lua_remove(L, -2);
  lua_call(L, 1, 3);
  return 3;
}

/*
** Replace the table on top of the stack (a copy of a library) by a read-only
** proxy of it; the copy itself answers missing names with missing_index.
*/
static void make_proxy(lua_State *L, const char *name) {
  lua_newtable(L); /* metatable of the copy */
  lua_pushcfunction(L, missing_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_newtable(L);     /* proxy */
  lua_newtable(L);     /* its metatable */
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, name);
  lua_pushcclosure(L, readonly_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, proxy_pairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_remove(L, -2); /* the copy stays reachable through the proxy only */
  /* remember it as frozen, for rawset */
  lua_getfield(L, LUA_REGISTRYINDEX, "racesim.frozen");
  lua_pushvalue(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

/* Copy the fields of the table at 'src' into a new table, minus 'skip'. */
static void copy_table(lua_State *L, int src, const char *const *skip) {
  src = lua_absindex(L, src);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, src)) {
    int drop = 0;
    if (skip && lua_type(L, -2) == LUA_TSTRING)
      for (int i = 0; skip[i]; i++)
        if (strcmp(lua_tostring(L, -2), skip[i]) == 0) drop = 1;
    if (drop) {
      lua_pop(L, 1);
      continue;
    }
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
}

/* ---- deterministic iteration ------------------------------------------ */

/* A key of a table, reduced to what ordering needs. */
typedef struct Key {
  int rank; /* 0 false, 1 true, 2 number, 3 string, 4 racesim object */
  int isint;
  lua_Integer i;
  lua_Number n;
  const char *s;
  size_t len;
  int pos; /* position in the keys table (1-based) */
} Key;

static int key_cmp(const void *pa, const void *pb) {
  const Key *a = pa, *b = pb;
  if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
  if (a->rank == 2) {
    if (a->isint && b->isint) return (a->i > b->i) - (a->i < b->i);
    lua_Number x = a->isint ? (lua_Number)a->i : a->n;
    lua_Number y = b->isint ? (lua_Number)b->i : b->n;
    return (x > y) - (x < y);
  }
  if (a->rank == 3) {
    size_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, m);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
  }
  if (a->rank == 4) return (a->i > b->i) - (a->i < b->i);
  return 0;
}

/*
** Push a table of the keys of table 't' in deterministic order (booleans,
** numbers, strings, racesim objects by id).  Lua's own order depends on the
** per-process string hash seed and on addresses, so it is never used.
*/
static int sorted_keys(lua_State *L, int t, const char *who) {
  t = lua_absindex(L, t);
  int n = 0;
  lua_newtable(L); /* keys, in Lua's order first */
  int keys = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    int tp = lua_type(L, -1);
    if (tp != LUA_TBOOLEAN && tp != LUA_TNUMBER && tp != LUA_TSTRING &&
        !(tp == LUA_TUSERDATA && lapi_to_object(L, -1)))
      return luaL_error(L,
                        "%s(): a key of type %s has no deterministic order; key "
                        "the table by strings or numbers, or keep an array",
                        who, luaL_typename(L, -1));
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, ++n);
  }
  Key *k = lua_newuserdatauv(L, sizeof(Key) * (size_t)(n ? n : 1), 0);
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, keys, i + 1);
    Key *x = &k[i];
    memset(x, 0, sizeof *x);
    x->pos = i + 1;
    switch (lua_type(L, -1)) {
    case LUA_TBOOLEAN: x->rank = lua_toboolean(L, -1); break;
    case LUA_TNUMBER:
      x->rank = 2;
      x->isint = lua_isinteger(L, -1);
      if (x->isint) x->i = lua_tointeger(L, -1);
      else x->n = lua_tonumber(L, -1);
      break;
    case LUA_TSTRING:
      x->rank = 3;
      x->s = lua_tolstring(L, -1, &x->len); /* kept alive by 'keys' */
      break;
    default:
      x->rank = 4;
      x->i = lapi_to_object(L, -1)->id;
    }
    lua_pop(L, 1);
  }
  if (n > 1) qsort(k, (size_t)n, sizeof(Key), key_cmp);
  lua_createtable(L, n, 0); /* sorted */
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, keys, k[i].pos);
    lua_rawseti(L, -2, i + 1);
  }
  lua_replace(L, keys);
  lua_pop(L, 1); /* the Key array */
  return n;
}

/* Iterator of pairs(): upvalues: sorted keys, the table, position. */
static int pairs_iter(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
  for (;;) {
    i++;
    if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL) return 0;
    lua_pushvalue(L, -1);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) break;
    lua_pop(L, 2); /* removed while iterating: skip it */
  }
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(3));
  return 2;
}

static int l_pairs(lua_State *L) {
  if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 3);
    return 3;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  if (hidden_push_shadow(L, 1)) lua_replace(L, 1); /* a run's globals */
  sorted_keys(L, 1, "pairs");
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, pairs_iter, 3);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* next(t, k) in the same deterministic order (costs a sort per call). */
static int l_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (hidden_push_shadow(L, 1)) lua_replace(L, 1);
  int n = sorted_keys(L, 1, "next");
  int at = 0;
  if (!lua_isnil(L, 2)) {
    for (int i = 1; i <= n && !at; i++) {
      lua_rawgeti(L, 3, i);
      if (lua_rawequal(L, -1, 2)) at = i;
      lua_pop(L, 1);
    }
    if (!at) return luaL_error(L, "invalid key to 'next'");
  }
  if (at >= n) {
    lua_pushnil(L);
    return 1;
  }
  lua_rawgeti(L, 3, at + 1);
  lua_pushvalue(L, -1);
  lua_rawget(L, 1);
  return 2;
}

/* tostring without addresses: "table", "function" (addresses vary by run). */
static int l_tostring(lua_State *L) {
  luaL_checkany(L, 1);
  int tp = lua_type(L, 1);
  if ((tp == LUA_TTABLE || tp == LUA_TFUNCTION || tp == LUA_TTHREAD ||
       tp == LUA_TUSERDATA || tp == LUA_TLIGHTUSERDATA) &&
      luaL_getmetafield(L, 1, "__tostring") == LUA_TNIL) {
    lua_pushstring(L, lua_typename(L, tp));
    return 1;
  }
  lua_settop(L, 1);
  luaL_tolstring(L, 1, NULL);
  return 1;
}

/*
** __gc and __mode make a run depend on when the collector runs, which the
** seed does not decide: refused.  setmetatable checks the metatable it is
** given, and a metatable in use cannot get either field later: each one the
** scenario attaches is noted for the run (sb->ref_metas) and guarded.  One
** without a metatable of its own gets the sandbox's guard (a __newindex
** that refuses the two fields, invisible to getmetatable); one whose own
** metatable has no __newindex gets the same __newindex there; rawset
** refuses them too.  What no guard sees (the scenario removed a guard it
** was given) is found by sandbox_watch: after every step and every thousand
** instructions, the run ends with an error.
*/
static const char *const gc_fields[] = {"__gc", "__mode", NULL};

static int gc_field(lua_State *L, int key) {
  if (lua_type(L, key) != LUA_TSTRING) return -1;
  const char *k = lua_tostring(L, key);
  for (int i = 0; gc_fields[i]; i++)
    if (!strcmp(k, gc_fields[i])) return i;
  return -1;
}

static int gc_refused(lua_State *L, const char *fn, const char *field, const char *how) {
  return luaL_error(L,
                    "%s%s%s is not available in a scenario (it depends on garbage-collection "
                    "timing, which is not deterministic)%s",
                    fn ? fn : "", fn ? ": " : "", field, how);
}

/* Is the table at 'idx' a metatable this run attached? */
static int in_use(Sandbox *sb, lua_State *L, int idx) {
  if (!sb->nmetas || lua_type(L, idx) != LUA_TTABLE) return 0;
  idx = lua_absindex(L, idx);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_metas);
  lua_pushvalue(L, idx);
  int yes = lua_rawget(L, -2) != LUA_TNIL;
  lua_pop(L, 2);
  return yes;
}

/* __newindex of the guards: a new field of the table, but not those two. */
static int guard_newindex(lua_State *L) {
  Sandbox *sb = lua_touserdata(L, lua_upvalueindex(1));
  int f = gc_field(L, 2);
  if (f >= 0 && in_use(sb, L, 1))
    return gc_refused(L, NULL, gc_fields[f], ": a metatable in use cannot be given it");
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 0;
}

/* Guard the metatable in use at 'idx' (see above). */
static void protect(Sandbox *sb, lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (!lua_getmetatable(L, idx)) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_guard);
    lua_setmetatable(L, idx);
    return;
  }
  /* its own metatable: the scenario's, unless protected (never racesim's) */
  lua_pushliteral(L, "__metatable");
  int theirs = lua_rawget(L, -2) == LUA_TNIL;
  lua_pop(L, 1);
  lua_pushliteral(L, "__newindex");
  if (theirs && lua_rawget(L, -2) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushliteral(L, "__newindex");
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_guard);
    lua_getfield(L, -1, "__newindex");
    lua_remove(L, -2);
    lua_rawset(L, -3);
  } else {
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* Note the metatable at 'idx' as in use this run, and guard it. */
static void guard(Sandbox *sb, lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (!sb->nmetas) {
    lua_newtable(L);
    sb->ref_metas = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_metas);
  lua_pushvalue(L, idx);
  if (lua_rawget(L, -2) != LUA_TNIL) {
    lua_pop(L, 2);
    return;
  }
  lua_pop(L, 1);
  lua_pushvalue(L, idx);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  sb->nmetas++;
  protect(sb, L, idx);
}

/* setmetatable(t, mt): upvalue 1 is the Sandbox. */
static int l_setmetatable(lua_State *L) {
  Sandbox *sb = lua_touserdata(L, lua_upvalueindex(1));
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_istable(L, 2)) {
    for (int i = 0; gc_fields[i]; i++) {
      lua_pushstring(L, gc_fields[i]);
      if (lua_rawget(L, 2) != LUA_TNIL) gc_refused(L, "setmetatable", gc_fields[i], "");
      lua_pop(L, 1);
    }
  }
  int replaced = in_use(sb, L, 1); /* a metatable in use gets another */
  if (replaced && lua_isnil(L, 2)) lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_guard);
  else lua_pushvalue(L, 2);
  lua_getglobal(L, "setmetatable"); /* the real one */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, -3);
  lua_call(L, 2, 0);
  if (replaced && !lua_isnil(L, 2)) protect(sb, L, 1); /* (its new one, if it needs it) */
  if (lua_istable(L, 2)) guard(sb, L, 2);
  lua_settop(L, 1);
  return 1;
}

/* getmetatable(v), as Lua's, but the sandbox's guard is not shown. */
static int l_getmetatable(lua_State *L) {
  Sandbox *sb = lua_touserdata(L, lua_upvalueindex(1));
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  lua_getglobal(L, "getmetatable"); /* the real one: __metatable */
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_guard);
  if (lua_rawequal(L, -1, -2)) lua_pushnil(L);
  else lua_pushvalue(L, -2);
  return 1;
}

/*
** A metatable in use with __gc or __mode, that no guard saw (the scenario
** took away a __newindex guard it was given): the message, else NULL.
*/
static const char *sandbox_watch(Sandbox *sb, lua_State *L) {
  if (!sb->nmetas) return NULL;
  const char *broken = NULL;
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_metas);
  lua_pushnil(L);
  while (!broken && lua_next(L, -2)) {
    lua_pop(L, 1);
    for (int i = 0; gc_fields[i] && !broken; i++) {
      lua_pushstring(L, gc_fields[i]);
      if (lua_rawget(L, -2) != LUA_TNIL)
        broken = i == 0 ? "a metatable in use was given __gc, which is not available in a "
                          "scenario (it depends on garbage-collection timing, which is not "
                          "deterministic)"
                        : "a metatable in use was given __mode, which is not available in a "
                          "scenario (it depends on garbage-collection timing, which is not "
                          "deterministic)";
      lua_pop(L, 1);
    }
    if (broken) lua_pop(L, 1); /* the key */
  }
  lua_pop(L, 1);
  return broken;
}

/* rawset(t, k, v): upvalue 1 is the Sandbox. */
static int l_rawset(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int f = gc_field(L, 2);
  if (f >= 0 && in_use(lua_touserdata(L, lua_upvalueindex(1)), L, 1))
    return gc_refused(L, "rawset", gc_fields[f], ": a metatable in use cannot be given it");
  lua_getfield(L, LUA_REGISTRYINDEX, "racesim.frozen");
  lua_pushvalue(L, 1);
  if (lua_rawget(L, -2) != LUA_TNIL)
    return luaL_error(L, "rawset: library tables are read-only");
  lua_settop(L, 3);
  if (hidden_push_shadow(L, 1)) { /* a run's globals: as an assignment */
    lua_pop(L, 1);
    lua_pushcfunction(L, hidden_global_newindex);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_call(L, 3, 0);
    lua_settop(L, 1);
    return 1;
  }
  lua_rawset(L, 1);
  return 1;
}

static int l_rawget(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (hidden_push_shadow(L, 1)) lua_replace(L, 1);
  lua_rawget(L, 1);
  return 1;
}

/*
** pcall and xpcall, as Lua's, but for an error while the run is being
** stopped: the instruction budget spent inside a callback that cannot yield
** (a table.sort comparator, a __tostring), a signal or --time-limit.  The
** hook raises it there, and a pcall looping in that callback would catch it
** forever; here it goes on up to where racesim ends the run.  'base' is how
** many stack slots below the call's results are not its own.
*/
static int caught_k(lua_State *L, int status, lua_KContext base) {
  (void)status;
  int first = (int)base + 1;
  if (!lua_toboolean(L, first) && sched_stopping(L)) {
    lua_pushvalue(L, first + 1);
    return lua_error(L);
  }
  return lua_gettop(L) - (int)base;
}

/* pcall(f, ...) and xpcall(f, msgh, ...): upvalue 1 is Lua's own. */
static int l_catch(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_callk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, caught_k);
  return caught_k(L, LUA_OK, 0);
}

/* load(text [, name [, mode [, env]]]): text only, the run's globals. */
/* load(text [, name [, mode [, env]]]): upvalue 1 is the Sandbox. */
static int l_load(lua_State *L) {
  const Sandbox *sb = lua_touserdata(L, lua_upvalueindex(1));
  const char *mode = luaL_optstring(L, 3, "t");
  if (strchr(mode, 'b'))
    return luaL_error(L, "load: binary chunks are not available in a scenario");
  size_t n;
  const char *text = lua_tolstring(L, 1, &n);
  if (!text)
    return luaL_error(L, "load: only a string of Lua source can be loaded here");
  const char *name = luaL_optstring(L, 2, "=(load)");
  int st = luaL_loadbufferx(L, text, n, name, "t");
  if (st != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (!lua_isnone(L, 4)) lua_pushvalue(L, 4);
  else {
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_chunk); /* the run's globals: */
    lua_getupvalue(L, -1, 1);                         /* the chunk's _ENV */
    lua_remove(L, -2);
  }
  lua_setupvalue(L, -2, 1);
  return 1;
}

static int l_collectgarbage(lua_State *L) {
  const char *opt = luaL_optstring(L, 1, "collect");
  if (strcmp(opt, "collect") && strcmp(opt, "step"))
    return luaL_error(L,
                      "collectgarbage('%s') is not available in a scenario (its "
                      "results depend on the process, not the run)",
                      opt);
  lua_pushinteger(L, 0);
  return 1;
}

/*
** string.format without addresses: %s of a table, function or thread shows
** its type (as tostring does here), and %p is refused.  Upvalue 1 is the
** real string.format.
*/
/* An integer in decimal, as string.format's %d writes it; its length. */
static size_t fmt_integer(char out[24], lua_Integer v) {
  char tmp[24];
  size_t n = 0, k = 0;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do tmp[n++] = (char)('0' + u % 10); while ((u /= 10) != 0);
  if (v < 0) out[k++] = '-';
  while (n) out[k++] = tmp[--n];
  return k;
}

/*
** string.format of the formats the tutorials write ("Worker %d done: %s"):
** only %d of an integer, %s of a string (or an integer) and %%, without
** flags, width or precision.  Pushes what string.format would and returns
** 1, or 0 (nothing pushed) for anything else, which string.format does.
*/
static int simple_format(lua_State *L, const char *f, size_t flen, int top) {
  int arg = 1;
  for (size_t i = 0; i < flen; i++) {
    if (f[i] != '%') continue;
    char c = i + 1 < flen ? f[++i] : '\0';
    if (c == '%') continue;
    if ((c != 'd' && c != 's') || ++arg > top) return 0;
    int tp = lua_type(L, arg);
    if (c == 'd' ? !lua_isinteger(L, arg)
                 : !(tp == LUA_TSTRING || (tp == LUA_TNUMBER && lua_isinteger(L, arg))))
      return 0;
    if (tp == LUA_TSTRING && luaL_getmetafield(L, arg, "__tostring") != LUA_TNIL) {
      lua_pop(L, 1);
      return 0;
    }
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  arg = 1;
  size_t from = 0;
  for (size_t i = 0; i < flen; i++) {
    if (f[i] != '%') continue;
    luaL_addlstring(&b, f + from, i - from);
    char c = f[++i];
    from = i + 1;
    if (c == '%') {
      luaL_addchar(&b, '%');
    } else if (lua_type(L, ++arg) == LUA_TSTRING) {
      size_t len;
      const char *str = lua_tolstring(L, arg, &len);
      luaL_addlstring(&b, str, len);
    } else {
      char num[24];
      luaL_addlstring(&b, num, fmt_integer(num, lua_tointeger(L, arg)));
    }
  }
  luaL_addlstring(&b, f + from, flen - from);
  luaL_pushresult(&b);
  return 1;
}

static int l_format(lua_State *L) {
  size_t flen;
  const char *f = luaL_checklstring(L, 1, &flen);
  int arg = 1, top = lua_gettop(L);
  if (simple_format(L, f, flen, top)) return 1;
  for (size_t i = 0; i < flen; i++) {
    if (f[i] != '%') continue;
    if (++i < flen && f[i] == '%') continue;
    while (i < flen && strchr("-+ #0123456789.", f[i])) i++;
    if (i >= flen) break;
    arg++;
    if (f[i] == 'p')
      return luaL_error(L, "string.format: '%%p' is not available in a scenario "
                           "(addresses differ from run to run)");
    if (f[i] == 's' && arg <= top) {
      int tp = lua_type(L, arg);
      if ((tp == LUA_TTABLE || tp == LUA_TFUNCTION || tp == LUA_TTHREAD ||
           tp == LUA_TUSERDATA || tp == LUA_TLIGHTUSERDATA) &&
          luaL_getmetafield(L, arg, "__tostring") == LUA_TNIL) {
        lua_pushstring(L, lua_typename(L, tp));
        lua_replace(L, arg);
      } else if (tp == LUA_TTABLE || tp == LUA_TUSERDATA) {
        lua_pop(L, 1); /* the __tostring pushed by luaL_getmetafield */
      }
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, top, 1);
  return 1;
}

/* ---- math.random: one deterministic stream per thread ----------------- */

static int l_random(lua_State *L) {
  Prng *p = sched_rng(L);
  hidden_drew_random(L);
  lua_Integer lo, hi;
  switch (lua_gettop(L)) {
  case 0: lua_pushnumber(L, prng_double(p)); return 1;
  case 1:
    lo = 1;
    hi = luaL_checkinteger(L, 1);
    if (hi == 0) {
      lua_pushinteger(L, (lua_Integer)prng_next(p));
      return 1;
    }
    break;
  case 2:
    lo = luaL_checkinteger(L, 1);
    hi = luaL_checkinteger(L, 2);
    break;
  default: return luaL_error(L, "wrong number of arguments");
  }
  luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
  uint64_t span = (uint64_t)hi - (uint64_t)lo;
  uint64_t v = span == UINT64_MAX ? prng_next(p) : prng_below(p, span + 1);
  lua_pushinteger(L, (lua_Integer)((uint64_t)lo + v));
  return 1;
}

static int l_randomseed(lua_State *L) {
  Prng *p = sched_rng(L);
  uint64_t seed = 0;
  if (lua_isinteger(L, 1)) seed = (uint64_t)lua_tointeger(L, 1);
  else if (!lua_isnoneornil(L, 1)) {
    lua_Number x = luaL_checknumber(L, 1);
    memcpy(&seed, &x, sizeof seed);
  } else seed = sched_run_of(L)->seed;
  prng_seed(p, prng_mix(seed));
  hidden_seeded(L, !lua_isnoneornil(L, 1));
  return 0;
}

/* ---- scenario-level API ---------------------------------------------- */

/* Is 'k' a finding kind (or, if 'clean_ok', "clean")? */
static int known_kind(const char *k, int clean_ok) {
  if (clean_ok && !strcmp(k, "clean")) return 1;
  for (int i = 0; i < FIND__COUNT; i++)
    if (!strcmp(k, finding_kind_names[i])) return 1;
  return 0;
}

/*
** scenario{ expect = ... } at the top of the stack, into r->expect as
** "kind,kind" ("clean"; a last ",others" for `others = true`: bugs of other
** kinds are allowed).  Raises for anything else, before it keeps a byte.
*/
static void expect_field(lua_State *L, SimRun *r) {
  static const char *const bad =
      "scenario{}: expect must be \"clean\", a finding kind, or a list of them "
      "(with others = true to allow bugs of other kinds)";
  char text[256];
  size_t len = 0;
  text[0] = '\0';
  if (lua_type(L, -1) == LUA_TSTRING) {
    const char *k = lua_tostring(L, -1);
    if (!known_kind(k, 1)) luaL_error(L, "scenario{}: expect: unknown kind '%s'", k);
    snprintf(text, sizeof text, "%s", k);
  } else if (lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) { /* (only the list and 'others') */
      int others = lua_type(L, -2) == LUA_TSTRING && !strcmp(lua_tostring(L, -2), "others");
      if (!others && !lua_isinteger(L, -2)) luaL_error(L, "%s", bad);
      if (others && !lua_isboolean(L, -1)) luaL_error(L, "scenario{}: expect: others must be a boolean");
      lua_pop(L, 1);
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      if (lua_rawgeti(L, -1, i) != LUA_TSTRING) luaL_error(L, "%s", bad);
      const char *k = lua_tostring(L, -1);
      if (!known_kind(k, 0)) luaL_error(L, "scenario{}: expect: unknown kind '%s'", k);
      if (len + strlen(k) + 2 < sizeof text)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", len ? "," : "", k);
      lua_pop(L, 1);
    }
    lua_getfield(L, -1, "others");
    if (lua_toboolean(L, -1)) snprintf(text + len, sizeof text - len, "%sothers", len ? "," : "");
    lua_pop(L, 1);
    if (!text[0]) luaL_error(L, "%s", bad);
  } else {
    luaL_error(L, "%s", bad);
  }
  r->expect = run_text(r, text, strlen(text));
}

static int l_scenario(lua_State *L) {
  SimRun *r = sched_run_of(L);
  if (!lua_istable(L, 1))
    return lapi_type_error(L, 1, "scenario", "a table like scenario{ name = ... }");
  if (sched_spawned(L) || r->scenario_name != UINT32_MAX || r->expect != UINT32_MAX)
    return luaL_error(L, "scenario{} must be called once, before any spawn()");
  int any = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    if (strcmp(k, "name") == 0) {
      r->scenario_name = run_text(r, luaL_checkstring(L, -1), lua_rawlen(L, -1));
    } else if (strcmp(k, "mode") == 0) {
      const char *m = luaL_checkstring(L, -1);
      if (strcmp(m, "threads") == 0) r->mode = MODE_THREADS;
      else if (strcmp(m, "async") == 0) r->mode = MODE_ASYNC;
      else return luaL_error(L, "scenario{}: mode must be \"threads\" or \"async\", not \"%s\"", m);
    } else if (strcmp(k, "order") == 0) {
      const char *m = luaL_checkstring(L, -1);
      if (strcmp(m, "fifo") == 0) r->order = ORDER_FIFO;
      else if (strcmp(m, "any") == 0) r->order = ORDER_ANY, any = 1;
      else return luaL_error(L, "scenario{}: order must be \"fifo\" or \"any\", not \"%s\"", m);
    } else if (strcmp(k, "expect") == 0) {
      expect_field(L, r);
    } else if (strcmp(k, "description") != 0) {
      return luaL_error(L, "scenario{}: unknown field '%s' (known: name, mode, order, expect, description)", k);
    }
    lua_pop(L, 1);
  }
  if (any && r->mode != MODE_ASYNC)
    return luaL_error(L, "scenario{}: order = \"any\" is for mode = \"async\" (threads mode runs any thread next anyway)");
  return 0;
}

/* check(cond, [fmt, ...]): a failed check is an 'assertion' finding. */
static int l_check(lua_State *L) {
  if (lua_gettop(L) < 1) return sched_raise(L, "TypeError", "check: missing condition");
  if (lua_toboolean(L, 1)) return 0;
  SimRun *r = sched_run_of(L);
  SimThread *t = sched_self(L);
  int32_t where;
  int32_t line = sched_where(L, &where);
  const char *msg = "check failed";
  int n = lua_gettop(L);
  if (n >= 2) {
    lua_getfield(L, LUA_REGISTRYINDEX, "racesim.format"); /* without addresses */
    for (int i = 2; i <= n; i++) lua_pushvalue(L, i);
    if (lua_pcall(L, n - 1, 1, 0) == LUA_OK && lua_isstring(L, -1)) {
      msg = lua_tostring(L, -1);
    } else if (lua_isstring(L, 2)) { /* the message as given, and why it is not formatted */
      lua_pushfstring(L, "%s [its message could not be formatted: %s]", lua_tostring(L, 2),
                      lua_isstring(L, -1) ? lua_tostring(L, -1) : "?");
      msg = lua_tostring(L, -1);
    }
  }
  SimEvent *e = run_event(r, t->id, OP_CHECK, -1);
  e->line = line;
  e->site = where;
  if (r->in_finally) e->flags |= EV_FINALLY;
  size_t mlen = strlen(msg);
  if (mlen > 200) mlen = 200;
  e->value.tag = VAL_STR;
  e->value.u.s.off = run_text(r, msg, mlen);
  e->value.u.s.len = (uint32_t)mlen;
  int32_t ev = (int32_t)r->nevents - 1;
  StrBuf site; /* " at x.lua:5", or " in verify at x.lua:2 <- x.lua:8" */
  sb_init(&site);
  run_puts_where(r, e->site, e->line, &site);
  RunFinding *f = run_finding(
      r, FIND_ASSERTION, ev, t->id, -1, detect_sig_num(UTIL_FNV_INIT, line),
      "check failed%s in %s%s: %s", site.s, thread_name(r, t->id),
      r->in_finally ? " (finally)" : "", run_str(r, e->value.u.s.off));
  f->evs[0] = ev;
  sb_free(&site);
  return 0;
}

static int l_finally(lua_State *L) {
  if (lua_type(L, 1) != LUA_TFUNCTION)
    return lapi_type_error(L, 1, "finally", "a function");
  sched_add_finally(L, 1);
  return 0;
}

static int l_choose(lua_State *L) {
  if (!lua_isinteger(L, 1) || lua_tointeger(L, 1) < 1)
    return lapi_type_error(L, 1, "choose", "an integer >= 1");
  lua_Integer n = lua_tointeger(L, 1);
  if (n > 1000000) return sched_arg_error(L, "choose: n is too large (at most 1000000)");
  uint32_t v = sched_choose(L, (uint32_t)n);
  SimRun *r = sched_run_of(L);
  SimEvent *e = run_event(r, sched_self(L)->id, OP_CHOOSE, -1);
  e->line = sched_where(L, &e->site);
  e->value.tag = VAL_INT;
  e->value.u.i = (int64_t)v + 1;
  e->aux = (int32_t)n;
  lua_pushinteger(L, (lua_Integer)v + 1);
  return 1;
}

static int l_param(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *v = sched_param(L, name);
  if (!v) {
    lua_settop(L, 2);
    return 1;
  }
  switch (lua_type(L, 2)) {
  case LUA_TNUMBER: {
    if (!lua_stringtonumber(L, v))
      return luaL_error(L, "param '%s': -D %s=%s is not a number", name, name, v);
    return 1;
  }
  case LUA_TBOOLEAN:
    if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes")) lua_pushboolean(L, 1);
    else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no")) lua_pushboolean(L, 0);
    else return luaL_error(L, "param '%s': -D %s=%s is not a boolean", name, name, v);
    return 1;
  default: lua_pushstring(L, v); return 1;
  }
}

/* print(...): upvalue 1 says whether to echo to stdout (--print). */
static int l_print(lua_State *L) {
  SimRun *r = sched_run_of(L);
  int n = lua_gettop(L);
  /* print(string.format(...)), the usual: the string as it is */
  int plain = n == 1 && lua_type(L, 1) == LUA_TSTRING;
  if (plain && luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) lua_pop(L, 1), plain = 0;
  if (!plain) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
      lua_pushcfunction(L, l_tostring);
      lua_pushvalue(L, i);
      lua_call(L, 1, 1);
      if (i > 1) luaL_addchar(&b, '\t');
      luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
  }
  size_t len;
  const char *msg = lua_tolstring(L, -1, &len);
  if (len > 200) len = 200;
  int32_t tid = r->cur >= 0 ? r->cur : 0;
  SimEvent *e = run_event(r, tid, OP_PRINT, -1);
  e->line = sched_where(L, &e->site);
  if (r->in_finally) e->flags |= EV_FINALLY;
  e->value.tag = VAL_STR;
  e->value.u.s.off = run_text(r, msg, len);
  e->value.u.s.len = (uint32_t)len;
  if (lua_toboolean(L, lua_upvalueindex(1))) {
    printf("[%s] %s\n", thread_name(r, tid), lua_tostring(L, -1));
    fflush(stdout);
  }
  return 0;
}

/* ---- thread bodies ---------------------------------------------------- */

/* Message handler: turn any error into {type, message, line, traceback}. */
static int errh(lua_State *L) {
  sched_where_raised(L, 1); /* the stack is still the raise's */
  int32_t line = sched_self(L)->err_line;
  if (lua_istable(L, 1) && lua_getfield(L, 1, "type") == LUA_TSTRING) {
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "line") == LUA_TNIL && line > 0) {
      lua_pushinteger(L, line);
      lua_setfield(L, 1, "line");
    }
    lua_settop(L, 1);
    return 1;
  }
  lua_settop(L, 1);
  lua_createtable(L, 0, 4);
  lua_pushstring(L, "error");
  lua_setfield(L, -2, "type");
  if (lua_istable(L, 1) && lua_getfield(L, 1, "message") == LUA_TSTRING) {
    lua_setfield(L, -2, "message");
  } else {
    if (lua_istable(L, 1)) lua_pop(L, 1);
    lua_pushcfunction(L, l_tostring);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_setfield(L, -2, "message");
  }
  if (line > 0) {
    lua_pushinteger(L, line);
    lua_setfield(L, -2, "line");
  }
  return 1;
}

static int thread_main_k(lua_State *L, int status, lua_KContext ctx) {
  (void)ctx;
  if (status != LUA_OK && status != LUA_YIELD) sched_thread_error(L, -1);
  return 0;
}

/* thread_main(fn, ...): the body of every simulated thread. */
static int thread_main(lua_State *L) {
  int nargs = lua_gettop(L) - 1;
  lua_pushcfunction(L, errh);
  lua_insert(L, 1);
  return thread_main_k(L, lua_pcallk(L, nargs, 0, 1, 0, thread_main_k), 0);
}

/* run_finally(list): call each finally() callback in order. */
static int run_finally(lua_State *L) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_pushcfunction(L, errh);
    lua_rawgeti(L, 1, i);
    if (lua_pcall(L, 0, 0, -2) != LUA_OK) sched_thread_error(L, -1);
    lua_settop(L, 1);
  }
  return 0;
}

/* ---- setup ------------------------------------------------------------ */

static const char *const base_names[] = {
    "assert", "error",  "ipairs", "pcall",  "rawequal",
    "rawlen", "select",       "tonumber", "type", "xpcall",
    "_VERSION", NULL};

static void add_libs(lua_State *L, int base) {
  static const char *const no_dump[] = {"dump", NULL};
  static const char *const no_rand[] = {"random", "randomseed", NULL};
  /* string: the copy also serves as the strings' metatable __index */
  lua_getglobal(L, "string");
  copy_table(L, -1, no_dump);
  lua_remove(L, -2);
  lua_getfield(L, -1, "format");
  lua_pushcclosure(L, l_format, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "racesim.format"); /* for check() */
  lua_setfield(L, -2, "format");
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  make_proxy(L, "string");
  lua_setfield(L, base, "string");

  lua_getglobal(L, "table");
  copy_table(L, -1, NULL);
  lua_remove(L, -2);
  make_proxy(L, "table");
  lua_setfield(L, base, "table");

  lua_getglobal(L, "utf8");
  copy_table(L, -1, NULL);
  lua_remove(L, -2);
  make_proxy(L, "utf8");
  lua_setfield(L, base, "utf8");

  lua_getglobal(L, "math");
  copy_table(L, -1, no_rand);
  lua_remove(L, -2);
  lua_pushcfunction(L, l_random);
  lua_setfield(L, -2, "random");
  lua_pushcfunction(L, l_randomseed);
  lua_setfield(L, -2, "randomseed");
  make_proxy(L, "math");
  lua_setfield(L, base, "math");
}

/*
** The run's globals: a table that stays empty, so that every assignment to
** a global goes through its __newindex (hidden.c notes who writes what);
** what they hold is in a shadow table behind its __index, itself backed by
** base.  Being empty, the table and its metatable serve every run; each run
** gets a fresh shadow.
*/
static void new_env(Sandbox *sb, lua_State *L) {
  lua_createtable(L, 0, 0);
  lua_createtable(L, 0, 4); /* its metatable */
  lua_pushcfunction(L, hidden_global_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pushvalue(L, -1);
  sb->ref_env_run_meta = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_setmetatable(L, -2);
  sb->ref_env = luaL_ref(L, LUA_REGISTRYINDEX);
}

static Sandbox *sandbox_open(lua_State *L, const SandboxConfig *cfg, char *err, size_t errlen) {
  Sandbox *sb = util_xcalloc(1, sizeof *sb);
  luaL_openlibs(L); /* into the real globals, which scenarios never see */
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "racesim.frozen");

  luaL_newmetatable(L, "racesim.Error");
  lua_pushcfunction(L, error_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushboolean(L, 0); /* every run's errors share it: no scenario may see or change it */
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  lua_newtable(L); /* base */
  int base = lua_gettop(L);
  for (int i = 0; base_names[i]; i++) {
    lua_getglobal(L, base_names[i]);
    if (!strcmp(base_names[i], "pcall") || !strcmp(base_names[i], "xpcall"))
      lua_pushcclosure(L, l_catch, 1); /* (Lua's, for errors the run lets be caught) */
    lua_setfield(L, base, base_names[i]);
  }
  static const luaL_Reg wrapped[] = {
      {"pairs", l_pairs},       {"next", l_next},
      {"tostring", l_tostring}, {"rawget", l_rawget},
      {"collectgarbage", l_collectgarbage},
      {"scenario", l_scenario}, {"check", l_check},
      {"finally", l_finally},   {"choose", l_choose},
      {"param", l_param},       {NULL, NULL}};
  luaL_setfuncs(L, wrapped, 0);
  static const luaL_Reg with_sandbox[] = {{"load", l_load},
                                          {"setmetatable", l_setmetatable},
                                          {"getmetatable", l_getmetatable},
                                          {"rawset", l_rawset},
                                          {NULL, NULL}};
  lua_pushlightuserdata(L, sb);
  luaL_setfuncs(L, with_sandbox, 1);
  lua_newtable(L); /* the guard of metatables in use */
  lua_pushlightuserdata(L, sb);
  lua_pushcclosure(L, guard_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  sb->ref_guard = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushboolean(L, cfg->echo_print);
  lua_pushcclosure(L, l_print, 1);
  lua_setfield(L, base, "print");
  add_libs(L, base);
  cfg->globals(L, base);

  lua_newtable(L); /* base's metatable */
  lua_pushcfunction(L, missing_index);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, base);

  lua_newtable(L); /* each run's shadow globals: __index = base */
  lua_pushvalue(L, base);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  sb->ref_env_meta = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1); /* base */

  /* the scenario, compiled once */
  StrBuf name;
  sb_init(&name);
  sb_printf(&name, "@%s", cfg->script);
  int st = luaL_loadbufferx(L, cfg->source, cfg->source_len, name.s, "t");
  sb_free(&name);
  if (st != LUA_OK) {
    const char *m = lua_tostring(L, -1);
    size_t n = strlen(cfg->script); /* a Python program given for its scenario */
    int py = n > 3 && !strcmp(cfg->script + n - 3, ".py");
    if (st == LUA_ERRSYNTAX)
      snprintf(err, errlen, "syntax error: %s%s", m ? m : "?",
               py ? " (a scenario is a Lua script: racesim runs a model of the Python "
                    "program, written with its primitives; racesim new NAME writes one to "
                    "start from)"
                  : "");
    else snprintf(err, errlen, "cannot load the script: %s", m ? m : "?");
    lua_pop(L, 1);
    free(sb);
    return NULL;
  }
  lua_Debug ar;
  lua_pushvalue(L, -1);
  lua_getinfo(L, ">S", &ar);
  sb->chunk_source = ar.source;
  sb->ref_chunk = luaL_ref(L, LUA_REGISTRYINDEX);
  sb->hidden = hidden_open(L, cfg->source, cfg->source_len);
  new_env(sb, L);
  return sb;
}

static void sandbox_close(Sandbox *sb) {
  hidden_close(sb->hidden);
  free(sb);
}

static const char *sandbox_chunk_source(const Sandbox *sb) { return sb->chunk_source; }

static void sandbox_begin_run(Sandbox *sb, lua_State *L) {
  hidden_begin_run(sb->hidden, L);
  if (sb->nmetas) { /* the last run's metatables can go */
    luaL_unref(L, LUA_REGISTRYINDEX, sb->ref_metas);
    sb->nmetas = 0;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_chunk);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_env);
  lua_pushnil(L);
  if (lua_next(L, -2)) { /* something wrote it raw: never reuse it */
    lua_pop(L, 3);
    luaL_unref(L, LUA_REGISTRYINDEX, sb->ref_env);
    luaL_unref(L, LUA_REGISTRYINDEX, sb->ref_env_run_meta);
    new_env(sb, L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_env);
  }
  lua_createtable(L, 0, 8); /* the shadow */
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "_G");
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_env_meta);
  lua_setmetatable(L, -2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_env_run_meta);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "__shadow");
  lua_pop(L, 2);
  SIM_CHECK(lua_setupvalue(L, -2, 1) != NULL); /* _ENV */
}

static void sandbox_spawned(Sandbox *sb, lua_State *L, int fn, int32_t tid) {
  hidden_spawned(sb->hidden, L, fn, tid);
}

static const char *sandbox_stepped(Sandbox *sb, lua_State *L, int32_t tid) {
  hidden_stepped(sb->hidden, L, tid);
  return sandbox_watch(sb, L);
}

static void sandbox_end_run(Sandbox *sb, lua_State *L) { hidden_end_run(sb->hidden, L); }

/* Append "prefix" + each string key of the table at 'idx', sorted. */
static void list_keys(lua_State *L, int idx, const char *prefix, StrBuf *out) {
  idx = lua_absindex(L, idx);
  int n = sorted_keys(L, idx, "api");
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    if (lua_type(L, -1) == LUA_TSTRING && lua_tostring(L, -1)[0] != '_')
      sb_printf(out, "%s%s\n", prefix, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static void sandbox_list_api(Sandbox *sb, lua_State *L, StrBuf *out) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->ref_env_meta);
  lua_getfield(L, -1, "__index"); /* base */
  list_keys(L, -1, "global ", out);
  lua_pop(L, 2);
  lua_getfield(L, LUA_REGISTRYINDEX, "racesim.classes");
  int n = sorted_keys(L, -1, "api");
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    const char *cls = lua_tostring(L, -1);
    lua_gettable(L, -3); /* the metatable */
    if (lua_getfield(L, -1, "__methods") != LUA_TTABLE) {
      lua_pop(L, 1);
      lua_getfield(L, -1, "__index");
    }
    if (lua_istable(L, -1)) {
      char prefix[96];
      snprintf(prefix, sizeof prefix, "method %s:", cls);
      list_keys(L, -1, prefix, out);
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 2);
}

const SandboxOps scenario_sandbox = {
    sandbox_open,      sandbox_close,    sandbox_begin_run, sandbox_chunk_source,
    sandbox_list_api,  thread_main,      run_finally,       sandbox_spawned,
    sandbox_stepped,   sandbox_watch,    sandbox_end_run,
};
