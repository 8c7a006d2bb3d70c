/*
** test_token.c - schedule tokens: round trips, and clear errors for
** corrupted, foreign-version and truncated tokens.
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
    CHECK_EQ_INT(t.version, TOKEN_VERSION);
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
  /* a token from a future version: first byte 2 */
  s = make(3);
  s[0] = 'A', s[1] = 'g'; /* 000000 100000 -> first byte 0x02 */
  CHECK_EQ_INT(token_decode(s, &t, err, sizeof err), -1);
  CHECK(strstr(err, "version") || strstr(err, "corrupted"));
  free(s);
}

int main(void) {
  test_begin(30);
  RUN_TEST(test_round_trip);
  RUN_TEST(test_compact);
  RUN_TEST(test_errors);
  return test_end("test_token");
}
