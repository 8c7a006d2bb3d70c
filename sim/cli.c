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

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "util.h"

/* Which help texts an option line belongs to. */
enum { HELP_GENERAL = 1, HELP_RUN = 2, HELP_REPLAY = 4, HELP_ALL = 7 };

/*
** The options of run and replay, one line each: the general usage lists the
** HELP_GENERAL lines, `racesim run --help` the HELP_RUN ones, `racesim
** replay --help` the HELP_REPLAY ones.  An option whose wording differs per
** command has one line for each.
*/
static const struct {
  const char *text;
  unsigned in;
} run_options[] = {
    {"  -D NAME=VALUE            set a scenario parameter (param(NAME, default))\n", HELP_ALL},
    {"  --strategy random|pct|dfs  how to explore (default random)\n",
     HELP_GENERAL | HELP_RUN},
    {"  --strategy random|pct    with --seed: the run's strategy (default random)\n",
     HELP_REPLAY},
    {"  --runs N                 run budget (default 1000; dfs spreads it over subtrees)\n",
     HELP_GENERAL | HELP_RUN},
    {"  --seed S                 base seed (run) or run seed (replay); decimal or 0x hex\n",
     HELP_GENERAL},
    {"  --seed S                 base seed, decimal or 0x hex (default: random)\n",
     HELP_RUN},
    {"  --seed S                 the run seed of the run to replay; decimal or 0x hex\n",
     HELP_REPLAY},
    {"  --depth D                pct: bug depth, D-1 priority change points (default 3)\n",
     HELP_ALL},
    {"  --pct-steps K            pct: steps the change points are drawn from (default: "
     "measured)\n",
     HELP_ALL},
    {"  --preemption-bound K     dfs: explore schedules with at most K preemptions\n",
     HELP_GENERAL | HELP_RUN},
    {"  --no-por                 dfs: plain exhaustive search, no partial-order reduction\n",
     HELP_GENERAL | HELP_RUN},
    {"  --max-steps N            steps per run before a step_limit finding (default 100000)\n",
     HELP_ALL},
    {"  --max-instructions N     Lua instructions per step (default 10000000)\n", HELP_ALL},
    {"  --max-memory MIB         Lua memory per run (default 256)\n", HELP_ALL},
    {"  --time-limit SECONDS     stop exploring after this long\n", HELP_GENERAL | HELP_RUN},
    {"  --time-limit SECONDS     stop the replay after this long\n", HELP_REPLAY},
    {"  --max-runs N             the same as --runs\n", HELP_GENERAL | HELP_RUN},
    {"  --db FILE                trace database (default racesim.db); --no-db for none\n",
     HELP_ALL},
    {"  --record failing|all|none  which runs get their events recorded (default failing)\n",
     HELP_ALL},
    {"  --jobs J                 threads (default: one per core); same result for any J\n",
     HELP_GENERAL | HELP_RUN},
    {"  --shard I/N              run the I-th of N disjoint parts of the exploration\n"
     "                           (random, pct: runs; dfs: subtrees); racesim merge them\n",
     HELP_GENERAL | HELP_RUN},
    {"  --stop-first             stop at the first run that shows a bug (a data race\n"
     "                           alone, where lost updates are looked for, is not one)\n",
     HELP_GENERAL | HELP_RUN},
    {"  --no-shrink              do not look for shorter failing schedules\n",
     HELP_GENERAL | HELP_RUN},
    {"  --lock-graph FILE.dot    write the lock-order graph for Graphviz\n", HELP_ALL},
    {"  --detectors LIST         only these detectors (comma list), or none\n", HELP_ALL},
    {"  --schedule TOKEN         replay: the schedule to replay\n", HELP_GENERAL},
    {"  --schedule TOKEN         the schedule token to replay (a finding's replay line)\n",
     HELP_REPLAY},
    {"  --json                   print one JSON object instead of the summary\n",
     HELP_GENERAL | HELP_RUN},
    {"  --json                   print one JSON object (the summary and its events)\n",
     HELP_REPLAY},
    {"  --quiet                  print only the summary\n", HELP_GENERAL | HELP_RUN},
    {"  --quiet                  print only the summary, not the steps\n", HELP_REPLAY},
};

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

/* Print the run/replay option lines that belong to 'in' (HELP_*). */
static void print_options(FILE *f, unsigned in) {
  for (size_t i = 0; i < sizeof run_options / sizeof run_options[0]; i++)
    if (run_options[i].in & in) fputs(run_options[i].text, f);
}

