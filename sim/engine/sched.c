/*
** sched.c - the scheduler.  One run: a fresh globals table, the scenario's
** chunk as the main thread, then a loop that picks an enabled thread and
** resumes its coroutine until the coroutine yields its next visible
** operation.  Virtual time jumps to the earliest deadline when nothing is
** enabled; when nothing is enabled and no deadline is pending the run has
** stalled (deadlock or stuck, which the detectors tell apart).
**
** Invariants: only this file resumes coroutines; r->cur names the thread
** being resumed (or -1 between steps); every thread is TS_READY with a
** pending operation, TS_RUNNING while resumed, or finished.
*/
#include "sched.h"

#include <lauxlib.h>
#include <lualib.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prim.h"
#include "sha256.h"
#include "sim_int.h"

#define HOOK_EVERY 1000 /* instructions between budget checks */

/* The engine driving L (in its extra space, copied into every coroutine). */
static Sim *sched_sim(lua_State *L) { return *(Sim **)lua_getextraspace(L); }

/* ---- memory: every Lua allocation goes through here -------------------- */

/* Small blocks from the engine's pool (pool.h), but where a sanitizer
   watches every block: it must see each one malloc'ed and freed. */
#if defined(__SANITIZE_ADDRESS__)
#define SIM_POOLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SIM_POOLED 0
#endif
#endif
#ifndef SIM_POOLED
#define SIM_POOLED 1
#endif

static void *sim_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  Sim *s = ud;
  if (!ptr) osize = 0; /* then 'osize' is a type tag */
  if (nsize == 0) {
    if (SIM_POOLED) pool_realloc(&s->pool, ptr, osize, 0);
    else free(ptr);
    s->mem_used -= osize;
    return NULL;
  }
  if (nsize > osize && s->cap_active &&
      s->mem_used + (nsize - osize) > s->cfg.max_memory) {
    s->mem_refused++; /* Lua collects garbage and retries once */
    return NULL;
  }
  void *p = SIM_POOLED ? pool_realloc(&s->pool, ptr, osize, nsize) : realloc(ptr, nsize);
  if (!p) return NULL;
  s->mem_used = s->mem_used - osize + nsize;
  if (s->mem_used > s->mem_peak) s->mem_peak = s->mem_used;
  return p;
}

