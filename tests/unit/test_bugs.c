/*
** test_bugs.c - grouping observations into bugs (bug.c), on synthetic
** finding stores: what folds into what, the headline, the order, and that
** the result does not depend on the order in which runs were merged.
*/
#include "bug.h"
#include "util.h"
#include "test.h"

static uint64_t h(const char *s) { return util_fnv(UTIL_FNV_INIT, s, strlen(s)); }

/* An observation: kind, signature, runs, first run, message. */
static Distinct *obs(FindingStore *fs, int kind, uint64_t sig, uint64_t count, uint64_t first,
                     const char *msg) {
  Distinct *d = finding_add(fs, sig, (uint8_t)kind);
  d->count = count;
  d->first_run = first;
  d->message = util_xstrdup(msg);
  return d;
}

/* ... an access observation of location 'loc' at lines a, b (and c). */
static Distinct *located(FindingStore *fs, int kind, uint64_t sig, uint64_t count, uint64_t first,
                        const char *loc, int a, int b, int c) {
  Distinct *d = obs(fs, kind, sig, count, first, kind == FIND_LOST_UPDATE ? "lost" : "race");
  d->where = util_xstrdup(loc);
  d->loc = h(loc);
  d->lines[d->nlines++] = a;
  d->lines[d->nlines++] = b;
  if (c) d->lines[d->nlines++] = c;
  return d;
}

/* ... a failed check seen only with the lost updates/races 'causes', which
   it depended on (its thread read what they wrote) if 'related'. */
static Distinct *check(FindingStore *fs, uint64_t sig, uint64_t count, uint64_t first,
                       const uint64_t *causes, size_t n, int related) {
  Distinct *d = obs(fs, FIND_ASSERTION, sig, count, first, "check failed at x.lua:9");
  d->conseq = util_xstrdup("the check at x.lua:9 failed");
  finding_note_causes(d, causes, n);
  if (related) finding_note_related(d, causes, n);
  return d;
}

static const Bug *bug_with(const FindingStore *fs, const BugList *bl, uint64_t sig) {
  for (size_t i = 0; i < fs->n; i++)
    if (fs->v[i].sig == sig) return bug_of(bl, i);
  return NULL;
}

static int role_of(const FindingStore *fs, const Bug *b, uint64_t sig) {
  for (size_t j = 0; b && j < b->nobs; j++)
    if (fs->v[b->obs[j]].sig == sig) return b->role[j];
  return -1;
}

/* The quickstart: a lost update, its two races, the check it broke. */
static void test_counter(void) {
  FindingStore fs;
  finding_init(&fs);
  uint64_t causes[] = {1, 2, 3};
  check(&fs, 4, 317, 2, causes, 3, 1);
  located(&fs, FIND_DATA_RACE, 2, 1000, 0, "counter", 17, 18, 0);
  located(&fs, FIND_DATA_RACE, 3, 1000, 0, "counter", 18, 18, 0);
  located(&fs, FIND_LOST_UPDATE, 1, 317, 2, "counter", 17, 18, 18);
  BugList bl;
  bug_group(&fs, 1000, &bl);
  CHECK_EQ_INT(bl.n, 1);
  const Bug *b = &bl.v[0];
  CHECK_EQ_INT(b->kind, FIND_LOST_UPDATE);
  CHECK_EQ_INT(b->nobs, 4);
  CHECK_EQ_INT(fs.v[b->head].sig, 1);
  CHECK_EQ_INT(role_of(&fs, b, 1), BUG_HEADLINE);
  CHECK_EQ_INT(role_of(&fs, b, 2), BUG_EVIDENCE);
  CHECK_EQ_INT(role_of(&fs, b, 3), BUG_EVIDENCE);
  CHECK_EQ_INT(role_of(&fs, b, 4), BUG_CONSEQUENCE);
  CHECK_EQ_STR(b->message, "lost, so the check at x.lua:9 failed");
  CHECK_EQ_INT(fs.v[b->rep].sig, 4); /* the run that shows the check fail too */
  uint64_t need[2];
  CHECK_EQ_INT(bug_required(&fs, b, need), 2);
  CHECK(need[0] == 1 && need[1] == 4);
  bug_free(&bl);
  finding_free(&fs);
}

