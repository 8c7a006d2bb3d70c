/*
** check.c - `racesim check PATH...`: run every scenario under PATH and
** compare what it finds with its `expect`; and `racesim new NAME`.
**
** Each scenario is explored exhaustively (dfs) when that completes within a
** budget; otherwise with random and pct runs (fixed seeds, so that check is
** reproducible).  `expect = "clean"` passes when nothing is found (and, if
** dfs completed, nothing can be); `expect = {"a", "b"}` passes when each
** listed kind is found and every bug found is of a listed kind (its
** evidence may be of any), `{"a", others = true}` when "a" is found,
** whatever else is.  One line per scenario, then "N passed, N failed";
** exit status 1 if any expectation failed.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "cli.h"
#include "bug.h"
#include "explore.h"
#include "util.h"

typedef struct PathList {
  char **v;
  size_t n, cap;
} PathList;

static void add(PathList *l, const char *p) {
  UTIL_GROW(l->v, l->n + 1, l->cap);
  l->v[l->n++] = util_xstrdup(p);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directories a walk has entered, by device and inode: symlinks may
   make a loop (a -> .) or reach one directory twice. */
typedef struct DirSet {
  struct DirId {
    dev_t dev;
    ino_t ino;
  } *v;
  size_t n, cap;
} DirSet;

/* 1 if st's directory was entered before, else 0 (and it is now). */
static int seen_dir(DirSet *seen, const struct stat *st) {
  for (size_t i = 0; i < seen->n; i++)
    if (seen->v[i].dev == st->st_dev && seen->v[i].ino == st->st_ino) return 1;
  UTIL_GROW(seen->v, seen->n + 1, seen->cap);
  seen->v[seen->n].dev = st->st_dev;
  seen->v[seen->n++].ino = st->st_ino;
  return 0;
}

/* Collect the .lua files under 'path' (sorted, recursively; each directory
   once). */
static int collect(const char *path, PathList *out, DirSet *seen) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "racesim check: cannot read '%s': %s\n", path, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    add(out, path);
    return 0;
  }
  if (seen_dir(seen, &st)) {
    fprintf(stderr, "racesim check: note: '%s' is a directory already checked (a symbolic "
                    "link to it or a loop): skipped\n", path);
    return 0;
  }
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "racesim check: cannot read directory '%s': %s\n", path, strerror(errno));
    return -1;
  }
  PathList here = {0};
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
    struct stat s2;
    if (stat(b.s, &s2) == 0 &&
        (S_ISDIR(s2.st_mode) || (strlen(de->d_name) > 4 &&
                                 !strcmp(de->d_name + strlen(de->d_name) - 4, ".lua"))))
      add(&here, b.s);
    sb_free(&b);
  }
  closedir(d);
  if (here.n > 1) qsort(here.v, here.n, sizeof(char *), cmp_str);
  int rc = 0;
  for (size_t i = 0; i < here.n; i++) {
    if (collect(here.v[i], out, seen) != 0) rc = -1;
    free(here.v[i]);
  }
  free(here.v);
  return rc;
}

/* Is 'kind' in the comma list 'list'? */
static int in_list(const char *list, const char *kind) {
  size_t n = strlen(kind);
  for (const char *p = list; (p = strstr(p, kind)) != NULL; p += n)
    if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return 1;
  return 0;
}

static void kinds_of(const FindingStore *fs, char *out, size_t n) {
  out[0] = '\0';
  size_t len = 0;
  for (int k = 0; k < FIND__COUNT; k++)
    for (size_t i = 0; i < fs->n; i++)
      if (fs->v[i].kind == k) {
        len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", len ? ", " : "",
                                finding_kind_names[k]);
        break;
      }
}

/*
** Does what was found meet 'expect' ("clean", or "kind,kind[,others]")?
** Every listed kind must be found (as a bug or as evidence folded into
** one), and every bug's headline kind must be listed, unless "others" is:
** kinds folded into a listed bug as its evidence need not be.  *unlisted:
** the first headline kind not listed.
*/
static int meets(const char *expect, const FindingStore *fs, const BugList *bugs,
                 const char **unlisted) {
  if (!strcmp(expect, "clean")) return fs->n == 0;
  char plain[256] = "", buf[256];
  size_t len = 0;
  for (size_t i = 0; i < fs->n; i++)
    len += (size_t)snprintf(plain + len, len < sizeof plain ? sizeof plain - len : 0, "%s%s",
                            len ? "," : "", finding_kind_names[fs->v[i].kind]);
  int ok = 1;
  snprintf(buf, sizeof buf, "%s", expect);
  for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
    if (strcmp(t, "others")) ok &= in_list(plain, t);
  if (in_list(expect, "others")) return ok;
  for (size_t i = 0; i < bugs->n; i++)
    if (!in_list(expect, finding_kind_names[bugs->v[i].kind])) {
      if (!*unlisted) *unlisted = finding_kind_names[bugs->v[i].kind];
      ok = 0;
    }
  return ok;
}