static int sim_panic(lua_State *L) {
  fprintf(stderr, "racesim: internal error: unprotected Lua error: %s\n",
          lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
  abort();
}

/* Is the run to be cut short (sched_set_cut)?  Sticky for the run. */
static int must_cut(Sim *s) {
  if (!s->cut && ((s->cut_flag && *s->cut_flag) ||
                  (s->cut_deadline > 0 && util_now() > s->cut_deadline)))
    s->cut = 1;
  return s->cut;
}

/*
** Instruction budget: called every HOOK_EVERY instructions.  A thread over
** budget is stopped by yielding out of the hook (the scheduler then ends the
** run).  A hook yields by calling lua_yield and returning: the thread is
** suspended once the hook is left.  Where the thread cannot yield (inside a
** metamethod or a C function's callback), an error is raised instead, and
** raised again at every later check, until it reaches a place that can.
*/
static void count_hook(lua_State *L, lua_Debug *ar) {
  Sim *s = sched_sim(L);
  const char *why = "racesim: run cut short";
  if (s->broken_rule) {
    why = s->broken_rule;
  } else if (!must_cut(s)) {
    if ((s->ticks & 1023) == 1023 && s->tick) s->tick(s->tick_ud);
    s->broken_rule = s->sandbox_ops->watch(s->sandbox, L);
    if (s->broken_rule) {
      why = s->broken_rule;
    } else {
      if (++s->ticks <= s->max_ticks) return;
      if (!s->runaway) {
        s->runaway = 1;
        if (lua_getinfo(L, "l", ar)) s->runaway_line = ar->currentline;
      }
      why = "racesim: instruction budget exceeded";
    }
  }
  if (lua_isyieldable(L)) {
    lua_yield(L, 0);
    return;
  }
  luaL_error(L, "%s", why);
}

/* ---- engine lifecycle ------------------------------------------------- */

SimRun *sched_run_of(lua_State *L) { return &sched_sim(L)->run; }
uint32_t sched_generation(lua_State *L) { return sched_sim(L)->gen; }
int sched_spawned(lua_State *L) { return sched_sim(L)->spawned; }
int sched_stopping(lua_State *L) {
  const Sim *s = sched_sim(L);
  return s->runaway || s->cut || s->broken_rule;
}

SimThread *sched_self(lua_State *L) {
  SimRun *r = sched_run_of(L);
  SIM_CHECK(r->cur >= 0 && r->cur < r->nthreads);
  return &r->threads[r->cur];
}

Sim *sched_open(const SimConfig *cfg, const SchedParts *parts, char *err, size_t errlen) {
  Sim *s = util_xcalloc(1, sizeof *s);
  s->op_sites = 1;
  s->cfg = *cfg;
  s->sandbox_ops = parts->sandbox;
  s->thread_class = parts->thread_class;
  if (cfg->nparams > 0) { /* engines in other threads mark their own */
    s->cfg.params = util_xmalloc(sizeof(Param) * (size_t)cfg->nparams);
    memcpy(s->cfg.params, cfg->params, sizeof(Param) * (size_t)cfg->nparams);
    for (int i = 0; i < cfg->nparams; i++) s->cfg.params[i].used = 0;
  } else {
    s->cfg.params = NULL, s->cfg.nparams = 0;
  }
  if (!s->cfg.max_steps) s->cfg.max_steps = SIM_DEFAULT_MAX_STEPS;
  if (!s->cfg.max_instructions)
    s->cfg.max_instructions = SIM_DEFAULT_MAX_INSTRUCTIONS;
  if (!s->cfg.max_memory) s->cfg.max_memory = SIM_DEFAULT_MAX_MEMORY;
  s->max_ticks = s->cfg.max_instructions / HOOK_EVERY + 1;
  run_init(&s->run);
  s->run.script = cfg->script;
  step_reset(&s->step);

  struct stat st;
  if (cfg->source) { /* given as text (tests, fuzzing) */
    s->source = util_xmalloc(cfg->source_len + 1);
    memcpy(s->source, cfg->source, cfg->source_len);
    s->source[cfg->source_len] = '\0';
    s->source_len = cfg->source_len;
  } else if (stat(cfg->script, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "cannot read script '%s': it is a directory", cfg->script);
    goto fail;
  }
  if (!s->source) s->source = util_read_file(cfg->script, &s->source_len);
  if (!s->source) {
    int e = errno ? errno : ENOENT;
    char lua[4096];
    snprintf(lua, sizeof lua, "%s.lua", cfg->script); /* ("run counter" for counter.lua) */
    snprintf(err, errlen, "cannot read script '%s': %s%s%s%s", cfg->script, strerror(e),
             e == ENOENT && access(lua, R_OK) == 0 ? " (did you mean '" : "",
             e == ENOENT && access(lua, R_OK) == 0 ? lua : "",
             e == ENOENT && access(lua, R_OK) == 0 ? "'?)" : "");
    goto fail;
  }
  sha256_hex(s->source, s->source_len, s->sha);
  s->fnames = funcnames_new(s->source, s->source_len);
  s->run.fnames = s->fnames;

  s->L = lua_newstate(sim_alloc, s);
  if (!s->L) {
    snprintf(err, errlen, "cannot create a Lua state");
    goto fail;
  }
  *(Sim **)lua_getextraspace(s->L) = s; /* copied into every coroutine */
  lua_atpanic(s->L, sim_panic);
  lua_gc(s->L, LUA_GCGEN, 0, 0);
  SandboxConfig sc = {cfg->script, s->source, s->source_len, cfg->echo_print, parts->globals};
  s->sandbox = s->sandbox_ops->open(s->L, &sc, err, errlen);
  if (!s->sandbox) goto fail;
  s->chunk_source = s->sandbox_ops->chunk_source(s->sandbox);
  for (int i = 1; i <= RT_SIZE; i++) {
    lua_newtable(s->L);
    s->ref_rt[i] = luaL_ref(s->L, LUA_REGISTRYINDEX);
  }
  lua_newtable(s->L);
  s->ref_pool = luaL_ref(s->L, LUA_REGISTRYINDEX);
  lua_sethook(s->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return s;
fail:
  sched_close(s);
  return NULL;
}

void sched_close(Sim *s) {
  if (!s) return;
  if (s->sandbox) s->sandbox_ops->close(s->sandbox);
  if (s->L) lua_close(s->L);
  pool_free_all(&s->pool); /* (after Lua has given every block back) */
  run_free(&s->run);
  step_free(&s->step);
  free(s->rng);
  free(s->rng_ready);
  free(s->source);
  funcnames_free(s->fnames);
  free(s->cfg.params);
  free(s);
}

void sched_set_cut(Sim *s, const atomic_int *flag, double deadline) {
  s->cut_flag = flag;
  s->cut_deadline = deadline;
}

void sched_set_tick(Sim *s, void (*fn)(void *ud), void *ud) {
  s->tick = fn;
  s->tick_ud = ud;
}

void sched_set_op_sites(Sim *s, int on) { s->op_sites = on != 0; }

const char *sched_unused_param(const Sim *s, int i) {
  if (i < 0 || i >= s->cfg.nparams || s->cfg.params[i].used) return NULL;
  return s->cfg.params[i].name;
}

void sched_adopt_params(Sim *s, const Sim *other) {
  for (int i = 0; i < s->cfg.nparams && i < other->cfg.nparams; i++)
    s->cfg.params[i].used |= other->cfg.params[i].used;
}

SimRun *sched_result(Sim *s) { return &s->run; }
size_t sched_mem_peak(const Sim *s) { return s->mem_peak; }
const char *sched_error(const Sim *s) { return s->err; }
void sched_list_api(Sim *s, StrBuf *out) { s->sandbox_ops->list_api(s->sandbox, s->L, out); }
const char *sched_sha256(const Sim *s) { return s->sha; }

const char *sched_source(const Sim *s, size_t *len) {
  if (len) *len = s->source_len;
  return s->source;
}

/* ---- threads ---------------------------------------------------------- */

/* Push the run table's slot 'slot'. */
static void push_rt(lua_State *L, Sim *s, int slot) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_rt[slot]);
}

/* Empty the run table 'slot', a list of up to n, keeping its memory: a run's
   tables are as large as the last run's, and filling them allocates
   nothing. */
static void clear_rt(lua_State *L, Sim *s, int slot, lua_Integer n) {
  push_rt(L, s, slot);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  lua_pop(L, 1);
}

