/*
** site.c - call paths and function names (site.h).
*/
#include "site.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct Helper {
  int32_t line;
  char *name;
} Helper;

struct FuncNames {
  char **byline; /* [line]: the name of the function defined there, or NULL */
  int32_t nlines;
  Helper *helper;
  size_t nhelper;
};

static int ident_char(int c) { return isalnum(c) || c == '_'; }

/* Is the keyword 'function' at s[i] (not part of a longer word)? */
static int keyword_at(const char *s, size_t i, size_t len) {
  if (len - i < 8 || memcmp(s + i, "function", 8) != 0) return 0;
  if (i > 0 && ident_char((unsigned char)s[i - 1])) return 0;
  return i + 8 == len || !ident_char((unsigned char)s[i + 8]);
}

/*
** Where the first 'function' keyword of line s[0..len) is, outside strings
** and comments; -1 if there is none.
*/
static long find_keyword(const char *s, size_t len) {
  char quote = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (quote) {
      if (c == '\\') i++;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    else if (c == '-' && i + 1 < len && s[i + 1] == '-') return -1;
    else if (keyword_at(s, i, len)) return (long)i;
  }
  return -1;
}

/* A copy of the name chain s[a..b): letters, digits, '_', '.', ':'. */
static char *copy_name(const char *s, size_t a, size_t b) {
  if (b <= a || !(isalpha((unsigned char)s[a]) || s[a] == '_')) return NULL;
  char *n = malloc(b - a + 1);
  if (!n) return NULL;
  memcpy(n, s + a, b - a);
  n[b - a] = '\0';
  return n;
}

static int chain_char(int c) { return ident_char(c) || c == '.' || c == ':'; }

/*
** The name that the function defined on this line is known by:
** `function a.b(` and `local function f(`, or `f = function(` and
** `t.f = function(`.  NULL for an anonymous function (an argument).
*/
static char *name_on_line(const char *s, size_t len) {
  long k = find_keyword(s, len);
  if (k < 0) return NULL;
  size_t i = (size_t)k + 8;
  while (i < len && isspace((unsigned char)s[i])) i++;
  size_t a = i;
  while (i < len && chain_char((unsigned char)s[i])) i++;
  if (i > a) return copy_name(s, a, i); /* function NAME( */
  size_t j = (size_t)k; /* NAME = function( */
  while (j > 0 && isspace((unsigned char)s[j - 1])) j--;
  if (j == 0 || s[j - 1] != '=') return NULL;
  j--;
  if (j > 0 && strchr("=~<>", s[j - 1])) return NULL; /* a comparison */
  while (j > 0 && isspace((unsigned char)s[j - 1])) j--;
  size_t b = j;
  while (j > 0 && chain_char((unsigned char)s[j - 1])) j--;
  return copy_name(s, j, b);
}

FuncNames *funcnames_new(const char *src, size_t len) {
  FuncNames *fn = util_xcalloc(1, sizeof *fn);
  int32_t lines = 1;
  for (size_t i = 0; i < len; i++) lines += src[i] == '\n';
  fn->nlines = lines;
  fn->byline = util_xcalloc((size_t)lines + 1, sizeof(char *));
  size_t start = 0;
  for (int32_t line = 1; start <= len && line <= lines; line++) {
    const char *nl = memchr(src + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - src) : len;
    fn->byline[line] = name_on_line(src + start, end - start);
    start = end + 1;
  }
  return fn;
}

void funcnames_free(FuncNames *fn) {
  if (!fn) return;
  for (int32_t i = 0; i <= fn->nlines; i++) free(fn->byline[i]);
  for (size_t i = 0; i < fn->nhelper; i++) free(fn->helper[i].name);
  free(fn->byline);
  free(fn->helper);
  free(fn);
}

void funcnames_helper(FuncNames *fn, int32_t linedefined, const char *name) {
  for (size_t i = 0; i < fn->nhelper; i++)
    if (fn->helper[i].line == linedefined) return; /* (installed in several classes) */
  fn->helper = util_xrealloc(fn->helper, sizeof(Helper) * (fn->nhelper + 1));
  fn->helper[fn->nhelper].line = linedefined;
  fn->helper[fn->nhelper++].name = util_xstrdup(name);
}

const char *funcnames_get(const FuncNames *fn, int chunk, int32_t linedefined) {
  if (!fn) return NULL;
  if (chunk == SITE_HELPER) {
    for (size_t i = 0; i < fn->nhelper; i++)
      if (fn->helper[i].line == linedefined) return fn->helper[i].name;
    return NULL;
  }
  if (chunk != SITE_SCENARIO || linedefined <= 0 || linedefined > fn->nlines) return NULL;
  return fn->byline[linedefined];
}

void site_format(const Site *s, const FuncNames *fn, const char *file, StrBuf *out) {
  if (!s->n) {
    sb_printf(out, "%s:?", file);
    return;
  }
  for (int i = 0; i < s->n; i++) {
    if (i) sb_puts(out, " <- ");
    const char *name = funcnames_get(fn, s->chunk[i], s->fdef[i]);
    if (s->chunk[i] == SITE_HELPER) { /* "with() in worker at x.lua:9": called there */
      sb_printf(out, "%s()", name ? name : "racesim");
      if (i + 1 == s->n) break;
      i++;
      name = funcnames_get(fn, s->chunk[i], s->fdef[i]);
      sb_puts(out, name ? " in " : " at ");
    }
    if (name) sb_printf(out, "%s at ", name);
    if (s->chunk[i] == SITE_OTHER) sb_printf(out, "load():%d", (int)s->line[i]);
    else sb_printf(out, "%s:%d", file, (int)s->line[i]);
  }
  if (s->more) sb_puts(out, " <- ...");
}
