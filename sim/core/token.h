/*
** token.h - schedule tokens: a compact, versioned, shell-safe string that
** records everything a run decided (every thread pick and data choice, in
** order), the run seed of its math.random streams, its step budget and its
** parameters, plus a short digest of the script.  `racesim replay SCRIPT
** --schedule TOKEN` reproduces the run whatever strategy found it.
**
** Layout (then base64url without padding):
**   version (1 byte) | script digest (4 bytes: SHA-256 prefix) |
**   varint seed | varint max_steps | varint len, params ("k=v\n"...) |
**   varint decisions | runs of (varint count, varint value*2+kind) |
**   [version 2: the trail] |
**   checksum (4 bytes: FNV-1a of everything before)
**
** Version 2 adds the trail: what every step was (its thread, its operation,
** a 16-bit hash of its object's name, its line), so that a replay of an
** edited script can follow the schedule step by step and say where it no
** longer fits.  Its decisions are the data choices only: the thread picks
** are the trail's threads.  The trail is coded against a prediction (the
** step's thread is the previous step's; its action, the one that followed
** the thread's previous action the last time, or any thread's): a run of
** predicted steps is two varints, so that loops cost next to nothing.
**   varint steps | { 0, varint (predicted steps - 1) | varint code*2 +
**   new_thread (not 0), [varint thread], [new action: varint op, varint
**   object slot, varint line] } ...
** where code is 0 for the predicted action, 1 + an action already seen, or
** 1 + their count for a new one; an object slot is 0 (none), 1 + a hash
** already seen, or 1 + their count followed by the new hash (2 bytes).
** Version 1 tokens (decisions only) are still read.
*/
#ifndef RACESIM_TOKEN_H
#define RACESIM_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

#define TOKEN_VERSION 2
/* The most steps a run a token replays may take: what --max-steps allows. */
#define TOKEN_MAX_STEPS 100000000u

/* One step of a version 2 token's trail. */
typedef struct TokenStep {
  int32_t tid;
  uint16_t op;      /* OpCode */
  uint16_t objhash; /* token_name_hash of its object's name, 0: no object */
  int32_t line;     /* where it was, when recorded (edits move lines) */
} TokenStep;

typedef struct Token {
  uint8_t version;
  uint8_t script[4];
  uint64_t seed;
  uint32_t max_steps;
  char *params; /* "name=value\n..." */
  Decision *dec; /* version 1: every decision; 2: the data choices */
  uint32_t ndec;
  TokenStep *trail; /* version 2: one per step; NULL in version 1 */
  uint32_t ntrail;
} Token;

/* Encode a version 1 token (decisions only); the caller frees the result. */
char *token_encode(const uint8_t script[4], uint64_t seed, uint32_t max_steps,
                   const char *params, const Decision *dec, uint32_t ndec);
/* Encode a version 2 token: the data choices among 'dec', and the trail. */
char *token_encode_trail(const uint8_t script[4], uint64_t seed, uint32_t max_steps,
                         const char *params, const Decision *dec, uint32_t ndec,
                         const TokenStep *trail, uint32_t ntrail);
/*
** A coder keeps its tables from one token to the next: encoding a run's
** token then allocates only the string returned (the caller frees it).  One
** per thread.
*/
typedef struct TokenCoder TokenCoder;
TokenCoder *token_coder_new(void);
void token_coder_free(TokenCoder *c);
/* The version 2 token of run 'r' (its data choices and its trail, with its
   objects' names hashed). */
char *token_encode_run(TokenCoder *c, const uint8_t script[4], const char *params,
                       const SimRun *r);
/* The 16-bit hash of an object's name that trails carry (never 0). */
uint16_t token_name_hash(const char *name);

/* Decode 's'; on failure returns -1 with a message for the user. */
int token_decode(const char *s, Token *out, char *err, size_t errlen);
void token_free(Token *t);

/* The 4-byte digest of a script's text, as tokens carry it. */
void token_script_digest(const char *text, size_t len, uint8_t out[4]);

#endif
