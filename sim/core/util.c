/*
** util.c - checked allocation, internal assertions, string buffers.
*/
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

_Noreturn void util_internal_error(const char *file, int line, const char *what) {
  fprintf(stderr,
          "racesim: internal error at %s:%d: %s\n"
          "This is a bug in racesim, not in your scenario; please report it.\n",
          file, line, what);
  abort();
}

static _Noreturn void out_of_memory(size_t n) {
  fprintf(stderr, "racesim: out of memory (allocating %zu bytes)\n", n);
  exit(2);
}

void *util_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory(n);
  return p;
}

void *util_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) out_of_memory(n * size);
  return p;
}

void *util_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) out_of_memory(n);
  return q;
}

char *util_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = util_xmalloc(n);
  memcpy(d, s, n);
  return d;
}

void sb_init(StrBuf *b) { b->s = NULL, b->len = b->cap = 0; }

void sb_free(StrBuf *b) {
  free(b->s);
  sb_init(b);
}

static size_t fmt_digits(char *out, size_t n, const char *prefix, const char *digits,
                         size_t nd) {
  if (!n) return 0;
  size_t len = 0, np = strlen(prefix);
  if (np + nd < n) { /* (it fits: the usual) */
    memcpy(out, prefix, np);
    memcpy(out + np, digits, nd);
    out[np + nd] = '\0';
    return np + nd;
  }
  while (*prefix && len + 1 < n) out[len++] = *prefix++;
  for (size_t i = 0; i < nd && len + 1 < n; i++) out[len++] = digits[i];
  out[len] = '\0';
  return len;
}

static size_t u64map_slot(const U64Map *m, uint64_t key) {
  size_t i = (size_t)(key * UINT64_C(0x9e3779b97f4a7c15) >> 20) & (m->slots - 1);
  while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->slots - 1);
  return i;
}

uint64_t *u64map_at(U64Map *m, uint64_t key) {
  if (2 * (m->used + 1) > m->slots) { /* at most half full */
    U64Map old = *m;
    m->slots = old.slots ? 2 * old.slots : 64;
    m->keys = util_xcalloc(m->slots, sizeof *m->keys);
    m->vals = util_xcalloc(m->slots, sizeof *m->vals);
    for (size_t i = 0; i < old.slots; i++)
      if (old.keys[i]) {
        size_t j = u64map_slot(m, old.keys[i]);
        m->keys[j] = old.keys[i], m->vals[j] = old.vals[i];
      }
    free(old.keys), free(old.vals);
  }
  size_t i = u64map_slot(m, key);
  if (!m->keys[i]) m->keys[i] = key, m->vals[i] = 0, m->used++;
  return &m->vals[i];
}

const uint64_t *u64map_get(const U64Map *m, uint64_t key) {
  if (!m->slots) return NULL;
  size_t i = u64map_slot(m, key);
  return m->keys[i] ? &m->vals[i] : NULL;
}

void u64map_clear(U64Map *m) {
  if (m->used) memset(m->keys, 0, m->slots * sizeof *m->keys);
  m->used = 0;
}

void u64map_free(U64Map *m) {
  free(m->keys), free(m->vals);
  memset(m, 0, sizeof *m);
}

size_t util_copy(char *out, size_t n, const char *s) {
  size_t len = strlen(s);
  if (len >= n) len = n - 1;
  memcpy(out, s, len);
  out[len] = '\0';
  return len;
}

size_t util_fmt_dec(char *out, size_t n, const char *prefix, long long v) {
  char d[24], *p = d + sizeof d;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do *--p = (char)('0' + u % 10); while (u /= 10);
  if (v < 0) *--p = '-';
  return fmt_digits(out, n, prefix, p, (size_t)(d + sizeof d - p));
}

size_t util_fmt_hex(char *out, size_t n, const char *prefix, unsigned long long v, int width) {
  char d[24], *p = d + sizeof d;
  do *--p = "0123456789abcdef"[v & 15]; while (v >>= 4);
  while (d + sizeof d - p < width) *--p = '0';
  return fmt_digits(out, n, prefix, p, (size_t)(d + sizeof d - p));
}

void sb_reserve(StrBuf *b, size_t extra) {
  size_t need = b->len + extra + 1;
  if (need > b->cap) {
    size_t c = b->cap ? b->cap : 64;
    while (c < need) c *= 2;
    b->s = util_xrealloc(b->s, c);
    b->cap = c;
  }
}

void sb_reset(StrBuf *b) {
  b->len = 0;
  if (b->s) b->s[0] = '\0';
}

void sb_putc(StrBuf *b, char c) {
  sb_reserve(b, 1);
  b->s[b->len++] = c;
  b->s[b->len] = '\0';
}

