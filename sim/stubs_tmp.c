#include <stdio.h>
#include "cli.h"
int cli_report(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "racesim report: not yet\n"); return 2; }
int cli_merge(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "racesim merge: not yet\n"); return 2; }