typedef struct CheckOptions {
  uint64_t dfs_runs, runs;
  double time_limit;
  int verbose;
} CheckOptions;

static void result_free(ExploreResult *r) {
  finding_free(&r->findings);
  warnings_free(&r->warnings);
}

/* Check one scenario; returns 1 passed, 0 failed, -1 skipped, -130/-143 interrupted. */
static int check_one(const char *path, const CheckOptions *co) {
  ExploreOptions o;
  explore_options_init(&o);
  o.command = EXPLORE_CHECK;
  o.script = path;
  o.db = NULL;
  o.no_shrink = 1;
  o.has_seed = 1;
  o.seed = 7;
  ExploreResult res, extra;
  /* one run says what it expects: skip a scenario without (a benchmark)
     before exploring it */
  o.strategy = "random";
  o.runs = 1;
  o.time_limit = co->time_limit;
  int st = explore_collect(&o, &res);
  if (st == 130 || st == 143) {
    result_free(&res);
    return -st;
  }
  if (st != 2 && !res.expect[0]) {
    printf("skip  %s: no expect field\n", path);
    result_free(&res);
    return -1;
  }
  char expect[sizeof res.expect]; /* the exploration's runs may all be cut short */
  memcpy(expect, res.expect, sizeof expect);
  result_free(&res);
  o.strategy = "dfs";
  o.runs = co->dfs_runs;
  st = explore_collect(&o, &res);
  if (st == 130 || st == 143) {
    result_free(&res);
    return -st;
  }
  if (st == 2) {
    printf("FAIL  %s: %s\n", path, res.err[0] ? res.err : "error");
    result_free(&res);
    return 0;
  }
  char detail[128];
  snprintf(detail, sizeof detail, "dfs, %llu run%s, complete", (unsigned long long)res.runs,
           res.runs == 1 ? "" : "s");
  uint64_t total = res.runs;
  if (!res.complete) { /* too big to finish: sample it instead */
    static const char *const strategies[] = {"random", "pct"};
    uint64_t n[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
      o.strategy = strategies[i];
      o.runs = co->runs;
      st = explore_collect(&o, &extra);
      finding_merge(&res.findings, &extra.findings);
      warnings_free(&extra.warnings);
      if (st == 130 || st == 143) {
        result_free(&res);
        return -st;
      }
      n[i] = extra.runs;
      total += extra.runs;
    }
    int unseen = 0; /* (else only math.random) */
    for (size_t i = 0; i < res.warnings.n; i++) unseen |= res.warnings.v[i].kind != WARN_RANDOM;
    if (res.warnings.n && n[0] == co->runs && n[1] == co->runs)
      snprintf(detail, sizeof detail, "dfs not complete: %s; random and pct, %llu runs each",
               unseen ? "state it cannot see" : "it draws from math.random", (unsigned long long)co->runs);
    else if (n[0] == co->runs && n[1] == co->runs)
      snprintf(detail, sizeof detail, "dfs incomplete after %llu runs; random and pct, %llu runs each",
               (unsigned long long)res.runs, (unsigned long long)co->runs);
    else
      snprintf(detail, sizeof detail, "dfs incomplete after %llu runs; random %llu and pct %llu runs "
               "(--time-limit)", (unsigned long long)res.runs, (unsigned long long)n[0],
               (unsigned long long)n[1]);
  }
  if (!res.expect[0]) memcpy(res.expect, expect, sizeof expect);
  if (total == 0 && res.expect[0]) { /* nothing to judge by */
    printf("FAIL  %s: no run finished within --time-limit %g s (each run takes longer)\n", path,
           co->time_limit);
    result_free(&res);
    return 0;
  }
  char found[256];
  kinds_of(&res.findings, found, sizeof found);
  int ok;
  if (!res.expect[0]) {
    printf("skip  %s: no expect field (found [%s])\n", path, found);
    result_free(&res);
    return -1;
  }
  BugList bugs;
  bug_group(&res.findings, total, &bugs);
  const char *unlisted = NULL;
  ok = meets(res.expect, &res.findings, &bugs, &unlisted);
  char wanted[512]; /* "a, b", as the found list reads */
  size_t wl = 0;
  wanted[0] = '\0';
  for (const char *p = res.expect; *p && wl + 3 < sizeof wanted; p++) {
    if (*p == ',') wanted[wl++] = ',', wanted[wl++] = ' ';
    else wanted[wl++] = *p;
    wanted[wl] = '\0';
  }
  printf("%s  %s: expects [%s], found [%s] (%s; %zu bug%s", ok ? "ok  " : "FAIL", path,
         wanted, found, detail, bugs.n, bugs.n == 1 ? "" : "s");
  if (res.findings.n != bugs.n)
    printf(", %zu observation%s", res.findings.n, res.findings.n == 1 ? "" : "s");
  printf(")\n");
  if (unlisted)
    printf("        a bug of a kind it does not list: %s (expect = { ..., others = true } "
           "allows it)\n", unlisted);
  for (size_t i = 0; i < res.warnings.n; i++)
    printf("        warning: %s\n", res.warnings.v[i].msg);
  if (!ok || co->verbose)
    for (size_t i = 0; i < bugs.n; i++) {
      const Bug *b = &bugs.v[i];
      printf("        %s: %s\n", finding_kind_names[b->kind], b->message);
      for (size_t j = 1; j < b->nobs; j++) /* what it folds in, by kind */
        printf("          + %s: %s\n", finding_kind_names[res.findings.v[b->obs[j]].kind],
               res.findings.v[b->obs[j]].message);
      const char *replay = res.findings.v[b->rep].replay;
      if (replay) printf("          replay: %s\n", replay);
    }
  bug_free(&bugs);
  result_free(&res);
  return ok;
}

