/*
** engine.c - the explorer's view of the engine (engine.h), and the
** composition root: the one place that puts the scheduler, the sandbox
** (scenario.c) and the primitives (sync/) together.  A run is the
** strategy's begin_run, the scheduler's run, the strategy's end_run.
*/
#include "engine.h"

#include "sandbox.h"
#include "sched.h"
#include "sync.h"

Sim *engine_open(const SimConfig *cfg, char *err, size_t errlen) {
  static const SchedParts parts = {&scenario_sandbox, sync_open, &thread_class};
  return sched_open(cfg, &parts, err, errlen);
}

void engine_close(Sim *e) { sched_close(e); }

SimRun *engine_run(Sim *e, Strategy *s, DetectorSet *dets, uint64_t i, uint64_t number) {
  uint64_t seed;
  if (s->ops->begin_run(s, i, &seed)) return NULL;
  sched_run(e, s, dets, number, seed);
  SimRun *r = sched_result(e);
  s->ops->end_run(s, r);
  return r;
}

SimRun *engine_result(Sim *e) { return sched_result(e); }

void engine_take_run(Sim *e, SimRun *out) { run_take(out, sched_result(e)); }

const char *engine_error(const Sim *e, const Strategy *s) {
  return s && s->err[0] ? s->err : sched_error(e);
}

void engine_set_cut(Sim *e, const atomic_int *flag, double deadline) {
  sched_set_cut(e, flag, deadline);
}

void engine_set_tick(Sim *e, void (*fn)(void *ud), void *ud) { sched_set_tick(e, fn, ud); }

void engine_set_op_sites(Sim *e, int on) { sched_set_op_sites(e, on); }

const char *engine_source(const Sim *e, size_t *len) { return sched_source(e, len); }
const char *engine_sha256(const Sim *e) { return sched_sha256(e); }
size_t engine_mem_peak(const Sim *e) { return sched_mem_peak(e); }
void engine_list_api(Sim *e, StrBuf *out) { sched_list_api(e, out); }
const char *engine_unused_param(const Sim *e, int i) { return sched_unused_param(e, i); }

void engine_adopt_params(Sim *e, const Sim *other) { sched_adopt_params(e, other); }
