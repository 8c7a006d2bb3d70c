/*
** cli.c - the racesim command line: parse, check, dispatch, and the help of
** every command (`racesim help COMMAND`, `racesim COMMAND --help`; check,
** report, merge and new keep theirs beside their options).  Only this file
** (and main.c) prints usage errors and chooses exit statuses: 0 nothing
** found, 1 findings (or an expectation failed), 2 bad usage, bad script or
** bad database, 130/143 interrupted.
*/
#include "args.h"
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "explore.h"
#include "util.h"

/*
** The options of run and replay: one table, from which the help, the
** parsing and the checking of every value come.  An option's help has up
** to three wordings: in the general usage, in `racesim run --help`, in
** `racesim replay --help` (NULL: not listed there; an option listed
** nowhere still works).  The strategies' own options (--depth ...) come
** from the strategy registry, at the STRATEGY_OPTIONS entry.
*/
typedef struct Option Option;
typedef int (*OptionSet)(const char *cmd, const Option *opt, const char *val,
                         ExploreOptions *o);
struct Option {
  const char *name;
  const char *arg; /* NULL: a flag; "STRATEGY": the registry's names */
  OptionSet set;
  size_t at;            /* the field of ExploreOptions it sets */
  uint64_t lo, hi;      /* a number's range */
  const char *what;     /* what a bad value should have been; NULL: lo to hi */
  const char *help[3];  /* general, run, replay */
};

enum { HELP_GENERAL, HELP_RUN, HELP_REPLAY };

#define AT(field) offsetof(ExploreOptions, field)
#define FIELD(o, opt, type) ((type *)(void *)((char *)(o) + (opt)->at))

static void usage_error(const char *cmd, const char *fmt, ...) UTIL_PRINTF(2, 3);
static void usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "racesim %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (see racesim %s --help)\n", cmd);
  va_end(ap);
}

/* A number in the option's range, else a usage error naming the range. */
static int number(const char *cmd, const Option *opt, const char *val, uint64_t *u) {
  if (!args_u64(val, u) && *u >= opt->lo && *u <= opt->hi) return 0;
  if (opt->what) usage_error(cmd, "%s needs %s, got '%s'", opt->name, opt->what, val);
  else
    usage_error(cmd, "%s needs an integer from %llu to %llu, got '%s'", opt->name,
                (unsigned long long)opt->lo, (unsigned long long)opt->hi, val);
  return 2;
}