/* A positive count for option 'name'; 0 after an error message. */
static uint64_t count_value(const char *name, const char *v) {
  uint64_t u;
  if (args_u64(v, &u) != 0 || u == 0) {
    fprintf(stderr, "racesim check: %s needs a positive whole number, got '%s'\n", name, v);
    return 0;
  }
  return u;
}

const char cli_check_help[] =
    "usage: racesim check PATH... [options]\n"
    "\n"
    "Run every scenario under each PATH (a .lua file, or a directory searched\n"
    "recursively for .lua files) and compare what it finds with its\n"
    "scenario{ expect = ... }: exhaustively (dfs) when that completes within\n"
    "--dfs-runs, otherwise with random and pct runs of fixed seeds.  Prints one line\n"
    "per scenario, then \"N passed, N failed\"; a scenario without expect is skipped.\n"
    "Nothing is written to a trace database.\n"
    "\n"
    "options (--opt V or --opt=V):\n"
    "  --runs N           random and pct runs each, when dfs does not complete\n"
    "                     (default 3000)\n"
    "  --dfs-runs N       dfs run budget per scenario (default 100000)\n"
    "  --time-limit S     seconds per scenario and strategy (default 30)\n"
    "  -v, --verbose      list the findings of passing scenarios too\n"
    "\n"
    "exit status: 0 every expectation met, 1 an expectation failed (a scenario that\n"
    "cannot run fails), 2 bad usage or unreadable path, 130/143 interrupted\n";

int cli_check(int argc, char **argv) {
  CheckOptions co = {100000, 3000, 30.0, 0};
  PathList paths = {0};
  DirSet seen = {0};
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    const char *v;
    if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
      co.verbose = 1;
    } else if ((v = args_value(argc, argv, &i, "--runs"))) {
      if (!(co.runs = count_value("--runs", v))) rc = 2;
    } else if ((v = args_value(argc, argv, &i, "--dfs-runs"))) {
      if (!(co.dfs_runs = count_value("--dfs-runs", v))) rc = 2;
    } else if ((v = args_value(argc, argv, &i, "--time-limit"))) {
      char *end;
      co.time_limit = strtod(v, &end);
      if (!*v || *end || !(co.time_limit > 0)) {
        fprintf(stderr, "racesim check: --time-limit needs seconds > 0, got '%s'\n", v);
        rc = 2;
      }
    } else if (argv[i][0] == '-') {
      fprintf(stderr,
              "racesim check: unknown option '%s' (--verbose, --runs N, --dfs-runs N, "
              "--time-limit S)\n",
              argv[i]);
      rc = 2;
    } else if (collect(argv[i], &paths, &seen) != 0) {
      rc = 2;
    }
  }
  if (!rc && paths.n == 0) {
    fprintf(stderr, "racesim check: give the scenarios to check (files or directories)\n");
    rc = 2;
  }
  int passed = 0, failed = 0, skipped = 0, interrupted = 0;
  for (size_t i = 0; !rc && !interrupted && i < paths.n; i++) {
    int r = check_one(paths.v[i], &co);
    if (r > 0) passed++;
    else if (r == 0) failed++;
    else if (r == -1) skipped++;
    else {
      printf("stop  %s: interrupted\n", paths.v[i]);
      interrupted = -r; /* 130 or 143: no scenario after this one */
    }
    fflush(stdout);
  }
  for (size_t i = 0; i < paths.n; i++) free(paths.v[i]);
  free(paths.v);
  free(seen.v);
  if (rc) return rc;
  printf("%d passed, %d failed", passed, failed);
  if (skipped) printf(" (%d skipped: no expect)", skipped);
  if (interrupted) printf("; interrupted, %zu not checked", paths.n - (size_t)(passed + failed + skipped));
  printf("\n");
  return interrupted ? interrupted : failed ? 1 : 0;
}