/* A race outside the lost update's lines, a race on another location, and
   races that share a line: what is one bug and what is not. */
static void test_races(void) {
  FindingStore fs;
  finding_init(&fs);
  located(&fs, FIND_LOST_UPDATE, 1, 700, 1, "cache[42]", 9, 10, 10);
  located(&fs, FIND_DATA_RACE, 2, 1000, 0, "cache[42]", 10, 9, 0);  /* within: evidence */
  located(&fs, FIND_DATA_RACE, 3, 1000, 0, "cache[42]", 10, 12, 0); /* line 12: not the LU's */
  located(&fs, FIND_DATA_RACE, 4, 500, 3, "cache[42]", 12, 14, 0);  /* shares 12 with it */
  located(&fs, FIND_DATA_RACE, 5, 400, 4, "flag", 20, 30, 0);       /* elsewhere */
  located(&fs, FIND_LOST_UPDATE, 6, 200, 5, "cache[42]", 10, 10, 40); /* overlaps the first */
  BugList bl;
  bug_group(&fs, 1000, &bl);
  CHECK_EQ_INT(bl.n, 3);
  CHECK(bug_with(&fs, &bl, 1) == bug_with(&fs, &bl, 2));
  CHECK(bug_with(&fs, &bl, 1) == bug_with(&fs, &bl, 6));
  CHECK(bug_with(&fs, &bl, 3) == bug_with(&fs, &bl, 4));
  CHECK(bug_with(&fs, &bl, 3) != bug_with(&fs, &bl, 1));
  CHECK(bug_with(&fs, &bl, 5) != bug_with(&fs, &bl, 3));
  CHECK_EQ_INT(bl.v[0].kind, FIND_LOST_UPDATE);
  CHECK_EQ_INT(bl.v[1].kind, FIND_DATA_RACE); /* the race bugs by first run */
  CHECK_EQ_INT(fs.v[bl.v[1].head].sig, 3);
  CHECK_EQ_INT(fs.v[bl.v[2].head].sig, 5);
  bug_free(&bl);
  finding_free(&fs);
}

/* A check is a consequence only of what it was always seen with. */
static void test_consequences(void) {
  FindingStore fs;
  finding_init(&fs);
  located(&fs, FIND_LOST_UPDATE, 1, 300, 2, "counter", 4, 5, 5);
  located(&fs, FIND_DATA_RACE, 2, 1000, 0, "counter", 4, 5, 0);
  uint64_t none[1] = {0};
  check(&fs, 10, 50, 7, none, 0, 1); /* failed in a run without any */
  uint64_t races[] = {2};
  check(&fs, 11, 1000, 0, races, 1, 0); /* in every run, never read counter */
  Distinct *e = check(&fs, 12, 1000, 0, races, 1, 1); /* ... and one that did */
  e->kind = FIND_ERROR;
  BugList bl;
  bug_group(&fs, 1000, &bl);
  CHECK(bug_with(&fs, &bl, 10) != bug_with(&fs, &bl, 1));
  CHECK_EQ_INT(bug_with(&fs, &bl, 10)->kind, FIND_ASSERTION);
  CHECK(bug_with(&fs, &bl, 11) != bug_with(&fs, &bl, 1));
  CHECK(bug_with(&fs, &bl, 12) == bug_with(&fs, &bl, 1));
  CHECK_EQ_INT(role_of(&fs, bug_with(&fs, &bl, 1), 12), BUG_CONSEQUENCE);
  /* the headline is a cause the consequence's run shows: the race, not the
     lost update it was not always seen with */
  CHECK_EQ_INT(fs.v[bug_with(&fs, &bl, 1)->head].sig, 2);
  bug_free(&bl);
  /* a replay (runs unknown): only what the thread read explains it */
  bug_group(&fs, 0, &bl);
  CHECK(bug_with(&fs, &bl, 11) != bug_with(&fs, &bl, 2));
  CHECK(bug_with(&fs, &bl, 12) == bug_with(&fs, &bl, 2));
  bug_free(&bl);
  finding_free(&fs);
}

