/*
** util.h - checked allocation, internal assertions and a growable string
** buffer, shared by every module.  Plain C; no Lua.
*/
#ifndef RACESIM_UTIL_H
#define RACESIM_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RACESIM_VERSION "0.1.0"

#if defined(__GNUC__)
#define UTIL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define UTIL_PRINTF(f, a)
#endif

/*
** An invariant of racesim itself.  Stays on in release builds and says
** "internal error": a failed SIM_CHECK is our bug, never the user's.
*/
#define SIM_CHECK(cond)                                                        \
  ((cond) ? (void)0 : util_internal_error(__FILE__, __LINE__, #cond))

_Noreturn void util_internal_error(const char *file, int line, const char *what);

/* malloc/realloc that never return NULL (out of memory ends the process). */
void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);

/*
** Grow the array 'a' (element type inferred) so that it holds at least 'need'
** elements; '*cap' is its capacity.  Capacity only grows: per-run arrays keep
** their memory from run to run.
*/
#define UTIL_GROW(a, need, cap)                                                \
  do {                                                                         \
    if ((size_t)(need) > (size_t)(cap)) {                                      \
      size_t c_ = (cap) ? (size_t)(cap) : 16;                                  \
      while (c_ < (size_t)(need)) c_ *= 2;                                     \
      (a) = util_xrealloc((a), c_ * sizeof(*(a)));                             \
      (cap) = c_;                                                              \
    }                                                                          \
  } while (0)

/*
** snprintf(out, n, "%s%lld", prefix, v) and snprintf(out, n, "%s%llx", ...)
** without printf's machinery (names and seeds made every run); the text is
** cut to fit like snprintf's.  Return the length written.
*/
size_t util_fmt_dec(char *out, size_t n, const char *prefix, long long v);
/* strlcpy: 's' cut to fit 'n' bytes (n > 0); returns the length copied. */
size_t util_copy(char *out, size_t n, const char *s);
size_t util_fmt_hex(char *out, size_t n, const char *prefix, unsigned long long v, int width);

/*
** A map from non-zero 64-bit keys to 64-bit values (open addressing; a key
** of 0 is an empty slot).  Zero it to start; clearing keeps the memory.
*/
typedef struct U64Map {
  uint64_t *keys, *vals;
  size_t slots, used;
} U64Map;
/* The value of 'key', made 0 if it is new. */
uint64_t *u64map_at(U64Map *m, uint64_t key);
/* The value of 'key', or NULL. */
const uint64_t *u64map_get(const U64Map *m, uint64_t key);
void u64map_clear(U64Map *m);
void u64map_free(U64Map *m);

/* A growable, always NUL-terminated string. */
typedef struct StrBuf {
  char *s;
  size_t len, cap;
} StrBuf;

void sb_init(StrBuf *b);
void sb_free(StrBuf *b);
void sb_reset(StrBuf *b); /* empty it, keep capacity */
void sb_reserve(StrBuf *b, size_t extra); /* room for 'extra' more bytes and the NUL */
void sb_putc(StrBuf *b, char c);
void sb_putn(StrBuf *b, const char *s, size_t n);
void sb_puts(StrBuf *b, const char *s);
void sb_printf(StrBuf *b, const char *fmt, ...) UTIL_PRINTF(2, 3);
void sb_vprintf(StrBuf *b, const char *fmt, va_list ap) UTIL_PRINTF(2, 0);
/* Append 's' as a JSON string literal (with quotes), always valid UTF-8: a byte
   that is not part of a valid UTF-8 character is written as \ufffd. */
void sb_json_str(StrBuf *b, const char *s);
void sb_json_strn(StrBuf *b, const char *s, size_t n);
/* Write 's' to 'f' with what a terminal would act on made visible: control
   characters but newline and tab as \x1b, C1 controls as \u009b, bytes that
   are not UTF-8 as \xff.  For names and messages of the scenario. */
void util_fputs_visible(const char *s, FILE *f);
/* The length of the valid UTF-8 character at s (n bytes left), or 0 if the
   bytes there are not one (a stray, overlong or cut sequence, a surrogate). */
size_t util_utf8_len(const char *s, size_t n);
/* Append 's' quoted for a POSIX shell when it needs quoting. */
void sb_shell_word(StrBuf *b, const char *s);
/* Read one word as sb_shell_word writes it (after any blanks) into 'word'
   (reset first): where the next one starts, or NULL when there is none. */
const char *util_shell_word_next(const char *p, StrBuf *word);
/* Append 's' escaped for HTML text and attributes. */
void sb_html(StrBuf *b, const char *s);
/* Detach the string (caller frees); the buffer is left empty. */
char *sb_take(StrBuf *b);

/* Read a whole file; NULL and errno set on failure.  Caller frees. */
char *util_read_file(const char *path, size_t *len);

/* The last path component of 'path' (a pointer into it). */
const char *util_basename(const char *path);

/* Seconds on a monotonic clock, for rates and progress only (never in a run). */
double util_now(void);
/* pthread_cond_timedwait for at most 'ms' milliseconds. */
void util_cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, int ms);
/* Online processors (at least 1, at most 64). */
int util_cores(void);

/* "s" unless n is one: "1 run", "2 runs". */
static inline const char *util_plural(long long n) { return n == 1 ? "" : "s"; }

/* Wall-clock time as "YYYY-MM-DDTHH:MM:SSZ" (for the trace database only). */
void util_utc_stamp(char out[32]);

/* FNV-1a over bytes, continuing from 'h' (start with UTIL_FNV_INIT). */
#define UTIL_FNV_INIT 0xcbf29ce484222325ULL
uint64_t util_fnv(uint64_t h, const void *p, size_t n);
uint64_t util_fnv_u64(uint64_t h, uint64_t v);

#endif