static const char starter[] =
    "-- %s.lua - a racesim scenario.\n"
    "--\n"
    "-- Run it:      racesim run %s.lua\n"
    "-- Exhaustive:  racesim run %s.lua --strategy dfs\n"
    "-- Each finding comes with the command that replays it step by step.\n"
    "\n"
    "-- expect: what racesim should find (\"clean\", or finding kinds such as\n"
    "-- \"lost_update\", \"data_race\", \"deadlock\"); racesim check compares.\n"
    "scenario{ name = \"%s\", mode = \"threads\", expect = \"lost_update\" }\n"
    "\n"
    "-- Shared state must be declared to be tracked.\n"
    "local counter = shared(\"counter\", 0)\n"
    "local lock = Lock(\"counter_lock\") -- for the fix: see the comment in the threads\n"
    "\n"
    "for i = 1, 2 do\n"
    "  spawn(\"worker\" .. i, function()\n"
    "    -- a read-modify-write: another thread can run between get and set.\n"
    "    -- Wrap it in lock:with(function() ... end) to make it atomic.\n"
    "    local v = counter:get()\n"
    "    counter:set(v + 1)\n"
    "  end)\n"
    "end\n"
    "\n"
    "-- Runs after every thread has finished: check invariants here.\n"
    "finally(function()\n"
    "  check(counter:get() == 2, \"expected 2, got %%d\", counter:get())\n"
    "end)\n";

const char cli_new_help[] =
    "usage: racesim new NAME\n"
    "\n"
    "Write NAME.lua, a commented starter scenario (two threads that lose an update,\n"
    "with its expect) to edit and run.  An existing file is never overwritten.\n"
    "\n"
    "exit status: 0 written, 2 bad usage or the file exists\n";

int cli_new(int argc, char **argv) {
  if (argc != 1 || argv[0][0] == '-') {
    fprintf(stderr, "racesim new: usage: racesim new NAME (writes NAME.lua)\n");
    return 2;
  }
  StrBuf path;
  sb_init(&path);
  const char *name = argv[0];
  size_t n = strlen(name);
  char *base = util_xstrdup(name);
  if (n >= 4 && !strcmp(name + n - 4, ".lua")) base[n - 4] = '\0';
  if (!*util_basename(base)) { /* '', "dir/", ".lua": a file ".lua" */
    fprintf(stderr, "racesim new: NAME is empty%s%s%s: racesim new NAME writes NAME.lua\n",
            *name ? " in '" : "", name, *name ? "'" : "");
    free(base);
    sb_free(&path);
    return 2;
  }
  sb_printf(&path, "%s.lua", base);
  FILE *f = fopen(path.s, "wx");
  if (!f) {
    fprintf(stderr, "racesim new: cannot create '%s': %s\n", path.s,
            errno == EEXIST ? "it already exists" : strerror(errno));
    free(base);
    sb_free(&path);
    return 2;
  }
  const char *short_name = util_basename(base);
  fprintf(f, starter, short_name, base, base, short_name);
  int rc = 0;
  if (ferror(f) | (fclose(f) != 0)) { /* (a full disk shows at the close) */
    fprintf(stderr, "racesim new: cannot write '%s': %s\n", path.s, strerror(errno));
    remove(path.s);
    rc = 2;
  } else {
    printf("wrote %s: try `racesim run %s`\n", path.s, path.s);
  }
  free(base);
  sb_free(&path);
  return rc;
}
