/*
** shared.c - tracked shared state: shared(name, value, [opts]) variables
** and shared_table(name) tables whose fields are tracked locations.  Every
** access is a visible operation (read, write, or the atomic add and inc)
** that the lost-update and data-race detectors see.  A location's Lua value lives in
** its handle's user value.
*/
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lapi.h"
#include "prng.h"
#include "sync.h"

const ObjClass shared_class = {"Shared", NULL, NULL, NULL, NULL, 0, 1, NULL, 0};
const ObjClass shared_table_class = {"SharedTable", NULL, NULL, NULL, NULL, 0, 0, NULL, 0};

/* ---- accesses --------------------------------------------------------- */

/* ctx: stack index of the location's handle */
static int read_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  int h = (int)ctx;
  SimObject *o = lapi_to_object(L, h);
  lua_getiuservalue(L, h, 1);
  SimEvent *e = sched_event(L, OP_READ, o->id);
  lapi_value(L, -1, &e->value);
  return 1;
}

/* ctx: handle index | value index << 8 */
static int write_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status;
  int h = (int)(ctx & 0xff), v = (int)(ctx >> 8);
  SimObject *o = lapi_to_object(L, h);
  lua_pushvalue(L, v);
  lua_setiuservalue(L, h, 1);
  SimEvent *e = sched_event(L, OP_WRITE, o->id);
  lapi_value(L, v, &e->value);
  return 0;
}

/* Push the value of the variable at index 1, which 'what' needs a number
   (else it raises TypeError). */
static SimObject *push_number(lua_State *L, const char *what) {
  SimObject *o = lapi_to_object(L, 1);
  lua_getiuservalue(L, 1, 1);
  if (lua_type(L, -1) != LUA_TNUMBER)
    sched_raise(L, "TypeError", "%s: shared variable '%s' holds a %s, not a number", what,
                obj_name(sched_run_of(L), o->id), luaL_typename(L, -1));
  return o;
}

static int add_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  SimObject *o = push_number(L, "add");
  lua_pushvalue(L, 2);
  lua_arith(L, LUA_OPADD);
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, 1, 1);
  SimEvent *e = sched_event(L, OP_ADD, o->id);
  lapi_value(L, -1, &e->value);
  return 1;
}

/*
** inc: add without a result.  Two incs of integers reach the same value in
** either order, so each is a commuting update (op.h), which only reads and
** writes of the variable are ordered against.  Float additions do not
** commute exactly ((a + 0.1) + 0.2 is not (a + 0.2) + 0.1), so an inc that
** adds or meets a float writes.  Only a write changes the value's type, so
** whether an inc is an update is the same in every order of the incs
** between two writes.
*/
static int inc_k(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  SimObject *o = push_number(L, "inc");
  int exact = lua_isinteger(L, -1) && lua_isinteger(L, 2);
  lua_pushvalue(L, 2);
  lua_arith(L, LUA_OPADD);
  lua_setiuservalue(L, 1, 1);
  SimEvent *e = sched_event(L, OP_INC, o->id);
  lua_getiuservalue(L, 1, 1);
  lapi_value(L, -1, &e->value);
  if (exact) e->fwr = (uint8_t)(e->fwr & ~F_MAIN), e->fup = (uint8_t)(e->fup | F_MAIN);
  return 0;
}

static int do_read(lua_State *L, int h) {
  SimObject *o = lapi_to_object(L, h);
  PendingOp op = {.op = OP_READ, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, read_k, h);
}

static int do_write(lua_State *L, int h, int v) {
  SimObject *o = lapi_to_object(L, h);
  PendingOp op = {.op = OP_WRITE, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, write_k, h | (v << 8));
}

static int Shared_get(lua_State *L) {
  lapi_check1(L, 1, &shared_class);
  lua_settop(L, 1);
  return do_read(L, 1);
}

static int Shared_set(lua_State *L) {
  lapi_check1(L, 1, &shared_class);
  if (lua_gettop(L) < 2) return sched_raise(L, "TypeError", "set: missing value");
  lua_settop(L, 2);
  return do_write(L, 1, 2);
}

static int Shared_add(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &shared_class);
  if (lua_type(L, 2) != LUA_TNUMBER) return lapi_type_error(L, 2, "add", "a number");
  lua_settop(L, 2);
  PendingOp op = {.op = OP_ADD, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, add_k, 0);
}

static int Shared_inc(lua_State *L) {
  SimObject *o = lapi_check1(L, 1, &shared_class);
  if (lua_isnoneornil(L, 2)) {
    lua_settop(L, 1);
    lua_pushinteger(L, 1);
  } else if (lua_type(L, 2) != LUA_TNUMBER) {
    return lapi_type_error(L, 2, "inc", "a number");
  }
  lua_settop(L, 2);
  PendingOp op = {.op = OP_INC, .obj = o->id, .deadline = INFINITY};
  return sched_op(L, &op, inc_k, 0);
}

