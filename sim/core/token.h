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
**   checksum (4 bytes: FNV-1a of everything before)
*/
#ifndef RACESIM_TOKEN_H
#define RACESIM_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

#define TOKEN_VERSION 1

typedef struct Token {
  uint8_t version;
  uint8_t script[4];
  uint64_t seed;
  uint32_t max_steps;
  char *params; /* "name=value\n..." */
  Decision *dec;
  uint32_t ndec;
} Token;

/* Encode; the caller frees the result. */
char *token_encode(const uint8_t script[4], uint64_t seed, uint32_t max_steps,
                   const char *params, const Decision *dec, uint32_t ndec);

/* Decode 's'; on failure returns -1 with a message for the user. */
int token_decode(const char *s, Token *out, char *err, size_t errlen);
void token_free(Token *t);

/* The 4-byte digest of a script's text, as tokens carry it. */
void token_script_digest(const char *text, size_t len, uint8_t out[4]);

#endif
