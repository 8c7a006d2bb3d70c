/*
** sync.c - registers every primitive, then the methods written in Lua
** (sync/prelude.lua, embedded at build time).
*/
#include <lauxlib.h>
#include <string.h>

#include "lapi.h"
#include "sync.h"

extern const char sync_prelude_lua[];
extern const unsigned long sync_prelude_lua_len;

static int p_err(lua_State *L) {
  sched_push_error(L, luaL_checkstring(L, 1), luaL_checkstring(L, 2));
  return 1;
}

/* The handler of obj:with's xpcall: note where the error was raised. */
static int p_mark(lua_State *L) {
  sched_mark_raise(L, 1);
  lua_settop(L, 1);
  return 1;
}

static int p_now(lua_State *L) {
  lua_pushnumber(L, sched_run_of(L)->vtime);
  return 1;
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud) {
  (void)L;
  luaL_addlstring((luaL_Buffer *)ud, p, n);
  return 0;
}

/* Install method 'name' of the prelude's result (at -1) into 'cls'. */
static void install(lua_State *L, const ObjClass *cls, const char *as,
                    const char *name) {
  sync_methods(L, cls);
  lua_getfield(L, -2, name);
  SIM_CHECK(lua_isfunction(L, -1));
  sched_name_helper(L, -1, as);
  lua_setfield(L, -2, as);
  lua_pop(L, 1);
}

void prelude_open(lua_State *L, int base) {
  (void)base;
  /* compile, then strip debug information: see prelude.lua */
  SIM_CHECK(luaL_loadbufferx(L, sync_prelude_lua, sync_prelude_lua_len,
                             "=racesim", "t") == LUA_OK);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lua_pushvalue(L, -2);
  lua_dump(L, dump_writer, &b, 1);
  lua_pop(L, 1);
  luaL_pushresult(&b);
  size_t n;
  const char *bin = lua_tolstring(L, -1, &n);
  SIM_CHECK(luaL_loadbufferx(L, bin, n, "=racesim", "b") == LUA_OK);
  lua_remove(L, -2);
  lua_remove(L, -2);

  lua_getfield(L, LUA_REGISTRYINDEX, "racesim.prelude_args");
  lua_call(L, 1, 1);
  for (int i = 0; lock_family[i]; i++) install(L, lock_family[i], "with", "with");
  install(L, &condition_class, "with", "with");
  install(L, &condition_class, "wait_for", "wait_for");
  install(L, &barrier_class, "wait", "barrier_wait");
  lua_pop(L, 1);
}

void sync_open(lua_State *L, int base) {
  base = lua_absindex(L, base);
  lua_newtable(L);
  lua_pushcfunction(L, p_err);
  lua_setfield(L, -2, "err");
  lua_pushcfunction(L, p_now);
  lua_setfield(L, -2, "now");
  lua_pushcfunction(L, p_mark);
  lua_setfield(L, -2, "mark");
  lua_setfield(L, LUA_REGISTRYINDEX, "racesim.prelude_args");
  thread_open(L, base);
  shared_open(L, base);
  lock_open(L, base);
  condition_open(L, base);
  event_open(L, base);
  barrier_open(L, base);
  queue_open(L, base);
  prelude_open(L, base);
}