static int set_true(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  (void)cmd, (void)val;
  *FIELD(o, opt, int) = 1;
  return 0;
}
static int set_null(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  (void)cmd, (void)val;
  *FIELD(o, opt, const char *) = NULL;
  return 0;
}
static int set_text(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  if (opt->what && !*val) {
    usage_error(cmd, "%s needs %s", opt->name, opt->what);
    return 2;
  }
  *FIELD(o, opt, const char *) = val;
  return 0;
}
static int set_u64(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  uint64_t u;
  if (number(cmd, opt, val, &u)) return 2;
  *FIELD(o, opt, uint64_t) = u;
  return 0;
}
static int set_u32(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  uint64_t u;
  if (number(cmd, opt, val, &u)) return 2;
  *FIELD(o, opt, uint32_t) = (uint32_t)u;
  return 0;
}
static int set_int(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  uint64_t u;
  if (number(cmd, opt, val, &u)) return 2;
  *FIELD(o, opt, int) = (int)u;
  return 0;
}
static int set_mib(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  uint64_t u;
  if (number(cmd, opt, val, &u)) return 2;
  *FIELD(o, opt, size_t) = (size_t)u << 20;
  return 0;
}
static int set_seed(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  if (number(cmd, opt, val, &o->seed)) return 2;
  o->has_seed = 1;
  return 0;
}
static int set_seconds(const char *cmd, const Option *opt, const char *val,
                       ExploreOptions *o) {
  char *end;
  errno = 0;
  double d = strtod(val, &end);
  if (errno || *end || !*val || !(d > 0)) {
    usage_error(cmd, "%s needs %s, got '%s'", opt->name, opt->what, val);
    return 2;
  }
  *FIELD(o, opt, double) = d;
  return 0;
}
static int set_record(const char *cmd, const Option *opt, const char *val,
                      ExploreOptions *o) {
  static const char *const words[] = {[RECORD_NONE] = "none", [RECORD_FAILING] = "failing",
                                      [RECORD_ALL] = "all"};
  for (int k = 0; k < 3; k++)
    if (!strcmp(val, words[k])) {
      *FIELD(o, opt, int) = k;
      o->record_keep = EXPLORE_RECORD_KEEP;
      return 0;
    }
  if (!strncmp(val, "failing:", 8)) { /* failing:K */
    char *end;
    errno = 0;
    unsigned long long k = strtoull(val + 8, &end, 10);
    if (!errno && !*end && isdigit((unsigned char)val[8]) && k >= 1) {
      *FIELD(o, opt, int) = RECORD_FAILING;
      o->record_keep = k;
      return 0;
    }
  }
  usage_error(cmd, "%s must be failing, failing:K (K >= 1 runs of each bug), all or none, not "
                   "'%s'", opt->name, val);
  return 2;
}
static int set_shard(const char *cmd, const Option *opt, const char *val, ExploreOptions *o) {
  char part[32];
  const char *slash = strchr(val, '/');
  size_t n = slash ? (size_t)(slash - val) : 0;
  uint64_t si = 0, sn = 0;
  if (n) snprintf(part, sizeof part, "%.*s", (int)(n < sizeof part ? n : sizeof part - 1), val);
  if (!slash || n >= sizeof part || args_u64(part, &si) || args_u64(slash + 1, &sn) ||
      sn < 1 || sn > UINT32_MAX || si < 1 || si > sn) { /* (not sscanf: "%u" takes -1) */
    usage_error(cmd, "%s needs I/N with 1 <= I <= N, got '%s'", opt->name, val);
    return 2;
  }
  o->shard = si - 1;
  o->nshards = sn;
  return 0;
}
/* --shrink-budget RUNS[,SECONDS] */
static int set_shrink_budget(const char *cmd, const Option *opt, const char *val,
                             ExploreOptions *o) {
  char runs[32];
  const char *comma = strchr(val, ',');
  size_t n = comma ? (size_t)(comma - val) : strlen(val);
  uint64_t r;
  char *end = NULL;
  double secs = comma ? strtod(comma + 1, &end) : o->shrink_seconds;
  if (n == 0 || n >= sizeof runs || (memcpy(runs, val, n), runs[n] = '\0', args_u64(runs, &r)) ||
      r == 0 || (comma && (end == comma + 1 || *end || !(secs > 0) || secs > 86400))) {
    usage_error(cmd, "%s needs RUNS or RUNS,SECONDS (runs and seconds per bug, above 0), got '%s'",
                opt->name, val);
    return 2;
  }
  o->shrink_runs = r;
  o->shrink_seconds = secs;
  return 0;
}