/*
** A coroutine for a new thread: a finished one from the pool, or a new one.
** Its hook's count starts afresh: the count is the coroutine's own, and a
** pooled one keeps what an earlier run left of it, so that a slice near its
** instruction budget would be cut or not by which runs the engine made
** before.  Within the run, where a slice's count starts follows from the
** thread's earlier slices, the same in every replay.
*/
static lua_State *new_coroutine(lua_State *L, Sim *s) {
  lua_State *co;
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_pool);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  if (n > 0) {
    lua_rawgeti(L, -1, n);
    lua_pushnil(L);
    lua_rawseti(L, -3, n);
    lua_remove(L, -2);
    co = lua_tothread(L, -1);
  } else {
    lua_pop(L, 1);
    co = lua_newthread(L);
  }
  lua_sethook(co, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return co;
}

/*
** Create a thread running the function below 'nargs' arguments on top of L's
** stack (both popped).  Returns the new thread id.
*/
int32_t sched_spawn(lua_State *L, const char *name, int nargs, int daemon) {
  Sim *s = sched_sim(L);
  SimRun *r = &s->run;
  /* its coroutine first, with room for thread_main, fn and the arguments
     (one has some 40 slots), before the run has a thread it cannot start */
  lua_State *co = new_coroutine(L, s); /* pushed on L */
  if (!lua_checkstack(co, nargs + 2)) luaL_error(L, "not enough memory");
  char buf[32];
  if (!name) {
    util_fmt_dec(buf, sizeof buf, r->mode == MODE_ASYNC ? "Task-" : "Thread-", r->nthreads);
    name = buf;
  }
  SimThread *t = run_new_thread(r, name, r->cur);
  int32_t tid = t->id;
  t->daemon = (uint8_t)daemon;
  r->ndaemons += daemon != 0;
  /* the line of the spawn: known from the spawning thread's pending op */
  const SimThread *by = r->cur >= 0 && r->cur < r->nthreads ? &r->threads[r->cur] : NULL;
  int32_t line = by && by->pend.op == OP_SPAWN && by->pend.line > 0 ? by->pend.line : sched_line(L);
  SimObject *o = run_new_object(r, s->thread_class, name, line, tid);
  o->key = prng_mix(r->threads[tid].key ^ 0x7468726561640000ULL);
  t = &r->threads[tid];
  t->obj = o->id;
  t->pend.a = nargs + 1; /* arguments of thread_main at the first resume */
  t->co = co;
  push_rt(L, s, RT_COS);
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, tid + 1); /* keep the coroutine alive for the run */
  lua_pop(L, 2);
  if (tid > 0) {
    s->spawned = 1;
    s->sandbox_ops->spawned(s->sandbox, L, -nargs - 1, tid);
  }
  lua_pushcfunction(co, s->sandbox_ops->thread_main);
  lua_xmove(L, co, nargs + 1); /* fn and its arguments */
  return tid;
}

void sched_add_finally(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  push_rt(L, sched_sim(L), RT_FINALLY);
  lua_pushvalue(L, idx);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1);
}

void sched_push_handles(lua_State *L) { push_rt(L, sched_sim(L), RT_HANDLES); }

/* ---- error values (DESIGN.md section 3) -------------------------------- */

void sched_push_error(lua_State *L, const char *type, const char *msg) {
  lua_createtable(L, 0, 3);
  lua_pushstring(L, type);
  lua_setfield(L, -2, "type");
  lua_pushstring(L, msg);
  lua_setfield(L, -2, "message");
  int32_t line = sched_line(L);
  if (line > 0) {
    lua_pushinteger(L, line);
    lua_setfield(L, -2, "line");
  }
  luaL_getmetatable(L, "racesim.Error");
  lua_setmetatable(L, -2);
}

int sched_raise(lua_State *L, const char *type, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sched_push_error(L, type, msg);
  return lua_error(L);
}

int sched_arg_error(lua_State *L, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sched_push_error(L, "ValueError", msg);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "argument");
  return lua_error(L);
}

/* ---- operations (the interface of sync/) ------------------------------ */

/*
** The line of the scenario that made the operation: the nearest frame with
** a line (the prelude is stripped, C functions have none).  lua_getstack
** walks from the top for every level, so the search stops at LINE_DEPTH:
** a chain of tail calls through obj:with() can leave hundreds of frames
** without a line, and searching them all made every step quadratic.
*/
#define LINE_DEPTH 32

int32_t sched_line(lua_State *L) {
  lua_Debug ar;
  for (int lv = 1; lv <= LINE_DEPTH && lua_getstack(L, lv, &ar); lv++) {
    lua_getinfo(L, "l", &ar);
    if (ar.currentline > 0) return ar.currentline;
  }
  return 0;
}

/*
** The length of Lua's "src:LINE: " in front of an error message (the
** chunk's name as the user gave the script), with the line; 0 if none.
*/
static size_t lua_prefix(const char *msg, int32_t *line) {
  const char *colon = strchr(msg, ':');
  if (!colon || colon == msg || memchr(msg, ' ', (size_t)(colon - msg))) return 0;
  char *end;
  long n = strtol(colon + 1, &end, 10);
  if (end == colon + 1 || end[0] != ':' || end[1] != ' ' || n <= 0) return 0;
  *line = (int32_t)n;
  return (size_t)(end + 2 - msg);
}

/*
** Was the error being handled re-raised by one of racesim's helpers (the
** innermost Lua frame is obj:with's, which has no line), rather than
** raised by the scenario's own code?
*/
static int raised_by_helper(lua_State *L) {
  lua_Debug ar;
  for (int lv = 1; lv <= LINE_DEPTH && lua_getstack(L, lv, &ar); lv++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.what[0] == 'C') continue;
    return ar.currentline <= 0 && !strcmp(ar.source, "=?");
  }
  return 0;
}

