/*
** bug.c - the observations of an exploration grouped into bugs (bug.h).
**
** Union-find over the observations: each rule of bug.h joins two of them;
** a class is a bug.  Everything is decided from the observations' own
** fields (locations, lines, locks, causes) and their sorted order, so the
** bugs do not depend on the order in which runs came in.
*/
#include "bug.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const uint8_t rank_of[FIND__COUNT] = {
    [FIND_DEADLOCK] = 0,       [FIND_LOST_UPDATE] = 1,        [FIND_ASSERTION] = 2,
    [FIND_ERROR] = 2,          [FIND_STUCK] = 3,              [FIND_BARRIER_BROKEN] = 4,
    [FIND_DATA_RACE] = 5,      [FIND_POTENTIAL_DEADLOCK] = 6, [FIND_STEP_LIMIT] = 7};

const char *const bug_role_names[3] = {"headline", "evidence", "consequence"};

int bug_rank(int kind) { return kind >= 0 && kind < FIND__COUNT ? rank_of[kind] : FIND__COUNT; }

static size_t root(size_t *p, size_t i) {
  while (p[i] != i) i = p[i] = p[p[i]];
  return i;
}

static void unite(size_t *p, size_t a, size_t b) {
  a = root(p, a), b = root(p, b);
  if (a < b) p[b] = a;
  else if (b < a) p[a] = b;
}

static int has_line(const Distinct *d, int32_t line) {
  for (int i = 0; i < d->nlines; i++)
    if (d->lines[i] == line) return 1;
  return 0;
}

/* Are all of a's lines among b's? */
static int lines_in(const Distinct *a, const Distinct *b) {
  for (int i = 0; i < a->nlines; i++)
    if (!has_line(b, a->lines[i])) return 0;
  return a->nlines > 0;
}

/* Two fields of one table, accessed at the very same lines: the same code. */
static int same_code(const Distinct *a, const Distinct *b) {
  return a->fam && a->fam == b->fam && lines_in(a, b) && lines_in(b, a);
}

/* Do a and b touch the same location at a common line? */
static int overlap(const Distinct *a, const Distinct *b) {
  if (same_code(a, b)) return 1;
  if (a->loc != b->loc) return 0;
  for (int i = 0; i < a->nlines; i++)
    if (has_line(b, a->lines[i])) return 1;
  return 0;
}

/* Is every access of 'a' one of 'b''s (same location, lines among b's)? */
static int within(const Distinct *a, const Distinct *b) {
  if (a->loc != b->loc && !(a->fam && a->fam == b->fam)) return 0;
  return lines_in(a, b);
}

/* Are the locks of cycle 'a' all locks of cycle 'b'? */
static int locks_within(const Distinct *a, const Distinct *b) {
  if (!a->nlocks) return 0;
  for (int i = 0; i < a->nlocks; i++) {
    int in = 0;
    for (int j = 0; j < b->nlocks && !in; j++) in = a->locks[i] == b->locks[j];
    if (!in) return 0;
  }
  return 1;
}

static int is_cause(const Distinct *d) {
  return d->kind == FIND_LOST_UPDATE || d->kind == FIND_DATA_RACE;
}

static int caused_by(const Distinct *c, uint64_t sig) {
  for (uint32_t i = 0; i < c->ncauses; i++)
    if (c->causes[i] == sig) return 1;
  return 0;
}

/* Did consequence 'c' depend on observation 'sig' in some run (finding.h)? */
static int depended(const Distinct *c, uint64_t sig) {
  for (uint32_t i = 0; i < c->nrelated; i++)
    if (c->related[i] == sig) return 1;
  return 0;
}

/*
** Can 'd' explain consequence 'c' (of an exploration of 'runs' runs; 0 for
** a replay)?  It must have been seen in every run that c was.  When either
** was seen in every run, that says nothing (nothing varied with them), and
** then only one that c depended on explains it: c's thread read its
** location, or read what its threads wrote, or took part in it.
*/
static int explains(const Distinct *c, const Distinct *d, uint64_t runs) {
  if (!is_cause(d) || !caused_by(c, d->sig)) return 0;
  int varied = runs && c->count < runs && d->count < runs;
  return varied || depended(c, d->sig);
}

