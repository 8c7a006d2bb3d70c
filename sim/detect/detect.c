/*
** detect.c - the registry of detectors and the dispatch of events to them.
*/
#include "detect.h"

#include <stdio.h>
#include <string.h>

extern const DetectorOps detector_lost_update_ops;
extern const DetectorOps detector_deadlock_ops;
extern const DetectorOps detector_barrier_ops;
extern const DetectorOps detector_lockorder_ops;
extern const DetectorOps detector_race_ops;

static const DetectorOps *const registry[] = {
    &detector_lost_update_ops, &detector_race_ops,     &detector_deadlock_ops,
    &detector_barrier_ops,     &detector_lockorder_ops, NULL};

static const char *names[sizeof registry / sizeof registry[0]];

const char *const *detect_names(void) {
  for (int i = 0; registry[i]; i++) names[i] = registry[i]->name;
  return names;
}

static int listed(const char *only, const char *name) {
  size_t n = strlen(name);
  for (const char *p = only; (p = strstr(p, name)) != NULL; p += n)
    if ((p == only || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return 1;
  return 0;
}

int detect_open(DetectorSet *set, const char *only, char *err, size_t errlen) {
  memset(set, 0, sizeof *set);
  int none = only && !strcmp(only, "none");
  if (only && *only && !none) { /* every name must exist */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", only);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
      int found = 0;
      for (int i = 0; registry[i]; i++) found |= strcmp(registry[i]->name, tok) == 0;
      if (!found) {
        int len = snprintf(err, errlen, "unknown detector '%s' (--detectors takes", tok);
        for (int i = 0; registry[i] && len > 0 && (size_t)len < errlen; i++)
          len += snprintf(err + len, errlen - (size_t)len, " %s,", registry[i]->name);
        if (len > 0 && (size_t)len < errlen)
          snprintf(err + len, errlen - (size_t)len,
                   " or none; a deadlock or a stuck state, a failed check, an error and the "
                   "step limit are always reported)");
        return -1;
      }
    }
  }
  for (int i = 0; registry[i]; i++) {
    int chosen = only && *only ? !none && listed(only, registry[i]->name) : 1;
    if (!chosen && !registry[i]->always) continue;
    Detector *d = registry[i]->create();
    d->ops = registry[i];
    set->d[set->n++] = d;
    set->opmask |= registry[i]->opmask;
  }
  return 0;
}

void detect_close(DetectorSet *set) {
  for (int i = 0; i < set->n; i++) set->d[i]->ops->destroy(set->d[i]);
  set->n = 0;
}

void detect_begin_run(DetectorSet *set, SimRun *r) {
  for (int i = 0; i < set->n; i++)
    if (set->d[i]->ops->begin_run) set->d[i]->ops->begin_run(set->d[i], r);
}

void detect_event(DetectorSet *set, SimRun *r, uint32_t ev) {
  uint64_t bit = DET_OP(r->events[ev].op);
  if (!(set->opmask & bit)) return;
  for (int i = 0; i < set->n; i++)
    if (set->d[i]->ops->opmask & bit) set->d[i]->ops->on_event(set->d[i], r, ev);
}

void detect_end_run(DetectorSet *set, SimRun *r) {
  for (int i = 0; i < set->n; i++)
    if (set->d[i]->ops->end_run) set->d[i]->ops->end_run(set->d[i], r);
}

Detector *detect_find(const DetectorSet *set, const char *name) {
  for (int i = 0; i < set->n; i++)
    if (strcmp(set->d[i]->ops->name, name) == 0) return set->d[i];
  return NULL;
}