/* Is the error at idx the one obj:with marked where it was raised: the same
   value, re-raised by with itself?  (A mark left by an error that a pcall
   caught says nothing of the next one.) */
static int is_marked(lua_State *L, const SimThread *t, int idx) {
  return t->marked && t->marked == lua_topointer(L, idx) && raised_by_helper(L);
}

void sched_mark_raise(lua_State *L, int idx) {
  SimThread *t = sched_self(L);
  if (is_marked(L, t, idx)) return; /* nested with(): the innermost saw the raise */
  t->mark_line = sched_where(L, &t->mark_site);
  t->marked = lua_topointer(L, idx);
}

void sched_clear_mark(lua_State *L) {
  SimThread *t = sched_self(L);
  t->marked = NULL, t->mark_line = 0, t->mark_site = -1;
}

void sched_where_raised(lua_State *L, int idx) {
  SimThread *t = sched_self(L);
  t->err_reraised = (uint8_t)is_marked(L, t, idx);
  if (t->err_reraised) { /* re-raised by obj:with */
    t->err_line = t->mark_line, t->err_site = t->mark_site;
  } else {
    t->err_line = sched_where(L, &t->err_site);
  }
  t->marked = NULL;
}

void sched_name_helper(lua_State *L, int idx, const char *name) {
  lua_Debug ar;
  lua_pushvalue(L, idx);
  lua_getinfo(L, ">S", &ar);
  funcnames_helper(sched_sim(L)->fnames, ar.linedefined, name);
}

/*
** The call path of the operation being made (site.h): the innermost
** frames with a line, and racesim's Lua helpers between them (obj:with
** calling the function it holds a lock for); C functions are left out, and
** so are helpers below the first line (the acquire that obj:with makes is
** reported at the line that called with).  Returns the innermost line.
*/
int32_t sched_where(lua_State *L, int32_t *site) {
  Sim *s = sched_sim(L);
  Site st;
  lua_Debug ar, below;
  int32_t line = 0;
  st.n = st.more = st.tail = 0;
  int have = lua_getstack(L, 1, &ar);
  for (int lv = 1; have && lv <= LINE_DEPTH; lv++, ar = below) {
    /* the bottom frame of a coroutine is racesim's (thread_main, run_finally:
       C, no line): known by having none below, without asking what it is */
    have = lua_getstack(L, lv + 1, &below);
    if (!have) break;
    lua_getinfo(L, "Slt", &ar); /* (one call: each has a fixed cost of its own) */
    int helper = ar.currentline <= 0 && ar.what[0] == 'L' && !strcmp(ar.source, "=?");
    if (ar.currentline <= 0 && !(helper && line)) continue; /* C, or a helper at the top */
    if (st.n == SITE_FRAMES) {
      st.more = 1;
      break;
    }
    if (!line) line = ar.currentline;
    st.line[st.n] = helper ? 0 : ar.currentline;
    st.fdef[st.n] = ar.linedefined;
    if (ar.istailcall) st.tail |= (uint8_t)(1u << st.n);
    st.chunk[st.n++] = helper ? SITE_HELPER
                              : ar.source == s->chunk_source ? SITE_SCENARIO : SITE_OTHER;
  }
  while (st.n && st.chunk[st.n - 1] == SITE_HELPER) st.n--; /* (a helper is between lines) */
  *site = run_site(&s->run, &st);
  return line;
}

/*
** Where an operation is made: its call path too, unless the engine was told
** to leave those out (engine_set_op_sites), which saves about a tenth of a
** step; its line is the same either way (sched_line finds the frame
** sched_where begins with).
*/
static int32_t op_where(lua_State *L, const Sim *s, int32_t *site) {
  if (s->op_sites) return sched_where(L, site);
  *site = -1;
  return sched_line(L);
}

/* Must the calling thread yield to the scheduler for its pending op? */
static int must_suspend(const SimRun *r, const SimThread *t) {
  if (r->in_finally) return 0;
  if (r->mode == MODE_THREADS) return 1;
  int op = t->pend.op;
  if (op == OP_YIELD || op == OP_SLEEP) return 1;
  return op_table[op].blocking && !step_enabled(r, t);
}

/*
** Waiting can be state that another thread's operation depends on: an
** Event.wait, a Barrier entry or a Queue.join is ended by a set(), a trip or
** a task_done() only if it has begun.  In async mode a task suspends only
** when its operation cannot proceed, a decision that reads the object (a
** join, a thread still alive), and one that waits for a Lock, Semaphore or
** Queue takes its place in a first-come first-served line.  A 'waiting'
** event records that arrival (reading the object, or for a line writing
** it), so that the reduction orders it against what ends the wait
** (dpor.c); it belongs to the step that ends with the thread suspended.
** A Condition's wait and a Barrier's pass begin with an event of their own.
*/
static void record_arrival(lua_State *L, SimRun *r, const SimThread *t, int suspend) {
  int op = t->pend.op;
  uint8_t touch = (uint8_t)(op_table[op].rd | op_table[op].wr);
  int arrival = op_table[op].arrival, line = arrival == AR_LINE; /* (op.h) */
  if (r->in_finally || t->pend.obj < 0 || (t->pend.flags & PEND_NOWAIT) || !arrival) return;
  if (r->mode == MODE_ASYNC ? !suspend : arrival != AR_ALWAYS) return;
  SimEvent *e = sched_event(L, OP_WAITING, t->pend.obj);
  e->frd = line ? 0 : touch;
  e->fwr = line ? touch : 0;
}