/*
** The observation that explains consequence 'c' best: a lost update before
** a data race, then one that c depended on, then the one
** seen in the fewest runs (the closest to c's own), then the first.  -1 if
** none does.
*/
static long best_cause(const FindingStore *fs, const Distinct *c, uint64_t runs) {
  long best = -1;
  for (size_t j = 0; j < fs->n; j++) {
    const Distinct *d = &fs->v[j];
    if (!explains(c, d, runs)) continue;
    if (best < 0) {
      best = (long)j;
      continue;
    }
    const Distinct *b = &fs->v[best];
    int rd = depended(c, d->sig), rb = depended(c, b->sig);
    if (d->kind != b->kind ? d->kind == FIND_LOST_UPDATE
                           : rd != rb ? rd : d->count < b->count)
      best = (long)j;
  }
  return best;
}

/* The failure that observation i came of in some run (an error that ended
   the thread its wait needed, the break behind its BrokenBarrierError):
   the first in the store's order; -1 if none. */
static long failure_behind(const FindingStore *fs, size_t i) {
  for (size_t j = 0; j < fs->n; j++)
    if (j != i && finding_is_failure(fs->v[j].kind) && depended(&fs->v[i], fs->v[j].sig))
      return (long)j;
  return -1;
}

/* after[i]: observation i came of a failure (not of a race), as a
   consequence or as evidence the failure's consequence tells */
enum { AFTER_NONE, AFTER_CONSEQ, AFTER_TOLD };

/* Has the class whose root is 'r' a member that came of a failure? */
static int of_failure(size_t *p, const uint8_t *after, size_t n, size_t r) {
  for (size_t m = 0; m < n; m++)
    if (after[m] && root(p, m) == r) return 1;
  return 0;
}

/* Join the observations that explain one bug; role[i] says how i takes part,
   after[i] whether it came of a failure. */
static void join_rules(const FindingStore *fs, uint64_t runs, size_t *p, uint8_t *role,
                       uint8_t *after) {
  size_t n = fs->n;
  const Distinct *v = fs->v;
  for (size_t i = 0; i < n; i++) /* lost updates of one location, same lines */
    for (size_t j = i + 1; j < n && v[i].kind == FIND_LOST_UPDATE; j++)
      if (v[j].kind == FIND_LOST_UPDATE && overlap(&v[i], &v[j])) unite(p, i, j);
  for (size_t i = 0; i < n; i++) /* a race between a lost update's accesses */
    for (size_t j = 0; j < n && v[i].kind == FIND_DATA_RACE; j++)
      if (v[j].kind == FIND_LOST_UPDATE && within(&v[i], &v[j])) {
        unite(p, i, j);
        role[i] = BUG_EVIDENCE;
        break;
      }
  for (size_t i = 0; i < n; i++) /* the other races: per location and lines */
    for (size_t j = i + 1; j < n && v[i].kind == FIND_DATA_RACE && !role[i]; j++)
      if (v[j].kind == FIND_DATA_RACE && !role[j] && overlap(&v[i], &v[j])) unite(p, i, j);
  for (size_t i = 0; i < n; i++) /* a potential deadlock that happened */
    for (size_t j = 0; j < n && v[i].kind == FIND_POTENTIAL_DEADLOCK; j++)
      if (v[j].kind == FIND_DEADLOCK && locks_within(&v[i], &v[j])) {
        unite(p, i, j);
        role[i] = BUG_EVIDENCE;
        break;
      }
  for (size_t i = 0; i < n; i++) { /* a check that failed because of one */
    if ((v[i].kind != FIND_ASSERTION && v[i].kind != FIND_ERROR) || !v[i].ncauses) continue;
    long c = best_cause(fs, &v[i], runs);
    if (c < 0) continue;
    unite(p, i, (size_t)c);
    role[i] = BUG_CONSEQUENCE;
  }
  for (size_t i = 0; i < n; i++) { /* what a failure brought about */
    if (role[i]) continue;
    long c = failure_behind(fs, i);
    if (c < 0) continue;
    unite(p, i, (size_t)c);
    /* a break names the threads that got BrokenBarrierError: their errors
       are its evidence, the break the consequence */
    int told = v[i].kind == FIND_ERROR && v[c].kind == FIND_BARRIER_BROKEN;
    role[i] = told ? BUG_EVIDENCE : BUG_CONSEQUENCE;
    after[i] = told ? AFTER_TOLD : AFTER_CONSEQ;
    /* an action's error is told at the line of whichever party ran it: a
       break by its action came of each */
    for (size_t j = (size_t)c + 1; j < n && v[i].kind == FIND_BARRIER_BROKEN; j++)
      if (j != i && finding_is_failure(v[j].kind) && depended(&v[i], v[j].sig)) unite(p, i, j);
  }
  /* stuck on the same objects, however many waited: one bug, unless each
     came of a failure of its own (two threads that raised, two bugs) */
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n && v[i].kind == FIND_STUCK; j++)
      if (v[j].kind == FIND_STUCK && locks_within(&v[i], &v[j]) && locks_within(&v[j], &v[i]) &&
          !(of_failure(p, after, n, root(p, i)) && of_failure(p, after, n, root(p, j))))
        unite(p, i, j);
}

