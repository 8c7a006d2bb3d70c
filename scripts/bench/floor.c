/*
** floor.c - racesim_floor: what the benchmarks measure racesim against, in
** the same process run as they measure racesim (scripts/bench/run.py
** prints each figure as a ratio to one of these).  Links Lua 5.4 and no
** racesim code.
**
** (a) resume+yield: one lua_resume of a coroutine whose Lua code calls a C
**     function that yields straight back (lua_yield), as every visible
**     operation of a racesim thread does.  Nanoseconds per pair.
** (b) a bare run of the 2-thread locked counter: what a minimal scheduler
**     would do per run.  A fresh set of 2 coroutines each run, each running
**
**         acquire(); local v = get(); set(v + 1); release()
**
**     where every one of the four calls yields to C with its operation; the
**     scheduler picks one enabled thread (a blocked acquire is not enabled)
**     with a small PRNG, performs its operation, and resumes it with the
**     result, until both threads end.  Microseconds per run.
**
** Each figure is the CPU time of this thread (waiting for a core does not
** count), the best of several timed batches.  Output: one JSON object.
*/
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OP_ACQUIRE = 1, OP_GET, OP_SET, OP_RELEASE, OP_END };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A visible operation: hand the operation (and its argument) to the scheduler. */
static int yield_op(lua_State *L, int op) {
  int n = lua_gettop(L);
  lua_pushinteger(L, op);
  lua_insert(L, 1);
  return lua_yield(L, n + 1);
}

static int l_acquire(lua_State *L) { return yield_op(L, OP_ACQUIRE); }
static int l_get(lua_State *L) { return yield_op(L, OP_GET); }
static int l_set(lua_State *L) { return yield_op(L, OP_SET); }
static int l_release(lua_State *L) { return yield_op(L, OP_RELEASE); }
static int l_pass(lua_State *L) { return lua_yield(L, 0); }

/* ---- (a) resume+yield --------------------------------------------------- */

static double resume_yield_ns(lua_State *L, double seconds) {
  lua_State *co = lua_newthread(L);
  luaL_dostring(co, "return function(pass) while true do pass() end end");
  lua_pushcfunction(co, l_pass);
  int nres, st = lua_resume(co, L, 1, &nres); /* to the first yield */
  double best = 1e30;
  for (double until = now() + seconds; now() < until && st == LUA_YIELD;) {
    const int n = 200000;
    double t0 = cpu_now();
    for (int i = 0; i < n && st == LUA_YIELD; i++) st = lua_resume(co, L, 0, &nres);
    double ns = (cpu_now() - t0) * 1e9 / n;
    if (ns < best) best = ns;
  }
  lua_pop(L, 1);
  return st == LUA_YIELD ? best : -1;
}

/* ---- (b) a bare run ---------------------------------------------------- */

typedef struct Bare {
  lua_State *L;
  int body;       /* registry ref of the thread function */
  uint64_t prng;  /* xorshift64 */
  long long counter;
  int holder;     /* the thread that holds the lock, or -1 */
} Bare;

typedef struct Thread {
  lua_State *co;
  int op, done; /* its pending operation */
  lua_Integer arg;
} Thread;

static uint64_t next_rand(Bare *b) {
  b->prng ^= b->prng << 13;
  b->prng ^= b->prng >> 7;
  b->prng ^= b->prng << 17;
  return b->prng;
}

/* Resume 't' with 'nargs' values on its stack; note its next operation. */
static int resume(Bare *b, Thread *t, int nargs) {
  int nres, st = lua_resume(t->co, b->L, nargs, &nres);
  if (st == LUA_OK) {
    t->done = 1;
    lua_settop(t->co, 0);
    return 0;
  }
  if (st != LUA_YIELD) {
    fprintf(stderr, "racesim_floor: %s\n", lua_tostring(t->co, -1));
    return -1;
  }
  t->op = (int)lua_tointeger(t->co, -nres);
  t->arg = nres > 1 ? lua_tointeger(t->co, -nres + 1) : 0;
  lua_settop(t->co, 0);
  return 0;
}

static int enabled(const Bare *b, const Thread *t) {
  return !t->done && (t->op != OP_ACQUIRE || b->holder < 0);
}

/* One run: 2 fresh coroutines, scheduled to completion. */
static int bare_run(Bare *b) {
  Thread th[2];
  b->counter = 0;
  b->holder = -1;
  for (int i = 0; i < 2; i++) {
    th[i].co = lua_newthread(b->L); /* (left on L's stack until the run ends) */
    th[i].done = 0;
    lua_rawgeti(th[i].co, LUA_REGISTRYINDEX, b->body);
    if (resume(b, &th[i], 0) != 0) return -1; /* to its first operation */
  }
  for (;;) {
    int cand[2], n = 0;
    for (int i = 0; i < 2; i++)
      if (enabled(b, &th[i])) cand[n++] = i;
    if (n == 0) break;
    int i = cand[n == 1 ? 0 : (int)(next_rand(b) % (uint64_t)n)];
    Thread *t = &th[i];
    int nargs = 0;
    switch (t->op) {
    case OP_ACQUIRE: b->holder = i; break;
    case OP_GET: lua_pushinteger(t->co, b->counter), nargs = 1; break;
    case OP_SET: b->counter = t->arg; break;
    case OP_RELEASE: b->holder = -1; break;
    default: break;
    }
    if (resume(b, t, nargs) != 0) return -1;
  }
  lua_pop(b->L, 2);
  return b->counter == 2 ? 0 : -1;
}

static double bare_run_us(lua_State *L, double seconds) {
  Bare b = {L, LUA_NOREF, 0x9e3779b97f4a7c15ULL, 0, -1};
  lua_pushcfunction(L, l_acquire);
  lua_setglobal(L, "acquire");
  lua_pushcfunction(L, l_get);
  lua_setglobal(L, "get");
  lua_pushcfunction(L, l_set);
  lua_setglobal(L, "set");
  lua_pushcfunction(L, l_release);
  lua_setglobal(L, "release");
  if (luaL_dostring(L, "return function() acquire(); local v = get(); set(v + 1); release() end")) {
    fprintf(stderr, "racesim_floor: %s\n", lua_tostring(L, -1));
    return -1;
  }
  b.body = luaL_ref(L, LUA_REGISTRYINDEX);
  double best = 1e30;
  for (double until = now() + seconds; now() < until;) {
    const int n = 20000;
    double t0 = cpu_now();
    for (int i = 0; i < n; i++)
      if (bare_run(&b) != 0) return -1;
    double us = (cpu_now() - t0) * 1e6 / n;
    if (us < best) best = us;
  }
  luaL_unref(L, LUA_REGISTRYINDEX, b.body);
  return best;
}

int main(int argc, char **argv) {
  double seconds = 0.5; /* per figure */
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
      seconds = atof(argv[++i]);
    } else {
      fprintf(stderr, "usage: racesim_floor [--seconds S]\n"
                      "prints {\"resume_yield_ns\": ..., \"bare_run_us\": ...}\n");
      return 2;
    }
  }
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  double ry = resume_yield_ns(L, seconds), run = bare_run_us(L, seconds);
  lua_close(L);
  if (ry < 0 || run < 0) return 1;
  printf("{\"resume_yield_ns\": %.1f, \"bare_run_us\": %.3f, \"lua\": \"%s\"}\n", ry, run,
         LUA_RELEASE);
  return 0;
}