static void print_usage(FILE *f) {
  fputs(usage_head, f);
  print_options(f, HELP_GENERAL);
  fputs(exit_text, f);
}

static void usage_error(const char *cmd, const char *fmt, ...) UTIL_PRINTF(2, 3);
static void usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "racesim %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (see racesim %s --help)\n", cmd);
  va_end(ap);
}



static int parse_double(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || !*s || v < 0 || v != v) return -1;
  *out = v;
  return 0;
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

/* Parse run/replay options into 'o'.  Returns 0, or 2 after an error. */
int cli_parse_run_options(const char *cmd, int argc, char **argv, ExploreOptions *o) {
  const char *script = NULL;
  Param *params = util_xcalloc(64, sizeof(Param));
  int np = 0;
  o->params = params; /* freed by cli_free_options, also after an error */
  o->nparams = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *val = NULL;
    char name[64];
    if (a[0] != '-' || a[1] == '\0') {
      if (script) {
        usage_error(cmd, "one script only (got '%s' and '%s')", script, a);
        return 2;
      }
      script = a;
      continue;
    }
    if (a[1] == 'D') { /* -D NAME=VALUE or -DNAME=VALUE */
      val = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
      const char *eq = val ? strchr(val, '=') : NULL;
      if (!val || !eq || eq == val) {
        usage_error(cmd, "-D needs NAME=VALUE");
        return 2;
      }
      if (np == 64) {
        usage_error(cmd, "too many -D parameters");
        return 2;
      }
      params[np].name = util_xmalloc((size_t)(eq - val) + 1);
      memcpy(params[np].name, val, (size_t)(eq - val));
      params[np].name[eq - val] = '\0';
      params[np].value = util_xstrdup(eq + 1);
      params[np].used = 0;
      o->nparams = ++np;
      continue;
    }
    snprintf(name, sizeof name, "%s", a);
    char *eq = strchr(name, '=');
    if (eq) {
      *eq = '\0';
      val = a + (eq - name) + 1;
    }
    /* flags without a value */
    static const char *const flags[] = {"--stop-first", "--json",   "--quiet", "--no-shrink",
                                        "--no-db",      "--no-por", "--echo",  NULL};
    int is_flag = 0;
    for (int k = 0; flags[k]; k++) is_flag |= strcmp(name, flags[k]) == 0;
    if (is_flag) {
      if (val) {
        usage_error(cmd, "%s takes no value", name);
        return 2;
      }
      if (!strcmp(name, "--stop-first")) o->stop_first = 1;
      else if (!strcmp(name, "--json")) o->json = 1;
      else if (!strcmp(name, "--quiet")) o->quiet = 1;
      else if (!strcmp(name, "--no-shrink")) o->no_shrink = 1;
      else if (!strcmp(name, "--no-db")) o->db = NULL;
      else if (!strcmp(name, "--no-por")) o->por = 0;
      else o->echo = 1;
      continue;
    }
    static const char *const valued[] = {
        "--strategy",  "--runs",      "--seed",      "--depth",     "--pct-steps",
        "--preemption-bound", "--max-steps", "--max-instructions", "--max-memory",
        "--time-limit", "--max-runs", "--db",        "--record",    "--jobs",
        "--shard",     "--schedule",  "--lock-graph", "--detectors", NULL};
    int known = 0;
    for (int k = 0; valued[k]; k++) known |= strcmp(name, valued[k]) == 0;
    if (!known) {
      usage_error(cmd, "unknown option '%s'", name);
      return 2;
    }
    if (!val) {
      if (i + 1 >= argc) {
        usage_error(cmd, "%s needs a value", name);
        return 2;
      }
      val = argv[++i];
    }
    uint64_t u;
    double d;
    if (!strcmp(name, "--strategy")) {
      const StrategyOps *ops = strategy_find(val); /* (the registry is the only list) */
      if (!ops || !(ops->flags & STRAT_USER)) {
        usage_error(cmd, "--strategy must be %s, not '%s'", strategy_user_list(), val);
        return 2;
      }
      o->strategy = val;
    } else if (!strcmp(name, "--runs") || !strcmp(name, "--max-runs")) {
      if (args_u64(val, &u) || u == 0) {
        usage_error(cmd, "%s needs a positive integer, got '%s'", name, val);
        return 2;
      }
      o->runs = u;
    } else if (!strcmp(name, "--seed")) {
      if (args_u64(val, &u)) {
        usage_error(cmd, "--seed needs a number (decimal or 0x hex), got '%s'", val);
        return 2;
      }
      o->has_seed = 1;
      o->seed = u;
    } else if (!strcmp(name, "--depth")) {
      if (args_u64(val, &u) || u < 1 || u > 16) {
        usage_error(cmd, "--depth needs an integer from 1 to 16, got '%s'", val);
        return 2;
      }
      o->depth = (int)u;
    } else if (!strcmp(name, "--pct-steps")) {
      if (args_u64(val, &u) || u < 1 || u > UINT32_MAX) {
        usage_error(cmd, "--pct-steps needs a positive integer, got '%s'", val);
        return 2;
      }
      o->pct_steps = (uint32_t)u;
    } else if (!strcmp(name, "--preemption-bound")) {
      if (args_u64(val, &u) || u > 1000) {
        usage_error(cmd, "--preemption-bound needs an integer from 0 to 1000, got '%s'", val);
        return 2;
      }
      o->preemption_bound = (int)u;
    } else if (!strcmp(name, "--max-steps")) {
      if (args_u64(val, &u) || u < 1 || u > 100000000) {
        usage_error(cmd, "--max-steps needs an integer from 1 to 100000000, got '%s'", val);
        return 2;
      }
      o->max_steps = (uint32_t)u;
    } else if (!strcmp(name, "--max-instructions")) {
      if (args_u64(val, &u) || u < 1000) {
        usage_error(cmd, "--max-instructions needs an integer >= 1000, got '%s'", val);
        return 2;
      }
      o->max_instructions = u;
    } else if (!strcmp(name, "--max-memory")) {
      if (args_u64(val, &u) || u < 1 || u > 1048576) {
        usage_error(cmd, "--max-memory needs a size in MiB (1 to 1048576), got '%s'", val);
        return 2;
      }
      o->max_memory = (size_t)u << 20;
    } else if (!strcmp(name, "--time-limit")) {
      if (parse_double(val, &d) || d <= 0) {
        usage_error(cmd, "--time-limit needs a positive number of seconds, got '%s'", val);
        return 2;
      }
      o->time_limit = d;
    } else if (!strcmp(name, "--db")) {
      if (!*val) {
        usage_error(cmd, "--db needs a file name (or use --no-db)");
        return 2;
      }
      o->db = val;
    } else if (!strcmp(name, "--record")) {
      if (!strcmp(val, "failing")) o->record = RECORD_FAILING;
      else if (!strcmp(val, "all")) o->record = RECORD_ALL;
      else if (!strcmp(val, "none")) o->record = RECORD_NONE;
      else {
        usage_error(cmd, "--record must be failing, all or none, not '%s'", val);
        return 2;
      }
    } else if (!strcmp(name, "--jobs")) {
      if (args_u64(val, &u) || u < 1 || u > 256) {
        usage_error(cmd, "--jobs needs an integer from 1 to 256, got '%s'", val);
        return 2;
      }
      o->jobs = (int)u;
    } else if (!strcmp(name, "--shard")) {
      unsigned si, sn;
      char extra;
      if (sscanf(val, "%u/%u%c", &si, &sn, &extra) != 2 || sn < 1 || si < 1 || si > sn) {
        usage_error(cmd, "--shard needs I/N with 1 <= I <= N, got '%s'", val);
        return 2;
      }
      o->shard = si - 1;
      o->nshards = sn;
    } else if (!strcmp(name, "--schedule")) {
      o->schedule = val;
    } else if (!strcmp(name, "--lock-graph")) {
      o->lock_graph = val;
    } else if (!strcmp(name, "--detectors")) {
      o->detectors = val;
    }
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
  o.command = "run";
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
  o.command = "replay";
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
  unsigned options;
  const char *tail;
  int hidden;
} Command;

static const Command commands[] = {
    {"run", cmd_run, run_head, HELP_RUN, exit_text, 0},
    {"replay", cmd_replay, replay_head, HELP_REPLAY, exit_text, 0},
    {"check", cli_check, cli_check_help, 0, NULL, 0},
    {"report", cli_report, cli_report_help, 0, NULL, 0},
    {"merge", cli_merge, cli_merge_help, 0, NULL, 0},
    {"new", cli_new, cli_new_help, 0, NULL, 0},
    {"help", cmd_help, help_head, 0, NULL, 0},
    {"version", cmd_version, version_head, 0, NULL, 0},
    {"api", cmd_api, api_head, 0, NULL, 1}, /* for tests */
};

static const Command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(commands[i].name, name)) return &commands[i];
  return NULL;
}

static void print_help(const Command *c) {
  fputs(c->head, stdout);
  if (c->options) print_options(stdout, c->options);
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
      return 0;
    }
  return c->main(argc - 2, argv + 2);
}