/* Deadlocks first, a potential deadlock that happened inside its deadlock,
   and the order of every kind. */
static void test_order(void) {
  FindingStore fs;
  finding_init(&fs);
  int kinds[] = {FIND_STEP_LIMIT, FIND_POTENTIAL_DEADLOCK, FIND_DATA_RACE, FIND_BARRIER_BROKEN,
                 FIND_STUCK, FIND_ERROR, FIND_LOST_UPDATE, FIND_DEADLOCK};
  for (int i = 0; i < 8; i++) {
    Distinct *d = obs(&fs, kinds[i], 100 + (uint64_t)i, 5, (uint64_t)i, "x");
    d->where = util_xstrdup("loc");
    d->loc = h(d->where) + (uint64_t)i; /* eight different locations */
    d->lines[d->nlines++] = i + 1;
  }
  Distinct *p = obs(&fs, FIND_POTENTIAL_DEADLOCK, 200, 1, 9, "cycle a b");
  p->locks[p->nlocks++] = h("a");
  p->locks[p->nlocks++] = h("b");
  Distinct *dl = obs(&fs, FIND_DEADLOCK, 201, 3, 12, "deadlock a b");
  dl->locks[dl->nlocks++] = h("b");
  dl->locks[dl->nlocks++] = h("a");
  BugList bl;
  bug_group(&fs, 100, &bl);
  CHECK_EQ_INT(bl.n, 9);
  int want[] = {FIND_DEADLOCK, FIND_DEADLOCK, FIND_LOST_UPDATE, FIND_ERROR, FIND_STUCK,
                FIND_BARRIER_BROKEN, FIND_DATA_RACE, FIND_POTENTIAL_DEADLOCK, FIND_STEP_LIMIT};
  for (size_t k = 0; k < bl.n && k < 9; k++) CHECK_EQ_INT(bl.v[k].kind, want[k]);
  CHECK(bug_with(&fs, &bl, 200) == bug_with(&fs, &bl, 201));
  CHECK_EQ_INT(role_of(&fs, bug_with(&fs, &bl, 201), 200), BUG_EVIDENCE);
  CHECK_EQ_INT(fs.v[bl.v[0].head].first_run, 7); /* deadlocks by first run */
  bug_free(&bl);
  finding_free(&fs);
}

/* The same observations merged in another order group the same way. */
static void test_order_independent(void) {
  uint64_t causes[] = {1, 2};
  char first[2][256];
  for (int pass = 0; pass < 2; pass++) {
    FindingStore fs;
    finding_init(&fs);
    for (int k = 0; k < 4; k++) {
      switch (pass ? 3 - k : k) {
      case 0: located(&fs, FIND_LOST_UPDATE, 1, 30, 4, "n", 3, 4, 4); break;
      case 1: located(&fs, FIND_DATA_RACE, 2, 90, 4, "n", 3, 4, 0); break;
      case 2: check(&fs, 3, 30, 4, causes, 2, 1); break;
      default: located(&fs, FIND_DATA_RACE, 5, 10, 1, "m", 7, 8, 0);
      }
    }
    BugList bl;
    bug_group(&fs, 100, &bl);
    CHECK_EQ_INT(bl.n, 2);
    snprintf(first[pass], sizeof first[pass], "%d %llu %s / %d %llu", bl.v[0].kind,
             (unsigned long long)fs.v[bl.v[0].head].sig, bl.v[0].message, bl.v[1].kind,
             (unsigned long long)fs.v[bl.v[1].head].sig);
    bug_free(&bl);
    finding_free(&fs);
  }
  CHECK_EQ_STR(first[0], first[1]);
}

