/*
** test_token.c - schedule tokens: round trips (version 1: decisions;
** version 2: data choices and the trail of steps), the size of a trail, and
** clear errors for corrupted, foreign-version and truncated tokens.
*/
#include "token.h"
#include "test.h"

static Decision decs[300];

static char *make(uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    decs[i] = (Decision){i % 7 < 4 ? 1 : i % 3, 2, (uint8_t)(i % 11 == 0), 0};
  uint8_t dig[4];
  token_script_digest("x", 1, dig);
  return token_encode(dig, 0x123456789abcULL, 5000, "n=8\nmode=fast\n", decs, n);
}

static void test_round_trip(void) {
  uint32_t sizes[] = {0, 1, 2, 17, 300};
  for (int k = 0; k < 5; k++) {
    char *s = make(sizes[k]);
    for (const char *p = s; *p; p++)
      CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    Token t;
    char err[256];
    CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), 0);
    CHECK_EQ_INT(t.version, 1);
    CHECK(t.trail == NULL);
    CHECK_EQ_INT(t.seed, 0x123456789abcULL);
    CHECK_EQ_INT(t.max_steps, 5000);
    CHECK_EQ_STR(t.params, "n=8\nmode=fast\n");
    CHECK_EQ_INT(t.ndec, sizes[k]);
    for (uint32_t i = 0; i < t.ndec; i++) {
      CHECK_EQ_INT(t.dec[i].value, decs[i].value);
      CHECK_EQ_INT(t.dec[i].kind, decs[i].kind);
    }
    uint8_t dig[4];
    token_script_digest("x", 1, dig);
    CHECK(memcmp(dig, t.script, 4) == 0);
    token_free(&t);
    free(s);
  }
}

static void test_compact(void) {
  /* long runs of one thread cost a few bytes, not one per decision */
  for (int i = 0; i < 300; i++) decs[i] = (Decision){1, 2, DEC_THREAD, 0};
  uint8_t dig[4] = {1, 2, 3, 4};
  char *s = token_encode(dig, 1, 100000, "", decs, 300);
  CHECK(strlen(s) < 40);
  free(s);
}

static void test_errors(void) {
  Token t;
  char err[256];
  char *s = make(40);
  size_t n = strlen(s);
  s[n / 2] = s[n / 2] == 'A' ? 'B' : 'A'; /* one flipped character */
  CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), -1);
  CHECK_CONTAINS(err, "corrupted");
  s[n / 2] = '!';
  CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), -1);
  CHECK_CONTAINS(err, "not a schedule token");
  CHECK_EQ_INT(token_decode("abc", &t, err, sizeof err), -1);
  CHECK_CONTAINS(err, "too short");
  free(s);
  s = make(40);
  s[n - 3] = '\0'; /* truncated */
  CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), -1);
  free(s);
  /* a token from a future version: first byte 3 */
  s = make(3);
  s[0] = 'A', s[1] = 'w'; /* 000000 110000 -> first byte 0x03 */
  CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), -1);
  CHECK(strstr(err, "version") || strstr(err, "corrupted"));
  free(s);
}

/* ---- version 2: the trail ---------------------------------------------- */

static TokenStep steps[4000];

/*
** A synthetic run of 'nthreads' threads: each starts, then does 'iters'
** read-write pairs of one object (a hash per thread when 'own'), then ends;
** the threads run in turns of 'turn' steps (1: a switch at every step).
*/
static uint32_t make_trail(int nthreads, int iters, int turn, int own) {
  int pos[16] = {0}, len = 2 + 2 * iters;
  uint32_t n = 0;
  steps[n++] = (TokenStep){0, OP_START, 0, 0};
  for (int t = 1; t <= nthreads; t++) steps[n++] = (TokenStep){0, OP_SPAWN, 0, 7};
  steps[n++] = (TokenStep){0, OP_END, 0, 0};
  for (int left = nthreads * len; left > 0;)
    for (int t = 1; t <= nthreads; t++)
      for (int k = 0; k < turn && pos[t] < len; k++, left--) {
        int p = pos[t]++;
        uint16_t h = (uint16_t)(own ? 100 + t : 0xbeef);
        steps[n++] = p == 0         ? (TokenStep){t, OP_START, 0, 0}
                     : p == len - 1 ? (TokenStep){t, OP_END, 0, 0}
                     : p % 2        ? (TokenStep){t, OP_READ, h, 8}
                                    : (TokenStep){t, OP_WRITE, h, 9};
      }
  return n;
}