int sched_op(lua_State *L, const PendingOp *op, lua_KFunction k,
             lua_KContext ctx) {
  Sim *s = sched_sim(L);
  SimRun *r = &s->run;
  SimThread *t = sched_self(L);
  t->pend = *op;
  if (!t->pend.line) t->pend.line = op_where(L, s, &t->pend.site);
  /* a new pending operation: nothing has signalled it yet */
  t->woken = 0;
  t->wake_ev = -1;
  t->waited = 0;
  t->ticket = r->next_ticket++;
  if (!r->in_finally) step_queue_ready(r); /* (what its previous operation made ready) */
  int suspend = must_suspend(r, t);
  if (suspend && step_enabled(r, t)) wait_ready(r, t->id); /* asyncio: yield() goes behind the ready */
  record_arrival(L, r, t, suspend);
  if (!suspend) {
    if (r->in_finally && !step_enabled(r, t)) {
      if (isinf(t->pend.deadline))
        return sched_raise(L, "RuntimeError",
                          "%s would wait forever: finally() runs after every "
                          "thread has finished",
                          op_name(t->pend.op));
      r->vtime = t->pend.deadline; /* time passes; the wait times out */
    }
    return k(L, LUA_OK, ctx);
  }
  if (!lua_isyieldable(L))
    return sched_raise(L, "RuntimeError",
                      "'%s' is a visible operation and cannot run inside a "
                      "callback that cannot yield (a table.sort comparator, a "
                      "string.gsub function, a __tostring metamethod)",
                      op_name(t->pend.op));
  return lua_yieldk(L, 0, ctx, k);
}

int sched_timed_out(lua_State *L) {
  SimRun *r = sched_run_of(L);
  return r->vtime >= sched_self(L)->pend.deadline;
}

SimEvent *sched_event(lua_State *L, int op, int32_t obj) {
  SimRun *r = sched_run_of(L);
  SimThread *t = sched_self(L);
  SimEvent *e = run_event(r, t->id, op, obj);
  e->line = t->pend.line;
  e->site = t->pend.site;
  e->deadline = t->pend.deadline;
  if (t->pend.flags & PEND_NOWAIT) e->flags |= EV_NOWAIT;
  if (t->waited) e->flags |= EV_BLOCKED, t->waited = 0;
  if (r->in_finally) e->flags |= EV_FINALLY;
  return e;
}

SimEvent *sched_event_here(lua_State *L, int op, int32_t obj) {
  SimRun *r = sched_run_of(L);
  int32_t tid = r->cur >= 0 ? r->cur : 0;
  SimEvent *e = run_event(r, tid, op, obj);
  e->line = op_where(L, sched_sim(L), &e->site);
  if (r->in_finally) e->flags |= EV_FINALLY;
  return e;
}

uint32_t sched_choose(lua_State *L, uint32_t n) {
  Sim *s = sched_sim(L);
  SimRun *r = &s->run;
  if (n <= 1) return 0;
  if (s->abort_end) return 0; /* the run is being abandoned */
  uint8_t end;
  int64_t v = step_choose(&s->step, r, s->strat, n, &end);
  if (v < 0) {
    s->abort_end = end;
    if (end == END_DIVERGED) snprintf(s->err, sizeof s->err, "%s", s->step.err);
    return 0;
  }
  return (uint32_t)v;
}

Prng *sched_rng(lua_State *L) {
  Sim *s = sched_sim(L);
  SimRun *r = &s->run;
  int32_t tid = r->cur < 0 ? 0 : r->cur;
  if ((size_t)tid >= s->cap_rng) {
    size_t old = s->cap_rng, cap = old;
    UTIL_GROW(s->rng, (size_t)tid + 1, cap);
    s->rng_ready = util_xrealloc(s->rng_ready, cap);
    memset(s->rng_ready + old, 0, cap - old);
    s->cap_rng = cap;
  }
  if (!s->rng_ready[tid]) {
    prng_seed(&s->rng[tid], prng_mix(r->seed ^ prng_mix((uint64_t)tid + 1)));
    s->rng_ready[tid] = 1;
  }
  return &s->rng[tid];
}


const char *sched_param(lua_State *L, const char *name) {
  Sim *s = sched_sim(L);
  for (int i = 0; i < s->cfg.nparams; i++)
    if (strcmp(s->cfg.params[i].name, name) == 0) {
      s->cfg.params[i].used = 1;
      return s->cfg.params[i].value;
    }
  return NULL;
}

/* ---- errors escaping threads ------------------------------------------ */

/*
** Called (from the prelude's thread_main, inside the thread) with the error
** that escaped the thread's function.  Records an 'error' finding; memory
** exhaustion ends the run.
*/
/*
** An error straight after a wait of thread t that timed out (Queue.get's
** Empty, or the caller's own error when acquire(timeout) returned false):
** the errors that kept the wait from ending, as its object explains a wait
** nobody will end (a lock's holder, a queue's producer that raised), are
** its causes (RunFinding.because), when nobody else could still end it
** (a lock's holder that raised; for the others, no other thread left).  A
** barrier's timeout breaks it: the break tells that (detect_barrier.c).
*/
static void timed_out_cause(const SimRun *r, const SimThread *t, uint32_t err,
                            int32_t *because) {
  int32_t p = (int32_t)err - 1;
  while (p >= 0 && r->events[p].tid != t->id) p--;
  if (p < 0) return;
  const SimEvent *e = &r->events[p];
  if (!(e->flags & EV_TIMEOUT) || e->obj < 0 || e->obj != t->pend.obj) return;
  /* a wait that raised (Empty): that error, not a later one after a pcall */
  if ((e->flags & EV_RAISED) && r->events[err].line != e->line) return;
  const SimObject *o = &r->objs[e->obj];
  if (!o->cls->explain || e->op == OP_BAR_PASS || e->op == OP_BAR_WAIT) return;
  /* a lock's dead holder kept it whoever else lives; a queue's producer
     that raised, only if no other thread lives that might have put */
  if (!(o->cls->traits & OBJ_MUTEX))
    for (int32_t i = 0; i < r->nthreads; i++)
      if (i != t->id && thread_alive(&r->threads[i]) && !r->threads[i].daemon) return;
  StrBuf scratch; /* (what it says of the wait is the stuck report's; not told here) */
  sb_init(&scratch);
  o->cls->explain(r, o, &t->id, 1, &scratch, because);
  sb_free(&scratch);
}