/* --detectors: "none", or a comma list of known detector names. */
static int set_detectors(const char *cmd, const Option *opt, const char *val,
                         ExploreOptions *o) {
  const char *const *names = detect_names();
  char list[256] = "";
  for (int i = 0; names[i]; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
  for (const char *p = val;; p++) {
    size_t n = strcspn(p, ",");
    int known = 0;
    for (int i = 0; names[i]; i++) known |= strlen(names[i]) == n && !strncmp(names[i], p, n);
    if (n == 0) {
      usage_error(cmd, "%s needs none or a comma list of detectors (%s), got '%s' with an "
                       "empty name", opt->name, list, val);
      return 2;
    }
    if (n == 4 && !strncmp(p, "none", 4) && strcmp(val, "none")) {
      usage_error(cmd, "%s: none turns every detector off and cannot be combined with "
                       "detector names, got '%s'", opt->name, val);
      return 2;
    }
    if (!known && strcmp(val, "none")) {
      usage_error(cmd, "%s: unknown detector '%.*s'; the detectors are %s, or none",
                  opt->name, (int)n, p, list);
      return 2;
    }
    p += n;
    if (!*p) break;
  }
  o->detectors = val;
  return 0;
}

static int set_strategy(const char *cmd, const Option *opt, const char *val,
                        ExploreOptions *o) {
  const StrategyOps *ops = strategy_find(val); /* (the registry is the only list) */
  if (!ops || !(ops->flags & STRAT_USER)) {
    usage_error(cmd, "%s must be %s, not '%s'", opt->name, strategy_user_list(), val);
    return 2;
  }
  o->strategy = val;
  return 0;
}

#define STRATEGY_OPTIONS "(strategies)"

static const Option options[] = {
    {"-D", "NAME=VALUE", NULL, 0, 0, 0, NULL,
     {"set a scenario parameter (param(NAME, default))",
      "set a scenario parameter (param(NAME, default))",
      "set a scenario parameter (param(NAME, default))"}},
    {"--strategy", "STRATEGY", set_strategy, 0, 0, 0, NULL,
     {"how to explore (default random)", "how to explore (default random)",
      "with --seed: the run's strategy (default random)"}},
    {"--runs", "N", set_u64, AT(runs), 1, UINT64_MAX, "a positive integer",
     {"run budget (default 1000; dfs spreads it over subtrees)",
      "run budget (default 1000; dfs spreads it over subtrees)", NULL}},
    {"--seed", "S", set_seed, 0, 0, UINT64_MAX, "a number (decimal or 0x hex)",
     {"base seed (run) or run seed (replay); decimal or 0x hex",
      "base seed, decimal or 0x hex (default: random)",
      "the run seed of the run to replay; decimal or 0x hex"}},
    {STRATEGY_OPTIONS, NULL, NULL, 0, 0, 0, NULL, {NULL, NULL, NULL}},
    {"--max-steps", "N", set_u32, AT(max_steps), 1, 100000000, NULL,
     {"steps per run before a step_limit finding (default 100000)",
      "steps per run before a step_limit finding (default 100000)",
      "steps per run before a step_limit finding (default 100000)"}},
    {"--max-instructions", "N", set_u64, AT(max_instructions), 1000, UINT64_MAX,
     "an integer >= 1000",
     {"Lua instructions per step (default 10000000)",
      "Lua instructions per step (default 10000000)",
      "Lua instructions per step (default 10000000)"}},
    {"--max-memory", "MIB", set_mib, AT(max_memory), 1, 1048576,
     "a size in MiB (1 to 1048576)",
     {"memory per run, Lua's and its record's (default 256)",
      "memory per run, Lua's and its record's (default 256)",
      "memory per run, Lua's and its record's (default 256)"}},
    {"--time-limit", "SECONDS", set_seconds, AT(time_limit), 0, 0,
     "a positive number of seconds",
     {"stop exploring after this long", "stop exploring after this long",
      "stop the replay after this long"}},
    {"--max-runs", "N", set_u64, AT(runs), 1, UINT64_MAX, "a positive integer",
     {"the same as --runs", "the same as --runs", NULL}},
    {"--db", "FILE", set_text, AT(db), 0, 0, "a file name (or use --no-db)",
     {"trace database (default racesim.db); --no-db for none",
      "trace database (default racesim.db); --no-db for none",
      "trace database (default racesim.db); --no-db for none"}},
    {"--no-db", NULL, set_null, AT(db), 0, 0, NULL, {NULL, NULL, NULL}},
    {"--record", "failing[:K]|all|none", set_record, AT(record), 0, 0, NULL,
     {"whose events are recorded: failing (default: the first 10\n"
      "failing runs of each bug; failing:K for K), all, or none",
      "whose events are recorded: failing (default: the first 10\n"
      "failing runs of each bug; failing:K for K), all, or none",
      "whose events are recorded (default failing)"}},
    {"--jobs", "J", set_int, AT(jobs), 1, 256, NULL,
     {"threads (default: one per core); same result for any J",
      "threads (default: one per core); same result for any J", NULL}},
    {"--shard", "I/N", set_shard, 0, 0, 0, NULL,
     {"run the I-th of N disjoint parts of the exploration\n"
      "(random, pct: runs; dfs: subtrees); racesim merge them",
      "run the I-th of N disjoint parts of the exploration\n"
      "(random, pct: runs; dfs: subtrees); racesim merge them",
      NULL}},
    {"--stop-first", NULL, set_true, AT(stop_first), 0, 0, NULL,
     {"stop at the first run that shows a bug (a data race\n"
      "alone, where lost updates are looked for, is not one)",
      "stop at the first run that shows a bug (a data race\n"
      "alone, where lost updates are looked for, is not one)",
      NULL}},
    {"--no-shrink", NULL, set_true, AT(no_shrink), 0, 0, NULL,
     {"do not look for shorter failing schedules",
      "do not look for shorter failing schedules", NULL}},
    {"--shrink-budget", "RUNS[,S]", set_shrink_budget, 0, 0, 0, NULL,
     {"runs and seconds per bug for the fewest preemptions\n"
      "(default 10000,10)",
      "runs and seconds per bug for the fewest preemptions\n"
      "(default 10000,10)", NULL}},
    {"--strict", NULL, set_true, AT(strict), 0, 0, NULL,
     {"threads sharing state racesim cannot see (a plain local,\n"
      "a global), or dfs drawing from math.random, is an error\n"
      "(exit 2), not a warning",
      "threads sharing state racesim cannot see (a plain local,\n"
      "a global), or dfs drawing from math.random, is an error\n"
      "(exit 2), not a warning",
      "threads sharing state racesim cannot see (a plain local,\n"
      "a global), or dfs drawing from math.random, is an error\n"
      "(exit 2), not a warning"}},
    {"--lock-graph", "FILE.dot", set_text, AT(lock_graph), 0, 0, NULL,
     {"write the lock-order graph for Graphviz", "write the lock-order graph for Graphviz",
      "write the lock-order graph for Graphviz"}},
    {"--detectors", "LIST", set_detectors, AT(detectors), 0, 0, NULL,
     {"only these detectors (comma list), or none",
      "only these detectors (comma list), or none",
      "only these detectors (comma list), or none"}},
    {"--schedule", "TOKEN", set_text, AT(schedule), 0, 0, NULL,
     {"replay: the schedule to replay", NULL,
      "the schedule token to replay (a finding's replay line)"}},
    {"--json", NULL, set_true, AT(json), 0, 0, NULL,
     {"print one JSON object instead of the summary",
      "print one JSON object instead of the summary",
      "print one JSON object (the summary and its events)"}},
    {"--quiet", NULL, set_true, AT(quiet), 0, 0, NULL,
     {"print only the summary", "print only the summary",
      "print only the summary, not the steps"}},
    {"--echo", NULL, set_true, AT(echo), 0, 0, NULL, {NULL, NULL, NULL}},
};

/* One line of help: the option and its argument, then 'text' at column 27
   (each of its lines; below the option when that is too long to share). */
static void print_option(FILE *f, const char *name, const char *arg, const char *text) {
  char col[64];
  snprintf(col, sizeof col, "%s%s%s", name, arg ? " " : "", arg ? arg : "");
  if (strlen(col) > 26) fprintf(f, "  %s\n%27s", col, "");
  else fprintf(f, "  %-24s%s", col, strlen(col) < 24 ? " " : "  ");
  for (const char *p = text; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    fprintf(f, "%s%.*s\n", p == text ? "" : "                           ", (int)n, p);
    p += n + (nl != NULL);
  }
}

/* The strategies' options (those of a tree search not for replay). */
static void print_strategy_options(FILE *f, int in) {
  const StrategyOps *ops;
  for (int i = 0; (ops = strategy_at(i)) != NULL; i++) {
    if (!(ops->flags & STRAT_USER) || !ops->options) continue;
    if (in == HELP_REPLAY && (ops->flags & STRAT_TREE)) continue;
    for (const StrategyOption *so = ops->options; so->name; so++) {
      char text[160];
      snprintf(text, sizeof text, "%s: %s", ops->name, so->help);
      print_option(f, so->name, so->arg, text);
    }
  }
}

/* Print the run/replay option lines of help 'in' (HELP_*). */
static void print_options(FILE *f, int in) {
  char names[96];
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
    const Option *opt = &options[i];
    if (!strcmp(opt->name, STRATEGY_OPTIONS)) print_strategy_options(f, in);
    if (!opt->help[in]) continue;
    const char *arg = opt->arg;
    if (arg && !strcmp(arg, "STRATEGY"))
      arg = strategy_user_names("|", in == HELP_REPLAY ? STRAT_TREE : 0, names, sizeof names);
    print_option(f, opt->name, arg, opt->help[in]);
  }
}