/* Shards and strategies: counts add up, causes intersect, the lower run
   is shown, and a potential deadlock is counted once. */
static void test_merge(void) {
  FindingStore a, b;
  finding_init(&a);
  finding_init(&b);
  uint64_t c1[] = {1, 2, 3}, c2[] = {2, 3, 4};
  check(&a, 9, 10, 8, c1, 3, 1);
  check(&b, 9, 5, 3, c2, 3, 1);
  obs(&a, FIND_POTENTIAL_DEADLOCK, 7, 1, 4, "p");
  obs(&b, FIND_POTENTIAL_DEADLOCK, 7, 1, 2, "p");
  obs(&b, FIND_STUCK, 8, 2, 1, "s");
  finding_merge(&a, &b);
  CHECK_EQ_INT(b.n, 0);
  CHECK_EQ_INT(a.n, 3);
  Distinct *d = finding_get(&a, 9);
  CHECK_EQ_INT(d->count, 15);
  CHECK_EQ_INT(d->first_run, 3);
  CHECK_EQ_INT(d->ncauses, 2);
  CHECK(d->causes[0] == 2 && d->causes[1] == 3);
  CHECK_EQ_INT(d->nrelated, 4); /* a union */
  CHECK_EQ_INT(finding_get(&a, 7)->count, 1);
  CHECK_EQ_INT(finding_get(&a, 7)->first_run, 2);
  CHECK_EQ_INT(finding_get(&a, 8)->count, 2);
  finding_free(&a);
}

/* Fields of one table at the same lines, and stuck states on the same
   objects, are one bug each. */
static void test_families_and_stuck(void) {
  FindingStore fs;
  finding_init(&fs);
  Distinct *a = located(&fs, FIND_DATA_RACE, 1, 10, 0, "partial[1]", 29, 31, 0);
  Distinct *b = located(&fs, FIND_DATA_RACE, 2, 10, 1, "partial[2]", 31, 29, 0);
  Distinct *c = located(&fs, FIND_DATA_RACE, 3, 10, 2, "partial[3]", 29, 40, 0); /* other lines */
  Distinct *e = located(&fs, FIND_DATA_RACE, 4, 10, 3, "other[1]", 29, 31, 0);   /* other table */
  a->fam = b->fam = c->fam = finding_family("partial[1]");
  e->fam = finding_family("other[1]");
  CHECK(finding_family("partial[2]") == a->fam);
  CHECK(finding_family("acct.balance") == finding_family("acct.count"));
  CHECK_EQ_INT(finding_family("counter"), 0);
  Distinct *s1 = obs(&fs, FIND_STUCK, 5, 4, 5, "consumers wait");
  Distinct *s2 = obs(&fs, FIND_STUCK, 6, 3, 6, "producers wait");
  Distinct *s3 = obs(&fs, FIND_STUCK, 7, 3, 7, "an event");
  s1->locks[s1->nlocks++] = 70, s1->locks[s1->nlocks++] = 71;
  s2->locks[s2->nlocks++] = 71, s2->locks[s2->nlocks++] = 70;
  s3->locks[s3->nlocks++] = 70;
  BugList bl;
  bug_group(&fs, 10, &bl);
  CHECK(bug_with(&fs, &bl, 1) == bug_with(&fs, &bl, 2));
  CHECK(bug_with(&fs, &bl, 1) != bug_with(&fs, &bl, 3));
  CHECK(bug_with(&fs, &bl, 1) != bug_with(&fs, &bl, 4));
  CHECK(bug_with(&fs, &bl, 5) == bug_with(&fs, &bl, 6));
  CHECK(bug_with(&fs, &bl, 5) != bug_with(&fs, &bl, 7));
  CHECK_EQ_INT(bl.n, 5);
  bug_free(&bl);
  finding_free(&fs);
}

