/*
** cli.c - the racesim command line: parse, check, dispatch.  Only this file
** (and main.c) prints usage errors and chooses exit statuses: 0 nothing
** found, 1 findings (or an expectation failed), 2 bad usage, bad script or
** bad database, 130/143 interrupted.
*/
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "sched.h"
#include "util.h"

static const char usage_text[] =
    "racesim " RACESIM_VERSION " - a deterministic concurrency simulator and race detector\n"
    "\n"
    "usage:\n"
    "  racesim run SCRIPT [options]          explore interleavings of a scenario\n"
    "  racesim replay SCRIPT (--seed S | --schedule TOKEN) [options]\n"
    "                                        replay one run, step by step\n"
    "  racesim check PATH...                 run scenarios, compare with their expect\n"
    "  racesim report DB [--exploration ID] [--run N] [--html FILE] [--json]\n"
    "                                        summarise a trace database\n"
    "  racesim merge OUT.db IN.db...         merge trace databases (shards)\n"
    "  racesim new NAME                      write a starter scenario NAME.lua\n"
    "  racesim help [COMMAND] | --version\n"
    "\n"
    "run and replay options:\n"
    "  -D NAME=VALUE            set a scenario parameter (param(NAME, default))\n"
    "  --strategy random|pct|dfs  how to explore (default random)\n"
    "  --runs N                 run budget (default 1000; dfs spreads it over subtrees)\n"
    "  --seed S                 base seed (run) or run seed (replay); decimal or 0x hex\n"
    "  --depth D                pct: bug depth, D-1 priority change points (default 3)\n"
    "  --pct-steps K            pct: steps the change points are drawn from (default: measured)\n"
    "  --preemption-bound K     dfs: explore schedules with at most K preemptions\n"
    "  --no-por                 dfs: plain exhaustive search, no partial-order reduction\n"
    "  --max-steps N            steps per run before a step_limit finding (default 100000)\n"
    "  --max-instructions N     Lua instructions per step (default 10000000)\n"
    "  --max-memory MIB         Lua memory per run (default 256)\n"
    "  --time-limit SECONDS     stop exploring after this long\n"
    "  --max-runs N             the same as --runs\n"
    "  --db FILE                trace database (default racesim.db); --no-db for none\n"
    "  --record failing|all|none  which runs get their events recorded (default failing)\n"
    "  --jobs J                 threads (default: one per core); same result for any J\n"
    "  --shard I/N              run the I-th of N disjoint parts of the exploration\n"
    "                           (random, pct: runs; dfs: subtrees); racesim merge them\n"
    "  --stop-first             stop at the first finding\n"
    "  --no-shrink              do not look for shorter failing schedules\n"
    "  --lock-graph FILE.dot    write the lock-order graph for Graphviz\n"
    "  --detectors LIST         only these detectors (comma list), or none\n"
    "  --schedule TOKEN         replay: the schedule to replay\n"
    "  --json                   print one JSON object instead of the summary\n"
    "  --quiet                  print only the summary\n"
    "\n"
    "exit status: 0 nothing found, 1 findings, 2 bad usage/script/database,\n"
    "130/143 interrupted (SIGINT/SIGTERM)\n";

static void usage_error(const char *cmd, const char *fmt, ...) UTIL_PRINTF(2, 3);
static void usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "racesim %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (see racesim help)\n");
  va_end(ap);
}

int cli_parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || *s == '-' || *s == '+') return -1;
  char *end;
  errno = 0;
  unsigned long long v;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (!s[2]) return -1;
    v = strtoull(s + 2, &end, 16);
  } else {
    v = strtoull(s, &end, 10);
  }
  if (errno || *end) return -1;
  *out = (uint64_t)v;
  return 0;
}