/* A strategy's option: a flag, or a number in its range. */
static int set_strategy_option(const char *cmd, const StrategyOption *so, const char *val,
                               ExploreOptions *o) {
  uint64_t u = (uint64_t)so->lo;
  if (so->arg && (args_u64(val, &u) || u < (uint64_t)so->lo || u > (uint64_t)so->hi)) {
    if (so->lo == 1 && so->hi == UINT32_MAX)
      usage_error(cmd, "%s needs a positive integer, got '%s'", so->name, val);
    else
      usage_error(cmd, "%s needs an integer from %lld to %lld, got '%s'", so->name,
                  (long long)so->lo, (long long)so->hi, val);
    return 2;
  }
  strategy_option_set(so, &o->strategy_cfg, (int64_t)u);
  return 0;
}

static const char usage_head[] =
    "racesim " RACESIM_VERSION " - a deterministic concurrency simulator and race detector\n"
    "\n"
    "usage:\n"
    "  racesim run SCRIPT [options]          explore interleavings of a scenario\n"
    "  racesim replay SCRIPT (--seed S | --schedule TOKEN) [options]\n"
    "                                        replay one run, step by step\n"
    "  racesim check PATH... [options]       run scenarios, compare with their expect\n"
    "  racesim report DB [--exploration ID] [--run N] [--html FILE] [--json]\n"
    "                                        summarise a trace database\n"
    "  racesim merge OUT.db IN.db...         merge trace databases (shards)\n"
    "  racesim new NAME                      write a starter scenario NAME.lua\n"
    "  racesim help [COMMAND]                this text, or one command's help\n"
    "  racesim COMMAND --help | -h           the same as racesim help COMMAND\n"
    "  racesim --version\n"
    "\n"
    "run and replay options:\n";