/* Is observation a a better headline than b (both members of one bug)? */
static int better_head(const FindingStore *fs, size_t a, size_t b) {
  const Distinct *x = &fs->v[a], *y = &fs->v[b];
  if (rank_of[x->kind] != rank_of[y->kind]) return rank_of[x->kind] < rank_of[y->kind];
  return a < b; /* the store is sorted: the earlier run */
}

/* Headline, representative and order of the members of bug 'b'. */
static void shape(const FindingStore *fs, uint64_t runs, Bug *b, const uint8_t *role,
                  const uint8_t *after) {
  size_t first_conseq = SIZE_MAX, first_after = SIZE_MAX; /* of a race; of a failure */
  for (size_t k = 0; k < b->nobs; k++) {
    size_t i = b->obs[k];
    if (role[i] != BUG_CONSEQUENCE) continue;
    if (after[i] == AFTER_CONSEQ && i < first_after) first_after = i;
    if (!after[i] && i < first_conseq) first_conseq = i;
  }
  size_t head = SIZE_MAX;
  for (size_t k = 0; k < b->nobs; k++) {
    size_t i = b->obs[k];
    if (role[i] == BUG_CONSEQUENCE || after[i] == AFTER_TOLD) continue;
    /* with a consequence, the headline is one of its causes: the run that
       shows the consequence shows it too */
    if (first_conseq != SIZE_MAX && !explains(&fs->v[first_conseq], &fs->v[i], runs)) continue;
    if (head == SIZE_MAX || better_head(fs, i, head)) head = i;
  }
  if (head == SIZE_MAX) { /* (cannot happen: a consequence joins one of its causes) */
    head = b->obs[0];
    for (size_t k = 1; k < b->nobs; k++)
      if (better_head(fs, b->obs[k], head)) head = b->obs[k];
    first_conseq = SIZE_MAX;
  }
  /* A race explains the consequence where no one lost update does: a path
     that forgets the lock makes a lost update of each direction (other
     lines, other signatures), each in some of the runs, the race between
     them in all.  The bug is the lost update the consequence's run shows. */
  if (first_conseq != SIZE_MAX && fs->v[head].kind == FIND_DATA_RACE)
    for (size_t k = 0; k < b->nobs; k++) {
      size_t i = b->obs[k];
      if (fs->v[i].kind == FIND_LOST_UPDATE && role[i] != BUG_CONSEQUENCE &&
          finding_with(&fs->v[first_conseq], fs->v[i].sig)) {
        head = i;
        break;
      }
    }
  b->head = head;
  /* the run shown shows the consequence: of a race, else of a failure */
  b->rep = first_conseq != SIZE_MAX ? first_conseq : first_after != SIZE_MAX ? first_after : head;
  b->kind = fs->v[head].kind;
  b->rank = FIND__COUNT;
  for (size_t k = 0; k < b->nobs; k++) {
    uint8_t rk = rank_of[fs->v[b->obs[k]].kind];
    if (rk < b->rank) b->rank = rk;
  }
  /* headline, consequences, evidence; each in store order */
  size_t *o = util_xmalloc(sizeof(size_t) * b->nobs), m = 0;
  o[m++] = head;
  for (int pass = 0; pass < 2; pass++)
    for (size_t k = 0; k < b->nobs; k++) {
      size_t i = b->obs[k];
      int conseq = role[i] == BUG_CONSEQUENCE;
      if (i != head && conseq == (pass == 0)) o[m++] = i;
    }
  for (size_t k = 0; k < b->nobs; k++) {
    b->obs[k] = o[k];
    b->role[k] = o[k] == head ? BUG_HEADLINE : role[o[k]] == BUG_CONSEQUENCE ? BUG_CONSEQUENCE
                                                                              : BUG_EVIDENCE;
  }
  free(o);
}

