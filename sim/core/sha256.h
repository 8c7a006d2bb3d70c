/*
** sha256.h - SHA-256 (FIPS 180-4), for script identity in the trace
** database and in schedule tokens.
*/
#ifndef RACESIM_SHA256_H
#define RACESIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

void sha256(const void *data, size_t len, uint8_t out[32]);

/* Lower-case hex of the digest: 64 characters and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
