/*
** site.c - call paths and function names (site.h).
*/
#include "site.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Helper {
  int32_t line;
  char *name;
} Helper;

/* What source_assigned_name said of a line and a constructor. */
typedef struct Assigned {
  int32_t line;
  const char *ctor;
  int rc;
  char name[80], index[48];
} Assigned;

typedef struct AssignedMemo {
  Assigned *v;
  size_t n, cap;
} AssignedMemo;

struct FuncNames {
  AssignedMemo *memo; /* (behind a pointer: filled through a const FuncNames) */
  char **byline; /* [line]: the name of the function defined there, or NULL */
  int32_t nlines;
  const char *src; /* the text (not owned), and where each line starts */
  size_t *start, len;
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
  fn->memo = util_xcalloc(1, sizeof *fn->memo);
  int32_t lines = 1;
  for (size_t i = 0; i < len; i++) lines += src[i] == '\n';
  fn->nlines = lines;
  fn->byline = util_xcalloc((size_t)lines + 1, sizeof(char *));
  fn->start = util_xcalloc((size_t)lines + 2, sizeof(size_t));
  fn->src = src, fn->len = len;
  size_t start = 0;
  for (int32_t line = 1; start <= len && line <= lines; line++) {
    const char *nl = memchr(src + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - src) : len;
    fn->start[line] = start;
    fn->byline[line] = name_on_line(src + start, end - start);
    start = end + 1;
  }
  fn->start[lines + 1] = len + 1;
  return fn;
}

void funcnames_free(FuncNames *fn) {
  if (!fn) return;
  for (int32_t i = 0; i <= fn->nlines; i++) free(fn->byline[i]);
  for (size_t i = 0; i < fn->nhelper; i++) free(fn->helper[i].name);
  free(fn->byline);
  free(fn->start);
  free(fn->helper);
  free(fn->memo->v);
  free(fn->memo);
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
      if (s->tail >> i & 1) { /* `return lock:with(...)`: its caller is gone */
        sb_puts(out, " <- (tail call)");
        continue;
      }
      if (i + 1 == s->n) break;
      i++;
      name = funcnames_get(fn, s->chunk[i], s->fdef[i]);
      /* a one-liner, lock:with(function() ... end) on the line just shown */
      if (!name && i >= 2 && s->chunk[i] == s->chunk[i - 2] && s->line[i] == s->line[i - 2])
        continue;
      sb_puts(out, name ? " in " : " at ");
    }
    if (name) sb_printf(out, "%s at ", name);
    if (s->chunk[i] == SITE_OTHER) sb_printf(out, "load():%d", (int)s->line[i]);
    else sb_printf(out, "%s:%d", file, (int)s->line[i]);
    if (s->tail >> i & 1) sb_puts(out, " <- (tail call)");
  }
  if (s->more) sb_puts(out, " <- ...");
}

const char *funcnames_line(const FuncNames *fn, int32_t line, size_t *len) {
  if (!fn || line < 1 || line > fn->nlines) return NULL;
  *len = fn->start[line + 1] - 1 - fn->start[line];
  return fn->src + fn->start[line];
}

/* Is s[i..] the word 'w' followed by '(' (after spaces)? */
static int call_at(const char *s, size_t i, size_t len, const char *w, size_t wl) {
  if (len - i < wl || memcmp(s + i, w, wl) != 0) return 0;
  if (i > 0 && (chain_char((unsigned char)s[i - 1]))) return 0; /* RLock, x.Lock, q:Lock */
  size_t j = i + wl;
  while (j < len && isspace((unsigned char)s[j])) j++;
  return j < len && s[j] == '(';
}

/* The name assigned the table constructor opening at s[brace]: `t = {`. */
static int source_table_name(const char *s, size_t brace, char *out, size_t cap) {
  size_t j = brace;
  while (j > 0 && isspace((unsigned char)s[j - 1])) j--;
  if (j == 0 || s[j - 1] != '=' || (j > 1 && strchr("=~<>", s[j - 2]))) return -1;
  j--;
  while (j > 0 && isspace((unsigned char)s[j - 1])) j--;
  size_t end = j;
  while (j > 0 && chain_char((unsigned char)s[j - 1]) && s[j - 1] != ':') j--;
  if (j == end || end - j + 1 > cap || !(isalpha((unsigned char)s[j]) || s[j] == '_')) return -1;
  memcpy(out, s + j, end - j);
  out[end - j] = '\0';
  return 0;
}