const char *bug_headline_text(const FindingStore *fs, const Bug *b) {
  const Distinct *r = &fs->v[b->rep], *h = &fs->v[b->head];
  const char *s = r->shrunk && r->shrunk_head ? r->shrunk_head : NULL;
  if (!s && b->rep != b->head) s = finding_with(r, h->sig);
  return s ? s : h->message ? h->message : "";
}

void bug_compose(const FindingStore *fs, Bug *b) {
  StrBuf m;
  sb_init(&m);
  sb_puts(&m, bug_headline_text(fs, b));
  int k = 0;
  for (size_t j = 0; j < b->nobs; j++) {
    if (b->role[j] != BUG_CONSEQUENCE) continue;
    const Distinct *c = &fs->v[b->obs[j]];
    /* what a failure brought about is told as the run shown tells it: the
       others (another thread left waiting, in other runs) are also seen */
    if ((c->kind == FIND_STUCK || c->kind == FIND_BARRIER_BROKEN) && b->obs[j] != b->rep)
      continue;
    const char *say = c->conseq ? c->conseq : c->message ? c->message : "";
    if (b->obs[j] == b->rep && c->shrunk && c->shrunk_conseq) say = c->shrunk_conseq;
    sb_puts(&m, k++ ? "; and " : ", so ");
    sb_puts(&m, say);
  }
  free(b->message);
  b->message = sb_take(&m);
}

/* Does bug a come before bug b in the report? */
static int before(const FindingStore *fs, const Bug *a, const Bug *b) {
  if (a->rank != b->rank) return a->rank < b->rank;
  uint64_t ra = fs->v[a->rep].first_run, rb = fs->v[b->rep].first_run;
  if (ra != rb) return ra < rb;
  return a->head < b->head;
}

/* Insertion sort: a report has few bugs, and qsort has no context pointer. */
static void sort_bugs(const FindingStore *fs, BugList *bl) {
  for (size_t i = 1; i < bl->n; i++) {
    Bug b = bl->v[i];
    size_t j = i;
    for (; j > 0 && before(fs, &b, &bl->v[j - 1]); j--) bl->v[j] = bl->v[j - 1];
    bl->v[j] = b;
  }
}

void bug_group(FindingStore *fs, uint64_t runs, BugList *out) {
  memset(out, 0, sizeof *out);
  finding_sort(fs);
  size_t n = fs->n;
  if (!n) return;
  size_t *p = util_xmalloc(sizeof(size_t) * n);
  uint8_t *role = util_xcalloc(n, 1), *after = util_xcalloc(n, 1);
  for (size_t i = 0; i < n; i++) p[i] = i;
  join_rules(fs, runs, p, role, after);
  out->v = util_xcalloc(n, sizeof(Bug));
  out->of = util_xmalloc(sizeof(size_t) * n);
  out->nof = n;
  size_t *slot = util_xmalloc(sizeof(size_t) * n); /* root -> bug */
  for (size_t i = 0; i < n; i++) /* (roots come first: each is its class's lowest) */
    if (root(p, i) == i) slot[i] = out->n++;
  for (size_t i = 0; i < n; i++) out->v[slot[root(p, i)]].nobs++;
  for (size_t k = 0; k < out->n; k++) {
    out->v[k].obs = util_xmalloc(sizeof(size_t) * out->v[k].nobs);
    out->v[k].nobs = 0;
  }
  for (size_t i = 0; i < n; i++) {
    Bug *b = &out->v[slot[root(p, i)]];
    b->obs[b->nobs++] = i;
  }
  for (size_t k = 0; k < out->n; k++) {
    Bug *b = &out->v[k];
    b->role = util_xmalloc(b->nobs);
    shape(fs, runs, b, role, after);
    bug_compose(fs, b);
    b->runs = fs->v[b->head].count;
  }
  sort_bugs(fs, out);
  for (size_t k = 0; k < out->n; k++)
    for (size_t j = 0; j < out->v[k].nobs; j++) out->of[out->v[k].obs[j]] = k;
  free(slot);
  free(role);
  free(after);
  free(p);
}

