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
    free(fs->v[i].shrunk_msg);
    free(fs->v[i].shrunk_conseq);
    free(fs->v[i].shrunk_head);
    free(fs->v[i].note);
    free(fs->v[i].dec);
    free(fs->v[i].causes);
    free(fs->v[i].where);
    free(fs->v[i].related);
    free(fs->v[i].conseq);
    finding_clear_with(&fs->v[i]);
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

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Both sets are kept sorted: what is recorded does not depend on the order
   in which runs came in (dfs subtrees with --jobs). */
void finding_note_causes(Distinct *d, const uint64_t *sigs, size_t n) {
  if (!d->causes_known) {
    d->causes_known = 1;
    d->causes = util_xmalloc(sizeof(uint64_t) * (n ? n : 1));
    if (n) memcpy(d->causes, sigs, sizeof(uint64_t) * n);
    d->ncauses = (uint32_t)n;
    if (n > 1) qsort(d->causes, n, sizeof(uint64_t), cmp_u64);
    return;
  }
  uint32_t k = 0;
  for (uint32_t i = 0; i < d->ncauses; i++) {
    int in = 0;
    for (size_t j = 0; j < n && !in; j++) in = sigs[j] == d->causes[i];
    if (in) d->causes[k++] = d->causes[i];
  }
  d->ncauses = k;
}

uint64_t finding_family(const char *where) {
  const char *cut = strpbrk(where, "[.");
  if (!cut || cut == where) return 0;
  return util_fnv(UTIL_FNV_INIT, where, (size_t)(cut - where));
}

void finding_note_related(Distinct *d, const uint64_t *sigs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int have = 0;
    for (uint32_t j = 0; j < d->nrelated && !have; j++) have = d->related[j] == sigs[i];
    if (have) continue;
    d->related = util_xrealloc(d->related, sizeof(uint64_t) * (d->nrelated + 1));
    uint32_t k = d->nrelated++;
    for (; k > 0 && d->related[k - 1] > sigs[i]; k--) d->related[k] = d->related[k - 1];
    d->related[k] = sigs[i];
  }
}

/* Move the fields of 'b' that say which run shows it into 'a'. */
static void take_run(Distinct *a, Distinct *b) {
  finding_clear_with(a);
  a->first_run = b->first_run;
  a->seed = b->seed;
  a->steps = b->steps;
  a->preemptions = b->preemptions;
#define TAKE(f) (free(a->f), a->f = b->f, b->f = NULL)
  TAKE(message);
  TAKE(schedule);
  TAKE(replay);
  TAKE(shrunk_schedule);
  TAKE(shrunk_msg);
  TAKE(shrunk_conseq);
  TAKE(shrunk_head);
  TAKE(conseq);
  TAKE(dec);
  TAKE(with_sig);
  TAKE(with_msg);
#undef TAKE
  a->nwith = b->nwith;
  b->nwith = 0;
  a->ndec = b->ndec;
  a->shrunk = b->shrunk;
  a->shrunk_steps = b->shrunk_steps;
  a->shrunk_preemptions = b->shrunk_preemptions;
  a->shrink = b->shrink;
  a->shrink_lower = b->shrink_lower;
  a->shrink_why = b->shrink_why;
}

void finding_merge(FindingStore *into, FindingStore *from) {
  for (size_t i = 0; i < from->n; i++) {
    Distinct *b = &from->v[i];
    Distinct *a = finding_get(into, b->sig);
    if (!a) {
      UTIL_GROW(into->v, into->n + 1, into->cap);
      into->v[into->n++] = *b;
      memset(b, 0, sizeof *b);
      continue;
    }
    /* a potential deadlock is one per exploration, however many parts saw it */
    a->count = a->kind == FIND_POTENTIAL_DEADLOCK ? 1 : a->count + b->count;
    if (b->first_run < a->first_run) take_run(a, b);
    if (b->causes_known) finding_note_causes(a, b->causes, b->ncauses);
    finding_note_related(a, b->related, b->nrelated);
    if (!a->note) a->note = b->note, b->note = NULL;
  }
  finding_free(from);
}

void finding_clear_with(Distinct *d) {
  for (uint32_t i = 0; i < d->nwith; i++) free(d->with_msg[i]);
  free(d->with_msg);
  free(d->with_sig);
  d->with_msg = NULL;
  d->with_sig = NULL;
  d->nwith = 0;
}

void finding_add_with(Distinct *d, uint64_t sig, const char *msg) {
  d->with_sig = util_xrealloc(d->with_sig, sizeof(uint64_t) * (d->nwith + 1));
  d->with_msg = util_xrealloc(d->with_msg, sizeof(char *) * (d->nwith + 1));
  d->with_sig[d->nwith] = sig;
  d->with_msg[d->nwith++] = util_xstrdup(msg);
}

const char *finding_with(const Distinct *d, uint64_t sig) {
  for (uint32_t i = 0; i < d->nwith; i++)
    if (d->with_sig[i] == sig) return d->with_msg[i];
  return NULL;
}

/*
** What the search for the fewest preemptions found: "minimal: 1 preemption,
** 12 steps (from 3, 12)" when no schedule with fewer shows the bug, or
** "shortest found: ... (search budget ran out ...)"; why it was not made.
*/
void finding_shrink_line(const Distinct *d, StrBuf *b) {
  uint32_t pre = d->shrunk ? d->shrunk_preemptions : d->preemptions;
  uint32_t steps = d->shrunk ? d->shrunk_steps : d->steps;
  if (d->shrink == SHRINK_NOT) {
    sb_printf(b, "not shrunk: %s", d->shrink_why ? d->shrink_why : "?");
    return;
  }
  if (d->shrink == SHRINK_NONE) return;
  sb_printf(b, "%s: %u preemption%s, %u step%s", d->shrink == SHRINK_MINIMAL ? "minimal" :
            "shortest found", pre, util_plural(pre), steps, util_plural(steps));
  if (d->shrink == SHRINK_SHORTEST) {
    const char *why = d->shrink_why ? d->shrink_why : "";
    sb_puts(b, !strcmp(why, "interrupted") ? " (search interrupted"
               : !strcmp(why, "time")      ? " (search time ran out"
                                           : " (search budget ran out");
    if (d->shrink_lower) sb_printf(b, "; none with fewer than %u", d->shrink_lower);
    sb_puts(b, "; "); /* (one parenthesis) */
  } else {
    sb_puts(b, " (");
  }
  if (d->shrunk) sb_printf(b, "from %u, %u)", d->preemptions, d->steps);
  else sb_puts(b, "the run found)");
}