const char *cli_option_value(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != '\0') return NULL;
  if (*i + 1 >= argc) return "";
  return argv[++*i];
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
      if (strcmp(val, "random") && strcmp(val, "pct") && strcmp(val, "dfs")) {
        usage_error(cmd, "--strategy must be random, pct or dfs, not '%s'", val);
        return 2;
      }
      o->strategy = val;
    } else if (!strcmp(name, "--runs") || !strcmp(name, "--max-runs")) {
      if (cli_parse_u64(val, &u) || u == 0) {
        usage_error(cmd, "%s needs a positive integer, got '%s'", name, val);
        return 2;
      }
      o->runs = u;
    } else if (!strcmp(name, "--seed")) {
      if (cli_parse_u64(val, &u)) {
        usage_error(cmd, "--seed needs a number (decimal or 0x hex), got '%s'", val);
        return 2;
      }
      o->has_seed = 1;
      o->seed = u;
    } else if (!strcmp(name, "--depth")) {
      if (cli_parse_u64(val, &u) || u < 1 || u > 16) {
        usage_error(cmd, "--depth needs an integer from 1 to 16, got '%s'", val);
        return 2;
      }
      o->depth = (int)u;
    } else if (!strcmp(name, "--pct-steps")) {
      if (cli_parse_u64(val, &u) || u < 1 || u > UINT32_MAX) {
        usage_error(cmd, "--pct-steps needs a positive integer, got '%s'", val);
        return 2;
      }
      o->pct_steps = (uint32_t)u;
    } else if (!strcmp(name, "--preemption-bound")) {
      if (cli_parse_u64(val, &u) || u > 1000) {
        usage_error(cmd, "--preemption-bound needs an integer from 0 to 1000, got '%s'", val);
        return 2;
      }
      o->preemption_bound = (int)u;
    } else if (!strcmp(name, "--max-steps")) {
      if (cli_parse_u64(val, &u) || u < 1 || u > 100000000) {
        usage_error(cmd, "--max-steps needs an integer from 1 to 100000000, got '%s'", val);
        return 2;
      }
      o->max_steps = (uint32_t)u;
    } else if (!strcmp(name, "--max-instructions")) {
      if (cli_parse_u64(val, &u) || u < 1000) {
        usage_error(cmd, "--max-instructions needs an integer >= 1000, got '%s'", val);
        return 2;
      }
      o->max_instructions = u;
    } else if (!strcmp(name, "--max-memory")) {
      if (cli_parse_u64(val, &u) || u < 1 || u > 1048576) {
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
      if (cli_parse_u64(val, &u) || u < 1 || u > 256) {
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

static int cmd_run(int argc, char **argv) {
  ExploreOptions o;
  explore_options_init(&o);
  o.command = "run";
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
  int rc = cli_parse_run_options("replay", argc, argv, &o);
  if (!rc && !o.schedule && !o.has_seed) {
    usage_error("replay", "give the run to replay: --seed S or --schedule TOKEN");
    rc = 2;
  } else if (!rc && o.schedule && o.has_seed) {
    usage_error("replay", "give --seed or --schedule, not both");
    rc = 2;
  } else if (!rc && !strcmp(o.strategy, "dfs")) {
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

int cli_main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_text, stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("racesim %s\n", RACESIM_VERSION);
    return 0;
  }
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(usage_text, stdout);
      return 0;
    }
  if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "replay")) return cmd_replay(argc - 2, argv + 2);
  if (!strcmp(cmd, "check")) return cli_check(argc - 2, argv + 2);
  if (!strcmp(cmd, "report")) return cli_report(argc - 2, argv + 2);
  if (!strcmp(cmd, "merge")) return cli_merge(argc - 2, argv + 2);
  if (!strcmp(cmd, "new")) return cli_new(argc - 2, argv + 2);
  if (!strcmp(cmd, "api")) { /* undocumented: the scenario API, for tests */
    SimConfig cfg = {0};
    cfg.script = "/dev/null";
    char err[256];
    Sim *s = sched_open(&cfg, err, sizeof err);
    if (!s) return 2;
    StrBuf b;
    sb_init(&b);
    sched_list_api(s, &b);
    fputs(b.s ? b.s : "", stdout);
    sb_free(&b);
    sched_close(s);
    return 0;
  }
  fprintf(stderr, "racesim: unknown command '%s' (run, replay, check, report, merge, new)\n", cmd);
  return 2;
}