void sb_putn(StrBuf *b, const char *s, size_t n) {
  sb_reserve(b, n);
  if (n) memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void sb_puts(StrBuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_vprintf(StrBuf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  sb_reserve(b, 64);
  int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
  if (n < 0) n = 0;
  if ((size_t)n >= b->cap - b->len) {
    sb_reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
  }
  va_end(ap2);
  b->len += (size_t)n;
}

void sb_printf(StrBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(b, fmt, ap);
  va_end(ap);
}

size_t util_utf8_len(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  if (n == 0) return 0;
  if (p[0] < 0x80) return 1;
  size_t len = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
             : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
  if (len == 0 || len > n) return 0;
  for (size_t k = 1; k < len; k++)
    if ((p[k] & 0xc0) != 0x80) return 0;
  if (len == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
    return 0; /* overlong, or a UTF-16 surrogate */
  if (len == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
    return 0; /* overlong, or past U+10FFFF */
  return len;
}

void util_fputs_visible(const char *s, FILE *f) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    size_t len = c >= 0x80 ? util_utf8_len(s + i, n - i) : 1;
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || len == 0) {
      fprintf(f, "\\x%02x", c);
    } else if (len == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) {
      fprintf(f, "\\u%04x", (unsigned char)s[i + 1]); /* C1: U+009B is a CSI too */
      i++;
    } else {
      fwrite(s + i, 1, len, f);
      i += len - 1;
    }
  }
}

void sb_json_strn(StrBuf *b, const char *s, size_t n) {
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) { /* JSON is UTF-8: a byte that is not is U+FFFD */
      size_t len = util_utf8_len(s + i, n - i);
      if (len) sb_putn(b, s + i, len), i += len - 1;
      else sb_puts(b, "\\ufffd");
      continue;
    }
    switch (c) {
    case '"': sb_puts(b, "\\\""); break;
    case '\\': sb_puts(b, "\\\\"); break;
    case '\n': sb_puts(b, "\\n"); break;
    case '\r': sb_puts(b, "\\r"); break;
    case '\t': sb_puts(b, "\\t"); break;
    default:
      if (c < 0x20 || c == 0x7f) sb_printf(b, "\\u%04x", c);
      else sb_putc(b, (char)c);
    }
  }
  sb_putc(b, '"');
}

void sb_json_str(StrBuf *b, const char *s) { sb_json_strn(b, s, strlen(s)); }

void sb_shell_word(StrBuf *b, const char *s) {
  int plain = *s != '\0';
  for (const char *p = s; *p; p++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789_-./=:,+@%",
                *p))
      plain = 0;
  if (plain) {
    sb_puts(b, s);
    return;
  }
  sb_putc(b, '\'');
  for (const char *p = s; *p; p++) {
    if (*p == '\'') sb_puts(b, "'\\''");
    else sb_putc(b, *p);
  }
  sb_putc(b, '\'');
}

const char *util_shell_word_next(const char *p, StrBuf *word) {
  sb_reset(word);
  while (*p == ' ') p++;
  if (!*p) return NULL;
  while (*p && *p != ' ') {
    if (*p == '\'') { /* quoted, to the next quote */
      for (p++; *p && *p != '\''; p++) sb_putc(word, *p);
      if (*p) p++;
    } else if (*p == '\\' && p[1] == '\'') { /* (the only escape it writes) */
      sb_putc(word, '\'');
      p += 2;
    } else {
      sb_putc(word, *p++);
    }
  }
  if (!word->s) sb_puts(word, ""); /* ('' is a word) */
  return p;
}

void sb_html(StrBuf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<': sb_puts(b, "&lt;"); break;
    case '>': sb_puts(b, "&gt;"); break;
    case '&': sb_puts(b, "&amp;"); break;
    case '"': sb_puts(b, "&quot;"); break;
    case '\'': sb_puts(b, "&#39;"); break;
    default: sb_putc(b, *s);
    }
  }
}

char *sb_take(StrBuf *b) {
  char *s = b->s ? b->s : util_xstrdup("");
  sb_init(b);
  return s;
}

char *util_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  StrBuf b;
  sb_init(&b);
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_putn(&b, buf, n);
  int err = ferror(f);
  fclose(f);
  if (err) {
    sb_free(&b);
    errno = EIO;
    return NULL;
  }
  if (len) *len = b.len;
  return sb_take(&b);
}

const char *util_basename(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

double util_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void util_utc_stamp(char out[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

uint64_t util_fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t util_fnv_u64(uint64_t h, uint64_t v) { /* (util_fnv of its 8 bytes, low first) */
  for (int i = 0; i < 8; i++, v >>= 8) h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
  return h;
}

int util_cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

void util_cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, int ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += (long)ms * 1000000L;
  ts.tv_sec += ts.tv_nsec / 1000000000L;
  ts.tv_nsec %= 1000000000L;
  pthread_cond_timedwait(cv, mu, &ts);
}
