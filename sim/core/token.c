/*
** token.c - schedule tokens (see token.h).
*/
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "util.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put_varint(StrBuf *b, uint64_t v) {
  while (v >= 0x80) {
    sb_putc(b, (char)(unsigned char)(v | 0x80));
    v >>= 7;
  }
  sb_putc(b, (char)(unsigned char)v);
}

void token_script_digest(const char *text, size_t len, uint8_t out[4]) {
  uint8_t d[32];
  sha256(text, len, d);
  memcpy(out, d, 4);
}

char *token_encode(const uint8_t script[4], uint64_t seed, uint32_t max_steps,
                   const char *params, const Decision *dec, uint32_t ndec) {
  StrBuf raw, out;
  sb_init(&raw);
  sb_init(&out);
  sb_putc(&raw, TOKEN_VERSION);
  sb_putn(&raw, (const char *)script, 4);
  put_varint(&raw, seed);
  put_varint(&raw, max_steps);
  size_t pl = params ? strlen(params) : 0;
  put_varint(&raw, pl);
  if (pl) sb_putn(&raw, params, pl);
  put_varint(&raw, ndec);
  for (uint32_t i = 0; i < ndec;) { /* runs of equal decisions */
    uint64_t code = (uint64_t)dec[i].value * 2 + dec[i].kind;
    uint32_t j = i + 1;
    while (j < ndec && (uint64_t)dec[j].value * 2 + dec[j].kind == code) j++;
    put_varint(&raw, j - i);
    put_varint(&raw, code);
    i = j;
  }
  uint64_t h = util_fnv(UTIL_FNV_INIT, raw.s, raw.len);
  for (int i = 0; i < 4; i++) sb_putc(&raw, (char)(unsigned char)(h >> (8 * i)));
  const unsigned char *p = (const unsigned char *)raw.s;
  for (size_t i = 0; i < raw.len; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;
    size_t n = raw.len - i < 3 ? raw.len - i : 3;
    if (n > 1) v |= (uint32_t)p[i + 1] << 8;
    if (n > 2) v |= p[i + 2];
    sb_putc(&out, b64[(v >> 18) & 63]);
    sb_putc(&out, b64[(v >> 12) & 63]);
    if (n > 1) sb_putc(&out, b64[(v >> 6) & 63]);
    if (n > 2) sb_putc(&out, b64[v & 63]);
  }
  sb_free(&raw);
  return sb_take(&out);
}

typedef struct Reader {
  const unsigned char *p;
  size_t n, at;
  int bad;
} Reader;

static uint64_t get_varint(Reader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->at >= r->n) {
      r->bad = 1;
      return 0;
    }
    unsigned char c = r->p[r->at++];
    v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) return v;
  }
  r->bad = 1;
  return 0;
}

int token_decode(const char *s, Token *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  size_t len = strlen(s);
  if (len < 12) {
    snprintf(err, errlen, "'%.40s' is not a schedule token (too short)", s);
    return -1;
  }
  StrBuf raw;
  sb_init(&raw);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    const char *q = strchr(b64, s[i]);
    if (!q || !s[i]) {
      snprintf(err, errlen, "not a schedule token: unexpected character '%c' at position %zu",
               s[i], i + 1);
      sb_free(&raw);
      return -1;
    }
    acc = acc << 6 | (uint32_t)(q - b64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      sb_putc(&raw, (char)(unsigned char)(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  const unsigned char *p = (const unsigned char *)raw.s;
  if (raw.len < 9 || p[0] != TOKEN_VERSION) {
    if (raw.len >= 1 && p[0] != TOKEN_VERSION && p[0] < 16)
      snprintf(err, errlen,
               "schedule token version %d is not supported by racesim %s (it reads "
               "version %d)",
               p[0], RACESIM_VERSION, TOKEN_VERSION);
    else snprintf(err, errlen, "the schedule token is corrupted (bad header)");
    sb_free(&raw);
    return -1;
  }
  uint64_t h = util_fnv(UTIL_FNV_INIT, raw.s, raw.len - 4);
  for (int i = 0; i < 4; i++)
    if (p[raw.len - 4 + (size_t)i] != (unsigned char)(h >> (8 * i))) {
      snprintf(err, errlen, "the schedule token is corrupted (checksum mismatch): "
                            "was it copied whole?");
      sb_free(&raw);
      return -1;
    }
  Reader r = {p, raw.len - 4, 1 + 4, 0};
  out->version = p[0];
  memcpy(out->script, p + 1, 4);
  out->seed = get_varint(&r);
  out->max_steps = (uint32_t)get_varint(&r);
  uint64_t pl = get_varint(&r);
  if (!r.bad && pl <= r.n - r.at) {
    out->params = util_xmalloc(pl + 1);
    memcpy(out->params, p + r.at, pl);
    out->params[pl] = '\0';
    r.at += pl;
  } else {
    r.bad = 1;
  }
  uint64_t nd = get_varint(&r);
  if (nd > 100000000) r.bad = 1;
  if (!r.bad) {
    out->dec = util_xcalloc(nd ? nd : 1, sizeof(Decision));
    uint32_t i = 0;
    while (!r.bad && i < nd) {
      uint64_t cnt = get_varint(&r), code = get_varint(&r);
      if (cnt == 0 || cnt > nd - i) r.bad = 1;
      for (uint64_t k = 0; !r.bad && k < cnt; k++, i++) {
        out->dec[i].kind = (uint8_t)(code & 1);
        out->dec[i].value = (uint32_t)(code >> 1);
        out->dec[i].n = 0;
      }
    }
    out->ndec = i;
  }
  if (r.bad || r.at != r.n) {
    snprintf(err, errlen, "the schedule token is corrupted (bad body)");
    token_free(out);
    sb_free(&raw);
    return -1;
  }
  sb_free(&raw);
  return 0;
}

void token_free(Token *t) {
  free(t->params);
  free(t->dec);
  memset(t, 0, sizeof *t);
}