void sched_thread_error(lua_State *L, int idx) {
  Sim *s = sched_sim(L);
  SimRun *r = &s->run;
  SimThread *t = sched_self(L);
  t->failed = 1;
  if (s->runaway || s->cut || s->broken_rule) return; /* ours, not the scenario's error */
  idx = lua_absindex(L, idx);
  const char *type = "error", *msg = NULL;
  int32_t line = 0;
  int argument = 0;
  if (lua_istable(L, idx)) {
    lua_getfield(L, idx, "type");
    lua_getfield(L, idx, "message");
    lua_getfield(L, idx, "line");
    lua_getfield(L, idx, "argument");
    type = lua_tostring(L, -4) ? lua_tostring(L, -4) : "error";
    msg = lua_tostring(L, -3);
    line = (int32_t)lua_tointeger(L, -2);
    argument = lua_toboolean(L, -1);
  } else {
    msg = lua_tostring(L, idx);
  }
  if (!msg) msg = luaL_typename(L, idx);
  if (s->mem_refused && strstr(msg, "not enough memory")) {
    run_finding(r, FIND_ERROR, -1, t->id, -1,
                detect_sig_str(UTIL_FNV_INIT, "MemoryError"),
                "MemoryError: %s exceeded the memory limit of %zu MiB "
                "(--max-memory)",
                thread_name(r, t->id), s->cfg.max_memory >> 20);
    s->abort_end = END_ABORT;
    return;
  }
  if (!s->spawned && !r->in_finally && t->id == 0 &&
      (!strcmp(type, "error") || !strcmp(type, "TypeError") || argument)) {
    /* A Lua error or a wrong argument before any concurrency: the scenario
       itself is broken.  (A RuntimeError, or a ValueError like "released too
       many times", is the program's own behaviour: a finding, as in any
       thread.) */
    snprintf(s->err, sizeof s->err, "%s%s%s", strcmp(type, "error") ? type : "",
             strcmp(type, "error") ? ": " : "", msg);
    if (line > 0) {
      char pre[64];
      snprintf(pre, sizeof pre, "%s:%d: ", util_basename(r->script), (int)line);
      if (!strstr(msg, pre)) {
        StrBuf b;
        sb_init(&b);
        sb_printf(&b, "%s%s", pre, s->err);
        snprintf(s->err, sizeof s->err, "%s", b.s);
        sb_free(&b);
      }
    }
    s->abort_end = END_SETUP;
    return;
  }
  uint32_t type_off = run_text(r, type, strlen(type));
  SimEvent *e = run_event(r, t->id, OP_ERROR, -1);
  e->line = line;
  e->aux = (int32_t)type_off; /* "error" for a plain Lua error */
  e->site = line > 0 && line == t->err_line ? t->err_site : -1;
  e->flags |= EV_RAISED | (r->in_finally ? EV_FINALLY : 0);
  if (line > 0 && line == t->err_line && t->err_reraised) e->flags |= EV_RERAISED;
  e->value.tag = VAL_STR;
  size_t n = strlen(msg);
  if (n > 200) n = 200;
  e->value.u.s.off = run_text(r, msg, n);
  e->value.u.s.len = (uint32_t)n;
  uint32_t ev = r->nevents - 1;
  StrBuf site; /* " at x.lua:5", or " in bump at x.lua:5 <- ..." */
  sb_init(&site);
  if (line > 0) run_puts_where(r, e->site, e->line, &site);
  uint64_t sig = detect_sig_str(UTIL_FNV_INIT, type);
  sig = detect_sig_num(sig, line);
  if (line <= 0) sig = detect_sig_str(sig, msg);
  if (strcmp(type, "error") == 0) {
    /* Lua's own "x.lua:6: " prefix says less than the call path */
    int32_t said = 0;
    size_t pre = lua_prefix(msg, &said);
    int strip = pre && said == line, at = line > 0 && (strip || !pre);
    int named = at && !strncmp(site.s, " in ", 4); /* "error in w, in bump at" */
    run_finding(r, FIND_ERROR, (int32_t)ev, t->id, -1, sig, "error in %s%s%s%s: %s",
                thread_name(r, t->id), r->in_finally ? " (finally)" : "", named ? "," : "",
                at ? site.s : "", strip ? msg + pre : msg);
  } else
    run_finding(r, FIND_ERROR, (int32_t)ev, t->id, -1, sig,
                "%s escaped %s%s%s%s%s", type, thread_name(r, t->id),
                r->in_finally ? " (finally)" : "", line > 0 ? site.s : "",
                *msg ? ": " : "", msg);
  sb_free(&site);
  timed_out_cause(r, t, ev, r->findings[r->nfindings - 1].because);
}

