/*
** finding.c - the distinct findings of an exploration.
*/
#include "finding.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void finding_init(FindingStore *fs) { memset(fs, 0, sizeof *fs); }

void finding_free(FindingStore *fs) {
  for (size_t i = 0; i < fs->n; i++) {
    free(fs->v[i].message);
    free(fs->v[i].schedule);
    free(fs->v[i].replay);
    free(fs->v[i].shrunk_schedule);
    free(fs->v[i].note);
    free(fs->v[i].dec);
  }
  free(fs->v);
  finding_init(fs);
}

Distinct *finding_get(FindingStore *fs, uint64_t sig) {
  for (size_t i = 0; i < fs->n; i++)
    if (fs->v[i].sig == sig) return &fs->v[i];
  return NULL;
}

Distinct *finding_add(FindingStore *fs, uint64_t sig, uint8_t kind) {
  UTIL_GROW(fs->v, fs->n + 1, fs->cap);
  Distinct *d = &fs->v[fs->n++];
  memset(d, 0, sizeof *d);
  d->sig = sig;
  d->kind = kind;
  return d;
}

static int cmp(const void *a, const void *b) {
  const Distinct *x = a, *y = b;
  if (x->first_run != y->first_run) return x->first_run < y->first_run ? -1 : 1;
  if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
  return (x->sig > y->sig) - (x->sig < y->sig);
}

void finding_sort(FindingStore *fs) {
  if (fs->n > 1) qsort(fs->v, fs->n, sizeof(Distinct), cmp);
}