static const char exit_text[] =
    "\n"
    "exit status: 0 nothing found, 1 findings, 2 bad usage/script/database,\n"
    "130/143 interrupted (SIGINT/SIGTERM)\n";

static const char run_head[] =
    "usage: racesim run SCRIPT [options]\n"
    "\n"
    "Explore interleavings of the scenario SCRIPT with a strategy, to the run budget\n"
    "(dfs: until every interleaving is explored), record the runs in the trace\n"
    "database, and print every distinct finding with the command that replays it.\n"
    "\n"
    "options:\n";

static const char replay_head[] =
    "usage: racesim replay SCRIPT --schedule TOKEN [options]\n"
    "       racesim replay SCRIPT --seed S [--strategy random|pct] [options]\n"
    "\n"
    "Run one run of SCRIPT again, exactly, and print it step by step: by the\n"
    "schedule token of a finding's replay line (a run of any strategy), or by the\n"
    "run seed of a random or pct run (pct: with the same --depth and --pct-steps).\n"
    "\n"
    "options:\n";

static const char help_head[] =
    "usage: racesim help [COMMAND]\n"
    "       racesim COMMAND --help | -h\n"
    "\n"
    "Without COMMAND, print the general usage; with it, the usage and options of\n"
    "that command.\n";

static const char version_head[] =
    "usage: racesim --version | racesim version\n"
    "\n"
    "Print the version of racesim.\n";

static const char api_head[] =
    "usage: racesim api\n"
    "\n"
    "List the globals, classes and methods of the scenario API, one per line (for\n"
    "tests and editor definitions; not a stable interface).\n";