/* ---- the run loop ----------------------------------------------------- */

static void finish_thread(Sim *s, SimThread *t) {
  SimRun *r = &s->run;
  int32_t tid = t->id;
  SimEvent *e = run_event(r, tid, OP_END, t->obj);
  e->line = t->pend.line;
  e->snap = 0; /* alive before */
  r->threads[tid].state = TS_DONE;
}

static void runaway(Sim *s, SimThread *t) {
  SimRun *r = &s->run;
  StrBuf site;
  sb_init(&site);
  run_format_site(r, s->runaway_line, &site);
  run_finding(r, FIND_STEP_LIMIT, -1, t->id, -1,
              detect_sig_num(detect_sig_str(UTIL_FNV_INIT, "runaway"),
                             s->runaway_line),
              "%s ran more than %llu Lua instructions without a visible "
              "operation, at %s (an infinite loop?)",
              thread_name(r, t->id), (unsigned long long)s->cfg.max_instructions,
              site.s);
  sb_free(&site);
  t->state = TS_KILLED;
  r->end = END_ABORT;
}

/* Thread t broke a rule of the sandbox that could not be refused at once. */
static void broke_rule(Sim *s, SimThread *t) {
  SimRun *r = &s->run;
  run_finding(r, FIND_ERROR, -1, t->id, -1, detect_sig_str(UTIL_FNV_INIT, s->broken_rule),
              "error in %s: %s", thread_name(r, t->id), s->broken_rule);
  t->state = TS_KILLED;
  r->end = END_ABORT;
}

/* Resume co for one slice, its instruction budget full. */
static int resume_slice(Sim *s, lua_State *co, int nargs, int *nres) {
  s->ticks = 0;
  s->cap_active = 1;
  int st = lua_resume(co, s->L, nargs, nres);
  s->cap_active = 0;
  return st;
}

/* Resume thread 'tid' for one step.  Returns 0 when the run is over. */
static int resume(Sim *s, int32_t tid) {
  SimRun *r = &s->run;
  SimThread *t = &r->threads[tid];
  if (t->pend.op == OP_END) {
    finish_thread(s, t);
    return 1;
  }
  int nargs = 0;
  if (t->pend.op == OP_START) {
    nargs = (int)t->pend.a;
    SimEvent *e = run_event(r, tid, OP_START, -1);
    e->line = 0;
  }
  r->cur = tid;
  t->state = TS_RUNNING;
  int nres = 0;
  int st = resume_slice(s, t->co, nargs, &nres);
  r->cur = -1;
  t = &r->threads[tid];
  if (!s->cut && !s->runaway && !s->broken_rule)
    s->broken_rule = s->sandbox_ops->stepped(s->sandbox, s->L, tid);
  if ((r->steps & 255) == 0 && s->tick) s->tick(s->tick_ud);
  /* the record grows by some 130 bytes a step: looked at every 256 steps */
  if (!s->cut && !s->runaway && (r->steps & 255) == 0 &&
      s->mem_used + run_bytes(r) > s->cfg.max_memory) {
    run_finding(r, FIND_ERROR, -1, t->id, -1, detect_sig_str(UTIL_FNV_INIT, "MemoryError"),
                "MemoryError: the run's record (%u steps, %u events) and %s's memory exceeded "
                "the memory limit of %zu MiB (--max-memory)",
                (unsigned)r->steps, (unsigned)r->nevents, thread_name(r, t->id),
                s->cfg.max_memory >> 20);
    t->state = TS_KILLED;
    r->end = END_ABORT;
    return 0;
  }
  if (s->cut) {
    t->state = TS_KILLED;
    r->end = END_CUT;
    return 0;
  }
  if (s->runaway) {
    runaway(s, t);
    return 0;
  }
  if (s->broken_rule) {
    broke_rule(s, t);
    return 0;
  }
  if (st == LUA_YIELD) {
    lua_pop(t->co, nres);
    t->state = TS_READY;
  } else if (st == LUA_OK) {
    lua_pop(t->co, nres);
    t->state = TS_READY;
    t->pend.op = OP_END;
    t->pend.obj = -1;
    t->pend.deadline = INFINITY;
    t->pend.line = 0;
    t->pend.site = -1;
    if (r->mode == MODE_ASYNC) finish_thread(s, t); /* not a scheduling point */
  } else {
    /* thread_main catches errors; this is memory exhaustion in it */
    r->cur = tid;
    sched_thread_error(t->co, -1);
    r->cur = -1;
    t->state = TS_KILLED;
    if (!s->abort_end) s->abort_end = END_ABORT;
  }
  if (s->abort_end) {
    r->end = s->abort_end;
    return 0;
  }
  return 1;
}

static int cut_now(void *ud) { return must_cut(ud); }

/* The steps of a run: choose, resume, observe (step.h). */
static void loop(Sim *s) {
  SimRun *r = &s->run;
  int32_t tid;
  while ((tid = step_next(&s->step, r, s->strat, cut_now, s)) >= 0) {
    if (!resume(s, tid)) return;
    step_observe(&s->step, r, s->dets);
  }
  if (r->end == END_DIVERGED) snprintf(s->err, sizeof s->err, "%s", s->step.err);
}

