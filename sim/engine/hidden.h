/*
** hidden.h - state the threads of a run share where racesim cannot see it:
** plain Lua locals captured by several threads' functions, and globals
** written while other threads live.  The sandbox (scenario.c) calls these;
** what is found becomes the run's warnings (run.h: RunWarning).
*/
#ifndef RACESIM_HIDDEN_H
#define RACESIM_HIDDEN_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Hidden Hidden;

/* 'source' (the scenario's text, kept by the caller) serves to find where a
   local is declared.  The watch is reachable from L (for __newindex). */
Hidden *hidden_open(lua_State *L, const char *source, size_t len);
void hidden_close(Hidden *h);

/* Forget the previous run's watch. */
void hidden_begin_run(Hidden *h, lua_State *L);

/* Thread 'tid' was spawned (by the thread running in L) to run the function
   at 'fn': note the locals it captures. */
void hidden_spawned(Hidden *h, lua_State *L, int fn, int32_t tid);

/* Thread 'tid' ended a step: did it change a noted local? */
void hidden_stepped(Hidden *h, lua_State *L, int32_t tid);

/* __newindex of a run's globals (upvalue-free): stores into the shadow
   table that holds them, noting who writes what. */
int hidden_global_newindex(lua_State *L);

/* The table that holds the globals of 'env' (at idx), if env is a run's
   globals table: pushed, and 1; else nothing pushed, 0. */
int hidden_push_shadow(lua_State *L, int idx);

/* The thread running in L drew a number from math.random: a data choice
   that dfs does not enumerate (the first one's line is noted), unless the
   thread seeded its stream itself ('fixed' in hidden_seeded: the program
   decides its numbers, not the run's seed). */
void hidden_drew_random(lua_State *L);
void hidden_seeded(lua_State *L, int fixed);

/* Make the run's warnings from what was seen. */
void hidden_end_run(Hidden *h, lua_State *L);

#endif