static void print_usage(FILE *f) {
  fputs(usage_head, f);
  print_options(f, HELP_GENERAL);
  fputs(exit_text, f);
}

void cli_free_options(ExploreOptions *o) {
  for (int i = 0; i < o->nparams; i++) {
    free(o->params[i].name);
    free(o->params[i].value);
  }
  free(o->params);
  o->params = NULL;
  o->nparams = 0;
}

/* -D NAME=VALUE (or -DNAME=VALUE) at argv[*i]: one more parameter. */
static int add_param(const char *cmd, int argc, char **argv, int *i, ExploreOptions *o) {
  const char *a = argv[*i];
  const char *val = a[2] ? a + 2 : (*i + 1 < argc ? argv[++*i] : NULL);
  const char *eq = val ? strchr(val, '=') : NULL;
  if (!val || !eq || eq == val) {
    usage_error(cmd, "-D needs NAME=VALUE");
    return 2;
  }
  if (strchr(val, '\n')) { /* (a token keeps parameters one a line) */
    usage_error(cmd, "-D %.*s: a parameter cannot contain a newline", (int)(eq - val), val);
    return 2;
  }
  for (int k = 0; k < o->nparams; k++) { /* again: the last value wins, as with cc -D */
    Param *q = &o->params[k];
    if (strlen(q->name) == (size_t)(eq - val) && !memcmp(q->name, val, (size_t)(eq - val))) {
      free(q->value);
      q->value = util_xstrdup(eq + 1);
      return 0;
    }
  }
  if (o->nparams == 64) {
    usage_error(cmd, "too many -D parameters");
    return 2;
  }
  Param *p = &o->params[o->nparams++];
  p->name = util_xmalloc((size_t)(eq - val) + 1);
  memcpy(p->name, val, (size_t)(eq - val));
  p->name[eq - val] = '\0';
  p->value = util_xstrdup(eq + 1);
  p->used = 0;
  return 0;
}

/* The options a replay would ignore: it runs one run, on this thread, and
   shows it as it was found. */
static int run_only(const char *name) {
  static const char *const only[] = {"--runs", "--max-runs", "--jobs", "--shard",
                                     "--stop-first", "--shrink-budget", NULL};
  for (int i = 0; only[i]; i++)
    if (!strcmp(name, only[i])) return 1;
  return 0;
}

/* Edits (insert, delete, replace, swap two) from a to b, up to 3 (a typo). */
static int typo_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > 40 || m > 40 || (n > m ? n - m : m - n) > 3) return 4;
  int d[41][41];
  for (size_t i = 0; i <= n; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= m; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[n][m];
}

/* The option 'name' is likely a typo of (--run: --runs), or NULL. */
static const char *likely_option(const char *name) {
  const char *best = NULL;
  int bd = 3; /* (closer than 3 edits, and fewer edits than half the name) */
  for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
    if (!options[k].set) continue;
    int dd = typo_distance(name, options[k].name);
    if (dd < bd && 2 * dd < (int)strlen(name)) best = options[k].name, bd = dd;
  }
  for (int i = 0; strategy_at(i); i++)
    for (const StrategyOption *so = strategy_at(i)->options; so && so->name; so++) {
      int dd = typo_distance(name, so->name);
      if (dd < bd && 2 * dd < (int)strlen(name)) best = so->name, bd = dd;
    }
  return best;
}

static const Option *find_option(const char *name) {
  for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
    if (options[k].set && !strcmp(options[k].name, name)) return &options[k];
  return NULL;
}