/* What failures brought about (finding.h related, of RunFinding.because):
   a stuck wait joins the error it came of, told as its consequence; two
   stuck states on the same objects, each of its own error, stay apart; a
   break by an action joins the action's error at every party's line, and
   the BrokenBarrierError it raised is evidence; the order of the store
   changes nothing. */
static void test_what_failures_bring(void) {
  for (int order = 0; order < 2; order++) {
    FindingStore fs;
    finding_init(&fs);
    uint64_t e1 = 11, e2 = 12, act_a = 13, act_c = 14, brk = 15, bbe = 16;
    if (order) { /* (another order of first runs) */
      obs(&fs, FIND_ERROR, e2, 10, 0, "error in producer");
      obs(&fs, FIND_ERROR, e1, 10, 1, "error in holder");
    } else {
      obs(&fs, FIND_ERROR, e1, 10, 0, "error in holder");
      obs(&fs, FIND_ERROR, e2, 10, 1, "error in producer");
    }
    Distinct *s1 = obs(&fs, FIND_STUCK, 21, 6, 2, "stuck: w1 waits for m");
    Distinct *s2 = obs(&fs, FIND_STUCK, 22, 4, 3, "stuck: w2 waits for q");
    Distinct *s3 = obs(&fs, FIND_STUCK, 23, 2, 4, "stuck: nobody to blame");
    s1->conseq = util_xstrdup("w1 waits for m");
    s1->locks[s1->nlocks++] = 70, s2->locks[s2->nlocks++] = 70, s3->locks[s3->nlocks++] = 70;
    finding_note_related(s1, (uint64_t[]){e1}, 1);
    finding_note_related(s2, (uint64_t[]){e2}, 1);
    obs(&fs, FIND_ERROR, act_a, 5, 5, "boom, in a");
    obs(&fs, FIND_ERROR, act_c, 5, 6, "boom, in c");
    Distinct *b = obs(&fs, FIND_BARRIER_BROKEN, brk, 10, 5, "Barrier 'b' broke");
    finding_note_related(b, (uint64_t[]){act_c, act_a}, 2);
    Distinct *x = obs(&fs, FIND_ERROR, bbe, 10, 5, "BrokenBarrierError escaped a");
    finding_note_related(x, (uint64_t[]){brk}, 1);
    BugList bl;
    bug_group(&fs, 10, &bl);
    const Bug *holder = bug_with(&fs, &bl, e1), *producer = bug_with(&fs, &bl, e2);
    CHECK(holder != producer);
    CHECK(bug_with(&fs, &bl, 21) == holder);
    CHECK(bug_with(&fs, &bl, 22) == producer);
    CHECK(bug_with(&fs, &bl, 23) == holder || bug_with(&fs, &bl, 23) == producer);
    CHECK_EQ_INT(role_of(&fs, holder, 21), BUG_CONSEQUENCE);
    CHECK_EQ_INT(fs.v[holder->head].sig, e1);
    CHECK_EQ_STR(holder->message, "error in holder, so w1 waits for m");
    const Bug *act = bug_with(&fs, &bl, brk);
    CHECK(bug_with(&fs, &bl, act_a) == act && bug_with(&fs, &bl, act_c) == act);
    CHECK(bug_with(&fs, &bl, bbe) == act);
    CHECK_EQ_INT(act->kind, FIND_ERROR);
    CHECK_EQ_INT(fs.v[act->head].sig, act_a); /* the first in the store */
    CHECK_EQ_INT(role_of(&fs, act, brk), BUG_CONSEQUENCE);
    CHECK_EQ_INT(role_of(&fs, act, bbe), BUG_EVIDENCE);
    CHECK_EQ_INT(role_of(&fs, act, act_c), BUG_EVIDENCE);
    CHECK_EQ_STR(act->message, "boom, in a, so Barrier 'b' broke");
    CHECK_EQ_INT(bl.n, 3);
    bug_free(&bl);
    finding_free(&fs);
  }
}