/* Run the finally() callbacks as the main thread, inline. */
static void run_finally(Sim *s) {
  lua_State *L = s->L;
  SimRun *r = &s->run;
  push_rt(L, s, RT_FINALLY);
  if (lua_rawlen(L, -1) == 0) {
    lua_pop(L, 1);
    return;
  }
  lua_State *co = new_coroutine(L, s);
  lua_pushcfunction(co, s->sandbox_ops->run_finally);
  lua_pushvalue(L, -2);
  lua_xmove(L, co, 1);
  r->in_finally = 1;
  r->cur = 0;
  int nres;
  int st = resume_slice(s, co, 1, &nres);
  r->cur = -1;
  r->in_finally = 0;
  if (s->cut) r->end = END_CUT;
  else if (s->runaway) runaway(s, &r->threads[0]);
  else if (s->broken_rule) broke_rule(s, &r->threads[0]);
  else if (st != LUA_OK && st != LUA_YIELD) {
    r->cur = 0;
    sched_thread_error(co, -1);
    r->cur = -1;
  }
  if (s->abort_end) r->end = s->abort_end;
  lua_pop(L, 2); /* coroutine, list */
}

/*
** Let go of the pool's coroutines, to the collector.  A coroutine whose
** function returned is at its base level with nothing to close, as good as
** new but for its memory: its stack keeps the size its deepest call needed,
** and its list of call frames their number (lua_resetthread gives back the
** stack only, and then the next run grows it again, the two some 4% of a
** small run; Lua's generational collector shrinks neither).  What the pool
** keeps counts against --max-memory in later runs, so it is let go after a
** run that grew Lua's memory by more than POOL_DROP_GROWTH, after every
** POOL_DROP_EVERY-th run (what the pool's coroutines have grown by stays
** under 2 MiB), and before a run that begins near the limit (begin_run).
*/
#define POOL_DROP_GROWTH ((size_t)64 << 10)
#define POOL_DROP_EVERY 32
static void drop_pool(lua_State *L, Sim *s) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_pool);
  for (lua_Integer n = (lua_Integer)lua_rawlen(L, -1); n > 0; n--) {
    lua_pushnil(L);
    lua_rawseti(L, -2, n);
  }
  lua_pop(L, 1);
  s->runs_pooled = 0;
}

/* Return finished coroutines to the pool (or let them go); empty the run's
   tables. */
static void end_run(Sim *s) {
  lua_State *L = s->L;
  SimRun *r = &s->run;
  int drop = s->mem_peak - s->mem_begin > POOL_DROP_GROWTH ||
             ++s->runs_pooled >= POOL_DROP_EVERY;
  if (drop) drop_pool(L, s);
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_pool);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  for (int32_t i = 0; i < r->nthreads; i++) {
    SimThread *t = &r->threads[i];
    if (!drop && t->state == TS_DONE && t->co && lua_status(t->co) == LUA_OK &&
        lua_gettop(t->co) == 0 && n < 256) {
      push_rt(L, s, RT_COS);
      lua_rawgeti(L, -1, i + 1);
      lua_rawseti(L, -3, ++n);
      lua_pop(L, 1);
    }
    t->co = NULL;
  }
  lua_pop(L, 1);
  /* what the run kept alive can go: its coroutines and handles (by thread
     id + 1) and its finally() callbacks (a list) */
  clear_rt(L, s, RT_COS, r->nthreads);
  clear_rt(L, s, RT_HANDLES, r->nthreads);
  push_rt(L, s, RT_FINALLY);
  lua_Integer nf = (lua_Integer)lua_rawlen(L, -1);
  lua_pop(L, 1);
  clear_rt(L, s, RT_FINALLY, nf);
}

static void begin_run(Sim *s, uint64_t index, uint64_t seed) {
  lua_State *L = s->L;
  SimRun *r = &s->run;
  run_reset(r);
  r->index = index;
  r->seed = seed;
  r->max_steps = s->cfg.max_steps;
  r->op_sites = (uint8_t)s->op_sites;
  s->gen++;
  step_reset(&s->step);
  s->runaway = 0;
  s->broken_rule = NULL;
  s->cut = 0;
  s->mem_refused = 0;
  s->abort_end = 0;
  s->spawned = 0;
  s->err[0] = '\0';
  /* Near --max-memory, what earlier runs left matters: not every allocation
     that would cross it makes Lua collect first (luaL_Buffer's do not, as in
     string.rep), so garbage could decide whether this run fails, and so could
     the pool's grown coroutines.  Such a run begins as a fresh engine would. */
  if (s->mem_used > s->cfg.max_memory / 2) {
    drop_pool(L, s);
    lua_gc(L, LUA_GCCOLLECT);
  }
  s->mem_peak = s->mem_begin = s->mem_used;
  if (s->rng_ready) memset(s->rng_ready, 0, s->cap_rng);

  s->sandbox_ops->begin_run(s->sandbox, L); /* the chunk, with fresh globals */
  sched_spawn(L, "MainThread", 0, 0);
}

void sched_run(Sim *s, Strategy *strat, DetectorSet *dets, uint64_t index, uint64_t seed) {
  SimRun *r = &s->run;
  s->strat = strat;
  s->dets = dets;
  begin_run(s, index, seed);
  if (s->dets) detect_begin_run(s->dets, r);
  loop(s);
  step_observe(&s->step, r, s->dets);
  if (r->end == END_OK) {
    run_finally(s);
    step_observe(&s->step, r, s->dets);
  }
  if (s->dets && r->end != END_PRUNED && r->end != END_DIVERGED &&
      r->end != END_SETUP && r->end != END_CUT)
    detect_end_run(s->dets, r);
  s->sandbox_ops->end_run(s->sandbox, s->L);
  end_run(s);
  s->strat = NULL; /* (none kept between runs) */
  s->dets = NULL;
}