/* Parse run/replay options into 'o'.  Returns 0, or 2 after an error. */
int cli_parse_run_options(const char *cmd, int argc, char **argv, ExploreOptions *o) {
  const char *script = NULL;
  const StrategyOps *owners[8]; /* the strategy options given: whose they are */
  const char *given[8];
  int ngiven = 0;
  o->params = util_xcalloc(64, sizeof(Param)); /* freed by cli_free_options, also
                                                   after an error */
  o->nparams = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || a[1] == '\0') {
      if (script) {
        usage_error(cmd, "one script only (got '%s' and '%s')", script, a);
        return 2;
      }
      script = a;
      continue;
    }
    if (a[1] == 'D') {
      if (add_param(cmd, argc, argv, &i, o)) return 2;
      continue;
    }
    char name[64];
    snprintf(name, sizeof name, "%s", a);
    const char *val = NULL;
    char *eq = strchr(name, '=');
    if (eq) {
      *eq = '\0';
      val = a + (eq - name) + 1;
    }
    const Option *opt = find_option(name);
    const StrategyOps *owner = NULL;
    const StrategyOption *so = opt ? NULL : strategy_option(name, &owner);
    if (!opt && !so) {
      const char *like = likely_option(name);
      if (like) usage_error(cmd, "unknown option '%s' (did you mean %s?)", name, like);
      else usage_error(cmd, "unknown option '%s'", name);
      return 2;
    }
    if (opt && !strcmp(cmd, "replay") && run_only(opt->name)) { /* (it would do nothing) */
      usage_error(cmd, "%s is an option of racesim run: a replay runs one run, on this thread",
                  name);
      return 2;
    }
    if (!(opt ? opt->arg : so->arg)) { /* a flag */
      if (val) {
        usage_error(cmd, "%s takes no value", name);
        return 2;
      }
    } else if (!val) {
      if (i + 1 >= argc) {
        usage_error(cmd, "%s needs a value", name);
        return 2;
      }
      val = argv[++i];
    }
    if (opt ? opt->set(cmd, opt, val, o) : set_strategy_option(cmd, so, val, o)) return 2;
    if (so && ngiven < 8) owners[ngiven] = owner, given[ngiven++] = so->name;
  }
  /* (checked once --strategy is known: it may come after) */
  const StrategyOps *chosen = strategy_find(o->strategy);
  for (int k = 0; chosen && k < ngiven; k++) {
    if (o->schedule) {
      usage_error(cmd, "%s: a --schedule replay takes no strategy option (the token is the "
                       "whole schedule)", given[k]);
      return 2;
    }
    if (owners[k] == chosen) continue;
    usage_error(cmd, "%s is an option of --strategy %s, not of %s (it would do nothing)",
                given[k], owners[k]->name, chosen->name);
    return 2;
  }
  if (!script) {
    usage_error(cmd, "missing SCRIPT");
    return 2;
  }
  o->script = script;
  return 0;
}

/* racesim as it was invoked, when that is a path: the commands it prints
   (replay lines) use it, so that they work pasted into the same shell */
static const char *prog_name;

static int cmd_run(int argc, char **argv) {
  ExploreOptions o;
  explore_options_init(&o);
  o.command = EXPLORE_RUN;
  o.prog = prog_name;
  int rc = cli_parse_run_options("run", argc, argv, &o);
  if (!rc && o.schedule) {
    usage_error("run", "--schedule belongs to racesim replay");
    rc = 2;
  }
  if (!rc) rc = explore_main(&o);
  cli_free_options(&o);
  return rc;
}

static int cmd_replay(int argc, char **argv) {
  ExploreOptions o;
  explore_options_init(&o);
  o.command = EXPLORE_REPLAY;
  o.prog = prog_name;
  int rc = cli_parse_run_options("replay", argc, argv, &o);
  if (!rc && !o.schedule && !o.has_seed) {
    usage_error("replay", "give the run to replay: --seed S or --schedule TOKEN");
    rc = 2;
  } else if (!rc && o.schedule && o.has_seed) {
    usage_error("replay", "give --seed or --schedule, not both");
    rc = 2;
  } else if (!rc && (strategy_find(o.strategy)->flags & STRAT_TREE)) {
    usage_error("replay", "a dfs run is replayed with --schedule TOKEN");
    rc = 2;
  }
  if (!rc) {
    o.runs = 1;
    o.no_shrink = 1;
    rc = explore_main(&o);
  }
  cli_free_options(&o);
  return rc;
}