void bug_free(BugList *bl) {
  for (size_t k = 0; k < bl->n; k++) {
    free(bl->v[k].obs);
    free(bl->v[k].role);
    free(bl->v[k].message);
  }
  free(bl->v);
  free(bl->of);
  memset(bl, 0, sizeof *bl);
}

const Bug *bug_of(const BugList *bl, size_t i) { return i < bl->nof ? &bl->v[bl->of[i]] : NULL; }

static int cmp_sig(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static uint64_t set_key(const uint64_t *sigs, size_t n) {
  uint64_t h = n;
  for (size_t i = 0; i < n; i++) {
    h ^= sigs[i];
    h *= UINT64_C(0x9e3779b97f4a7c15);
    h ^= h >> 29;
  }
  return h;
}

static int same_set(const Profiles *p, const Profile *x, const uint64_t *sigs, size_t n) {
  return x->n == n && !memcmp(p->sigs + x->off, sigs, sizeof(uint64_t) * n);
}

static void rehash(Profiles *p) {
  size_t n = p->nslot ? p->nslot * 2 : 64;
  free(p->slot);
  p->slot = util_xcalloc(n, sizeof(uint32_t));
  p->nslot = n;
  for (size_t i = 0; i < p->n; i++) {
    size_t k = p->v[i].key & (n - 1);
    while (p->slot[k]) k = (k + 1) & (n - 1);
    p->slot[k] = (uint32_t)i + 1;
  }
}

void profiles_add(Profiles *p, uint64_t *sigs, size_t n) {
  if (n > 1) qsort(sigs, n, sizeof(uint64_t), cmp_sig);
  if (2 * (p->n + 1) > p->nslot) rehash(p);
  uint64_t key = set_key(sigs, n);
  size_t mask = p->nslot - 1, k = key & mask;
  for (; p->slot[k]; k = (k + 1) & mask) {
    Profile *x = &p->v[p->slot[k] - 1];
    if (x->key == key && same_set(p, x, sigs, n)) {
      x->runs++;
      return;
    }
  }
  if (p->n >= PROFILES_MAX) {
    p->full = 1;
    return;
  }
  UTIL_GROW(p->v, p->n + 1, p->cap);
  UTIL_GROW(p->sigs, p->nsigs + n + 1, p->cap_sigs);
  Profile *x = &p->v[p->n];
  x->key = key, x->off = (uint32_t)p->nsigs, x->n = (uint32_t)n, x->runs = 1;
  if (n) memcpy(p->sigs + p->nsigs, sigs, sizeof(uint64_t) * n);
  p->nsigs += n;
  p->slot[k] = (uint32_t)++p->n;
}

void profiles_free(Profiles *p) {
  free(p->v);
  free(p->sigs);
  free(p->slot);
  memset(p, 0, sizeof *p);
}

uint64_t bug_runs_of(const FindingStore *fs, const Bug *b, int kind, const Profiles *p) {
  uint64_t most = 0; /* (without profiles: the largest count, a lower bound) */
  for (size_t j = 0; j < b->nobs; j++)
    if (fs->v[b->obs[j]].kind == kind && fs->v[b->obs[j]].count > most)
      most = fs->v[b->obs[j]].count;
  if (!p || p->full || !p->n) return most;
  uint64_t total = 0;
  for (size_t k = 0; k < p->n; k++) {
    const Profile *x = &p->v[k];
    int shows = 0;
    for (size_t j = 0; j < b->nobs && !shows; j++) {
      const Distinct *d = &fs->v[b->obs[j]];
      shows = d->kind == kind &&
              bsearch(&d->sig, p->sigs + x->off, x->n, sizeof(uint64_t), cmp_sig) != NULL;
    }
    if (shows) total += x->runs;
  }
  return total ? total : most; /* (a potential deadlock: of no run) */
}

uint64_t bug_runs(const FindingStore *fs, const Bug *b, const Profiles *p) {
  if (!p || p->full || !p->n) return fs->v[b->head].count;
  return bug_runs_of(fs, b, b->kind, p);
}

int bug_required(const FindingStore *fs, const Bug *b, uint64_t *sigs) {
  int n = 0;
  sigs[n++] = fs->v[b->head].sig;
  if (b->rep != b->head) sigs[n++] = fs->v[b->rep].sig;
  return n;
}
