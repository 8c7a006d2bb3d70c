/*
** args.c - reading the words of a command line (args.h).
*/
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Digits only: strtoull itself would skip leading blanks and accept a sign,
   so that " -1" became 2^64-1. */
int args_u64(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)*s)) return -1;
  char *end;
  errno = 0;
  unsigned long long v;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (!isxdigit((unsigned char)s[2])) return -1;
    v = strtoull(s + 2, &end, 16);
  } else {
    v = strtoull(s, &end, 10);
  }
  if (errno || *end) return -1;
  *out = (uint64_t)v;
  return 0;
}

const char *args_value(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != '\0') return NULL;
  if (*i + 1 >= argc) return "";
  return argv[++*i];
}