static int cmd_api(int argc, char **argv) {
  (void)argc, (void)argv;
  SimConfig cfg = {0};
  cfg.script = "/dev/null";
  char err[256];
  Sim *s = engine_open(&cfg, err, sizeof err);
  if (!s) return 2;
  StrBuf b;
  sb_init(&b);
  engine_list_api(s, &b);
  fputs(b.s ? b.s : "", stdout);
  sb_free(&b);
  engine_close(s);
  return 0;
}

static int cmd_version(int argc, char **argv) {
  (void)argc, (void)argv;
  printf("racesim %s\n", RACESIM_VERSION);
  return 0;
}

static int cmd_help(int argc, char **argv);

/*
** The commands.  A command's help is 'head' (its usage, what it does, and,
** for those that are not run or replay, its options), then the run/replay
** option lines of 'options' (HELP_*), then 'tail'.  'hidden' commands are
** left out of the general usage and of the list of commands.
*/
typedef struct Command {
  const char *name;
  int (*main)(int argc, char **argv);
  const char *head;
  int options; /* HELP_* of the run/replay option lines it lists, or -1 */
  const char *tail;
  int hidden;
} Command;

static const Command commands[] = {
    {"run", cmd_run, run_head, HELP_RUN, exit_text, 0},
    {"replay", cmd_replay, replay_head, HELP_REPLAY, exit_text, 0},
    {"check", cli_check, cli_check_help, -1, NULL, 0},
    {"report", cli_report, cli_report_help, -1, NULL, 0},
    {"merge", cli_merge, cli_merge_help, -1, NULL, 0},
    {"new", cli_new, cli_new_help, -1, NULL, 0},
    {"help", cmd_help, help_head, -1, NULL, 0},
    {"version", cmd_version, version_head, -1, NULL, 0},
    {"api", cmd_api, api_head, -1, NULL, 1}, /* for tests */
};

static const Command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(commands[i].name, name)) return &commands[i];
  return NULL;
}

static void print_help(const Command *c) {
  fputs(c->head, stdout);
  if (c->options >= 0) print_options(stdout, c->options);
  if (c->tail) fputs(c->tail, stdout);
}

/* "racesim: unknown command 'x'" and the commands there are, on stderr. */
static void unknown_command(const char *who, const char *name) {
  fprintf(stderr, "%s: unknown command '%s'; the commands are", who, name);
  int n = 0;
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!commands[i].hidden) fprintf(stderr, "%s %s", n++ ? "," : "", commands[i].name);
  fprintf(stderr, " (see racesim help)\n");
}

/* `racesim help [COMMAND]`: the general usage, or one command's help. */
static int cmd_help(int argc, char **argv) {
  if (argc == 0) {
    print_usage(stdout);
    return 0;
  }
  if (argc > 1) {
    usage_error("help", "one command at a time (got '%s' and '%s')", argv[0], argv[1]);
    return 2;
  }
  const Command *c = find_command(argv[0]);
  if (!c) {
    unknown_command("racesim help", argv[0]);
    return 2;
  }
  print_help(c);
  return 0;
}

/* 'rc', or 2 if what was printed on stdout could not all be written (a full
   disk, a closed descriptor): a silent loss of the output is not success. */
static int output_status(int rc) {
  errno = 0;
  int flushed = fflush(stdout) == 0;
  if (flushed && !ferror(stdout)) return rc;
  fprintf(stderr, "racesim: error: cannot write the output to stdout%s%s\n",
          errno ? ": " : "", errno ? strerror(errno) : "");
  return 2;
}

static int is_help_flag(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

int cli_main(int argc, char **argv) {
  if (argv[0] && strchr(argv[0], '/')) prog_name = argv[0];
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (is_help_flag(cmd)) cmd = "help"; /* racesim --help [COMMAND] */
  else if (!strcmp(cmd, "--version")) cmd = "version";
  const Command *c = find_command(cmd);
  if (!c) {
    unknown_command("racesim", cmd);
    return 2;
  }
  for (int i = 2; i < argc; i++) /* racesim COMMAND ... --help */
    if (is_help_flag(argv[i])) {
      print_help(c);
      return output_status(0);
    }
  return output_status(c->main(argc - 2, argv + 2));
}