/* A bug's runs: every run with an observation of its headline's kind,
   counted once however many it showed. */
static void test_runs(void) {
  FindingStore fs;
  finding_init(&fs);
  Distinct *s1 = obs(&fs, FIND_STUCK, 5, 2, 0, "consumers wait");
  Distinct *s2 = obs(&fs, FIND_STUCK, 6, 1, 1, "producers wait");
  s1->locks[s1->nlocks++] = 70;
  s2->locks[s2->nlocks++] = 70;
  located(&fs, FIND_LOST_UPDATE, 1, 2, 2, "n", 3, 4, 4);
  located(&fs, FIND_LOST_UPDATE, 2, 2, 3, "n", 4, 4, 9);
  located(&fs, FIND_DATA_RACE, 3, 6, 0, "n", 3, 4, 0);
  Profiles p;
  memset(&p, 0, sizeof p);
  uint64_t r0[] = {5, 3}, r1[] = {6, 3}, r2[] = {3, 5}, r3[] = {1, 2, 3}, r4[] = {3, 1}, r5[] = {3};
  profiles_add(&p, r0, 2);
  profiles_add(&p, r1, 2);
  profiles_add(&p, r2, 2); /* the same set as r0, in another order */
  profiles_add(&p, r3, 3);
  profiles_add(&p, r4, 2);
  profiles_add(&p, r5, 1);
  CHECK_EQ_INT(p.n, 5);
  BugList bl;
  bug_group(&fs, 6, &bl);
  const Bug *stuck = bug_with(&fs, &bl, 5), *lost = bug_with(&fs, &bl, 1);
  CHECK(stuck == bug_with(&fs, &bl, 6));
  CHECK(lost == bug_with(&fs, &bl, 2) && lost == bug_with(&fs, &bl, 3));
  CHECK_EQ_INT(stuck->runs, 2); /* the headline's own count, until counted */
  CHECK_EQ_INT(bug_runs(&fs, stuck, &p), 3); /* runs 0, 1, 2 */
  CHECK_EQ_INT(bug_runs(&fs, lost, &p), 2);  /* runs 3 and 4: the race does not count */
  CHECK_EQ_INT(bug_runs(&fs, lost, NULL), 2);
  p.full = 1; /* past the limit: the headline's own count */
  CHECK_EQ_INT(bug_runs(&fs, stuck, &p), fs.v[stuck->head].count);
  bug_free(&bl);
  profiles_free(&p);
  finding_free(&fs);
}

/* Signatures are stored and merged across versions: the hash of a number
   is the FNV-1a hash of its 8 bytes, low first, and stays so. */
static void test_signature_hash(void) {
  const uint64_t v[] = {0, 1, 0xff, 0x0123456789abcdefULL, UINT64_MAX};
  for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
    unsigned char b[8];
    for (int k = 0; k < 8; k++) b[k] = (unsigned char)(v[i] >> (8 * k));
    CHECK(util_fnv_u64(UTIL_FNV_INIT, v[i]) == util_fnv(UTIL_FNV_INIT, b, 8));
    CHECK(util_fnv_u64(12345, v[i]) == util_fnv(12345, b, 8));
  }
  CHECK(util_fnv_u64(UTIL_FNV_INIT, 42) == UINT64_C(0xff3add6b3789daef));
}

int main(void) {
  test_begin(30);
  RUN_TEST(test_counter);
  RUN_TEST(test_races);
  RUN_TEST(test_consequences);
  RUN_TEST(test_order);
  RUN_TEST(test_order_independent);
  RUN_TEST(test_merge);
  RUN_TEST(test_families_and_stuck);
  RUN_TEST(test_what_failures_bring);
  RUN_TEST(test_runs);
  RUN_TEST(test_signature_hash);
  return test_end("test_bugs");
}
