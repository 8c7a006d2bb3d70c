/*
** cli.h - the command line of racesim (see cli.c for the exit statuses).
*/
#ifndef RACESIM_CLI_H
#define RACESIM_CLI_H

#include <stdint.h>

int cli_main(int argc, char **argv);

/*
** Parse the options of `run` or `replay` (argv without the command) into
** 'o' (an ExploreOptions); returns 0, or 2 after printing a usage error.
** cli_free_options frees what parsing allocated.
*/
struct ExploreOptions;
int cli_parse_run_options(const char *cmd, int argc, char **argv, struct ExploreOptions *o);
void cli_free_options(struct ExploreOptions *o);

/*
** Subcommands implemented in their own files, each with its help text
** (usage, what it does, options, exit status) for `racesim help COMMAND`.
*/
int cli_check(int argc, char **argv);  /* check.c */
int cli_report(int argc, char **argv); /* report.c */
int cli_merge(int argc, char **argv);  /* merge.c */
int cli_new(int argc, char **argv);    /* check.c */
extern const char cli_check_help[], cli_report_help[], cli_merge_help[], cli_new_help[];

#endif