int source_assigned_name(const char *s, size_t len, const char *ctor, char *name, size_t cap,
                         char *index, size_t icap) {
  size_t wl = strlen(ctor), at = SIZE_MAX;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') break; /* a comment */
    if (!call_at(s, i, len, ctor, wl)) continue;
    if (at != SIZE_MAX) return -1; /* two on one line: which is which? */
    at = i;
  }
  if (at == SIZE_MAX) return -1;
  size_t j = at;
  while (j > 0 && isspace((unsigned char)s[j - 1])) j--;
  if (j == 0 || s[j - 1] != '=' || (j > 1 && strchr("=~<>", s[j - 2]))) return -1;
  j--;
  while (j > 0 && isspace((unsigned char)s[j - 1])) j--;
  size_t end = j, ib = 0, ie = 0;
  if (j > 0 && s[j - 1] == ']') { /* forks[i] = Lock() */
    ie = j - 1;
    while (j > 0 && s[j - 1] != '[') j--;
    if (j == 0) return -1;
    ib = j;
    j--;
  }
  size_t base_end = j;
  while (j > 0 && chain_char((unsigned char)s[j - 1]) && s[j - 1] != ':') j--;
  if (j == base_end || !(isalpha((unsigned char)s[j]) || s[j] == '_')) return -1;
  /* what comes before: `a, b = ...` says nothing of which is which; in a
     table constructor `t = { lock = Lock() }` the field is t's */
  long open = -1; /* the innermost '{' still open before the name */
  size_t depth = 0;
  for (size_t k = 0; k < j; k++) {
    if (s[k] == '{') open = (long)k, depth++;
    else if (s[k] == '}' && depth) depth--, open = depth ? open : -1;
  }
  size_t p = j;
  while (p > 0 && isspace((unsigned char)s[p - 1])) p--;
  if (p > 0 && s[p - 1] == ',' && !depth) return -1;
  size_t n = (ie ? base_end : end) - j, pre = 0;
  char owner[72] = ""; /* a name of up to 63, and the dot */
  if (depth == 1 && open >= 0) { /* t = { ...: the table's name */
    char tmp[64];
    if (source_table_name(s, (size_t)open, tmp, sizeof tmp) == 0) {
      pre = strlen(tmp);
      memcpy(owner, tmp, pre);
      owner[pre++] = '.';
      owner[pre] = '\0';
    }
  }
  if (pre + n + 1 > cap) return -1;
  memcpy(name, owner, pre);
  memcpy(name + pre, s + j, n);
  name[pre + n] = '\0';
  index[0] = '\0';
  if (ie) {
    while (ib < ie && isspace((unsigned char)s[ib])) ib++;
    while (ie > ib && isspace((unsigned char)s[ie - 1])) ie--;
    if (ie == ib || ie - ib + 1 > icap) return -1;
    memcpy(index, s + ib, ie - ib);
    index[ie - ib] = '\0';
  }
  return 0;
}

/* Skip a call's parenthesised arguments from s[i] == '('; -1 if unbalanced. */
static long skip_parens(const char *s, size_t i, size_t len) {
  int depth = 0;
  char quote = 0;
  for (; i < len; i++) {
    char c = s[i];
    if (quote) {
      if (c == '\\') i++;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(') {
      depth++;
    } else if (c == ')' && --depth == 0) {
      return (long)i + 1;
    }
  }
  return -1;
}

int source_assigned_list(const char *s, size_t len, char names[][80], int max) {
  size_t i = 0;
  while (i < len && isspace((unsigned char)s[i])) i++;
  if (len - i > 6 && !memcmp(s + i, "local", 5) && isspace((unsigned char)s[i + 5])) i += 6;
  int n = 0; /* the names, up to '=' */
  for (;;) {
    while (i < len && isspace((unsigned char)s[i])) i++;
    size_t a = i;
    while (i < len && ident_char((unsigned char)s[i])) i++;
    if (i == a || n == max || i - a >= 80 || isdigit((unsigned char)s[a])) return -1;
    memcpy(names[n], s + a, i - a);
    names[n++][i - a] = '\0';
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (i < len && s[i] == ',') {
      i++;
      continue;
    }
    if (i < len && s[i] == '=' && (i + 1 == len || s[i + 1] != '=')) break;
    return -1;
  }
  i++;
  int k = 0; /* as many calls of constructors (capitalised), and nothing else */
  for (;;) {
    while (i < len && isspace((unsigned char)s[i])) i++;
    size_t a = i;
    while (i < len && ident_char((unsigned char)s[i])) i++;
    if (i == a || !isupper((unsigned char)s[a])) return -1;
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (i == len || s[i] != '(') return -1;
    long e = skip_parens(s, i, len);
    if (e < 0) return -1;
    i = (size_t)e;
    k++;
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (i < len && s[i] == ',') {
      i++;
      continue;
    }
    break;
  }
  if (i < len && !(s[i] == '-' && i + 1 < len && s[i + 1] == '-') && s[i] != ';') return -1;
  return k == n && n > 1 ? n : -1;
}

int funcnames_assigned_name(const FuncNames *fn, int32_t line, const char *ctor, char *name,
                            size_t cap, char *index, size_t icap) {
  AssignedMemo *m = fn->memo;
  const Assigned *a = NULL;
  for (size_t i = 0; i < m->n && !a; i++)
    if (m->v[i].line == line && !strcmp(m->v[i].ctor, ctor)) a = &m->v[i];
  if (!a) {
    UTIL_GROW(m->v, m->n + 1, m->cap);
    Assigned *x = &m->v[m->n++];
    memset(x, 0, sizeof *x);
    x->line = line, x->ctor = ctor;
    size_t len;
    const char *text = funcnames_line(fn, line, &len);
    x->rc = text ? source_assigned_name(text, len, ctor, x->name, sizeof x->name, x->index,
                                        sizeof x->index)
                 : -1;
    a = x;
  }
  size_t nl = strlen(a->name), il = strlen(a->index); /* (no printf: every object asks) */
  if (!cap || !icap || nl >= cap || il >= icap) return -1;
  memcpy(name, a->name, nl + 1);
  memcpy(index, a->index, il + 1);
  return a->rc;
}
