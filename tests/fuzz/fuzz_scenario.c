/*
** fuzz_scenario.c - libFuzzer harness: any Lua source, loaded and run as a
** scenario in the sandbox (a few random runs, every detector on, small
** limits).  A broken scenario must give a clean error; a running one
** findings; racesim itself must never crash, hang or leak.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  SimConfig cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.script = "fuzz.lua";
  cfg.source = (const char *)data;
  cfg.source_len = size;
  cfg.max_steps = 2000;
  cfg.max_instructions = 200000;
  cfg.max_memory = (size_t)32 << 20;
  char err[512];
  Sim *s = engine_open(&cfg, err, sizeof err);
  if (!s) return 0; /* a syntax error: reported, fine */
  /* A scenario may legally spend its whole budget in every step (2,000
     steps of 200,000 instructions, nine runs: minutes under the
     sanitizers): bound each input's wall time as --time-limit does, so that
     libFuzzer's timeout catches hangs of racesim, not long scenarios. */
  engine_set_cut(s, NULL, util_now() + 3.0);
  DetectorSet dets;
  if (detect_open(&dets, NULL, err, sizeof err) != 0) abort();
  static const char *const strategies[] = {"random", "pct", "dfs"};
  for (int k = 0; k < 3; k++) {
    StrategyConfig c;
    strategy_config_init(&c);
    c.base_seed = size;
    c.pct_steps = 50;
    c.max_runs = 8;
    Strategy *st = strategy_create(strategies[k], &c);
    for (uint64_t i = 0; i < 3; i++)
      if (!engine_run(s, st, &dets, i, i)) break;
    strategy_destroy(st);
  }
  detect_close(&dets);
  engine_close(s);
  return 0;
}
