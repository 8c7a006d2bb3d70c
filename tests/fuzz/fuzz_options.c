/*
** fuzz_options.c - libFuzzer harness: the option parser of `racesim run`
** and `replay`, fed argument vectors made from the input (split at NUL or
** newline bytes).  It must answer every vector with 0 or a usage error,
** never crash or leak.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "cli.h"
#include "explore.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int devnull = -1, saved = -1;
  if (devnull < 0) devnull = open("/dev/null", O_WRONLY), saved = dup(2);
  char *buf = util_xmalloc(size + 1);
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[64];
  int argc = 0;
  char *p = buf;
  for (size_t i = 0; i <= size && argc < 63; i++)
    if (buf[i] == '\0' || buf[i] == '\n') {
      buf[i] = '\0';
      argv[argc++] = p;
      p = buf + i + 1;
    }
  argv[argc] = NULL;
  ExploreOptions o;
  explore_options_init(&o);
  fflush(stderr);
  dup2(devnull, 2); /* usage errors: not libFuzzer's output */
  int rc = cli_parse_run_options(size && data[0] & 1 ? "replay" : "run", argc, argv, &o);
  fflush(stderr);
  dup2(saved, 2);
  if (rc != 0 && rc != 2) abort();
  cli_free_options(&o);
  free(buf);
  return 0;
}