static int Shared_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  SimObject *o = lapi_check1(L, 1, &shared_class);
  const char *k = lua_tostring(L, 2);
  if (k && strcmp(k, "name") == 0) {
    lua_pushstring(L, obj_full_name(sched_run_of(L), o->id));
    return 1;
  }
  return 0;
}

/* Record the creation of location 'o' with the value at 'v'. */
static void record_new(lua_State *L, SimObject *o, int v) {
  SimEvent *e = sched_event_here(L, OP_NEW, o->id);
  lapi_value(L, v, &e->value);
}

/* shared(name, value, [opts]) */
static int l_shared(lua_State *L) {
  if (lua_type(L, 1) != LUA_TSTRING)
    return lapi_type_error(L, 1, "shared", "a name (string)");
  int atomic = 0;
  if (!lua_isnoneornil(L, 3)) {
    if (!lua_istable(L, 3)) return lapi_type_error(L, 3, "shared", "an options table");
    lua_getfield(L, 3, "atomic");
    atomic = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lua_settop(L, 2);
  SimObject *o = lapi_new_object(L, &shared_class, 1, -1);
  o->atomic = (uint8_t)atomic;
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, -2, 1);
  record_new(L, o, 2);
  return 1;
}

/* ---- shared_table ----------------------------------------------------- */

/* The location for key 'k' (index 2) of the table at 1: pushed. */
static void field_handle(lua_State *L) {
  int kt = lua_type(L, 2);
  if (kt != LUA_TSTRING && kt != LUA_TNUMBER && kt != LUA_TBOOLEAN)
    sched_raise(L, "TypeError", "shared_table keys must be strings, numbers or booleans, not %s",
               luaL_typename(L, 2));
  lua_getiuservalue(L, 1, 1); /* key -> location handle */
  lua_pushvalue(L, 2);
  if (lua_rawget(L, -2) != LUA_TNIL) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  SimRun *r = sched_run_of(L);
  SimObject *t = lapi_to_object(L, 1);
  uint64_t tkey = t->key;
  char name[160];
  const char *tn = obj_name(r, t->id);
  if (kt == LUA_TSTRING) snprintf(name, sizeof name, "%s.%s", tn, lua_tostring(L, 2));
  else if (lua_isinteger(L, 2))
    snprintf(name, sizeof name, "%s[%lld]", tn, (long long)lua_tointeger(L, 2));
  else if (kt == LUA_TNUMBER) snprintf(name, sizeof name, "%s[%.14g]", tn, lua_tonumber(L, 2));
  else snprintf(name, sizeof name, "%s[%s]", tn, lua_toboolean(L, 2) ? "true" : "false");
  lua_pushstring(L, name);
  SimObject *o = lapi_new_object(L, &shared_class, -1, -1); /* pushes handle */
  lua_remove(L, -2);
  /* the field's identity: the table's and the key's, not creation order */
  size_t n;
  const char *ks = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &n) : NULL;
  uint64_t h = ks ? util_fnv(UTIL_FNV_INIT, ks, n) : util_fnv_u64(UTIL_FNV_INIT, (uint64_t)lua_tointeger(L, 2));
  o->key = prng_mix(tkey ^ h);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4); /* map[k] = handle */
  lua_remove(L, -2);
}

static int SharedTable_index(lua_State *L) {
  lapi_check1(L, 1, &shared_table_class);
  lua_settop(L, 2);
  field_handle(L); /* index 3 */
  return do_read(L, 3);
}

static int SharedTable_newindex(lua_State *L) {
  lapi_check1(L, 1, &shared_table_class);
  lua_settop(L, 3);
  field_handle(L); /* index 4 */
  return do_write(L, 4, 3);
}

/* shared_table(name) */
static int l_shared_table(lua_State *L) {
  if (lua_type(L, 1) != LUA_TSTRING)
    return lapi_type_error(L, 1, "shared_table", "a name (string)");
  lua_settop(L, 1);
  lapi_new_object(L, &shared_table_class, 1, -1);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

void shared_open(lua_State *L, int base) {
  static const luaL_Reg methods[] = {
      {"get", Shared_get}, {"set", Shared_set}, {"add", Shared_add}, {"inc", Shared_inc},
      {NULL, NULL}};
  lapi_class(L, &shared_class, methods, Shared_index);
  lapi_class(L, &shared_table_class, NULL, NULL);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &shared_table_class);
  lua_pushcfunction(L, SharedTable_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, SharedTable_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pop(L, 1);
  lua_pushcfunction(L, l_shared);
  lua_setfield(L, base, "shared");
  lua_pushcfunction(L, l_shared_table);
  lua_setfield(L, base, "shared_table");
}