/* Encode and decode 'n' steps (and 'ndata' data choices among thread
   picks); check that everything came back; the token's length. */
static size_t trail_round_trip(uint32_t n, uint32_t ndata) {
  for (uint32_t i = 0; i < 40; i++)
    decs[i] = (Decision){i % 3, 3, (uint8_t)(i < 2 * ndata && i % 2), 0};
  uint8_t dig[4] = {9, 8, 7, 6};
  char *s = token_encode_trail(dig, 42, 100000, "", decs, ndata ? 2 * ndata : 5, steps, n);
  Token t;
  char err[256];
  CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), 0);
  CHECK_EQ_INT(t.version, 2);
  CHECK_EQ_INT(t.seed, 42);
  CHECK_EQ_INT(t.ndec, ndata); /* the data choices only */
  for (uint32_t i = 0; i < t.ndec; i++) {
    CHECK_EQ_INT(t.dec[i].kind, DEC_DATA);
    CHECK_EQ_INT(t.dec[i].value, (2 * i + 1) % 3);
  }
  CHECK_EQ_INT(t.ntrail, n);
  for (uint32_t i = 0; i < n && i < t.ntrail; i++) {
    CHECK_EQ_INT(t.trail[i].tid, steps[i].tid);
    CHECK_EQ_INT(t.trail[i].op, steps[i].op);
    CHECK_EQ_INT(t.trail[i].objhash, steps[i].objhash);
    CHECK_EQ_INT(t.trail[i].line, steps[i].line);
  }
  token_free(&t);
  size_t len = strlen(s);
  free(s);
  return len;
}

static void test_trail_round_trip(void) {
  CHECK_EQ_INT(trail_round_trip(0, 0) > 0, 1);
  CHECK_EQ_INT(trail_round_trip(1, 0) > 0, 1);
  trail_round_trip(make_trail(2, 1, 1, 0), 0);
  trail_round_trip(make_trail(2, 1, 3, 1), 2);
  trail_round_trip(make_trail(3, 50, 1, 1), 7);
  trail_round_trip(make_trail(4, 200, 2, 0), 0);
  trail_round_trip(make_trail(4, 200, 401, 1), 1);
  /* threads and lines of any size */
  steps[0] = (TokenStep){0, OP_START, 0, 0};
  steps[1] = (TokenStep){70000, OP_ACQUIRE, 0xffff, 1 << 30};
  steps[2] = (TokenStep){70000, OP_ACQUIRE, 0xffff, 1 << 30};
  steps[3] = (TokenStep){3, OP_Q_FULL, 1, 1};
  trail_round_trip(4, 1);
}

static void test_trail_compact(void) {
  /* a loop run without preemptions costs next to nothing per step: 4
     threads of 200 read-write pairs one after the other (1614 steps) */
  uint32_t n = make_trail(4, 200, 402, 0);
  CHECK_EQ_INT(n, 1614);
  CHECK(trail_round_trip(n, 0) < 120); /* (102 characters) */
  /* switching at every step costs two bytes a step (the thread, the
     action predicted), as much as a version 1 token's decisions */
  n = make_trail(4, 200, 1, 0);
  CHECK(trail_round_trip(n, 0) < (2 * 1614 + 40) * 4 / 3);
}

static void test_trail_errors(void) {
  uint8_t dig[4] = {1, 1, 1, 1};
  uint32_t n = make_trail(2, 3, 1, 1);
  char *s = token_encode_trail(dig, 1, 100, "", decs, 0, steps, n);
  Token t;
  char err[256];
  for (size_t i = 8; s[i]; i++) { /* any flipped character is seen */
    char keep = s[i];
    s[i] = keep == 'A' ? 'B' : 'A';
    CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), -1);
    s[i] = keep;
  }
  s[strlen(s) - 8] = '\0'; /* truncated in the trail */
  CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), -1);
  free(s);
}

int main(void) {
  test_begin(30);
  RUN_TEST(test_round_trip);
  RUN_TEST(test_compact);
  RUN_TEST(test_errors);
  RUN_TEST(test_trail_round_trip);
  RUN_TEST(test_trail_compact);
  RUN_TEST(test_trail_errors);
  return test_end("test_token");
}
