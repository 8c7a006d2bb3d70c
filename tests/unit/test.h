/*
** test.h - a small assertion header for racesim's unit tests.  A failed
** check prints the expression and both values, and the test goes on; the
** executable exits 1 if any check failed.  Every test file runs under an
** alarm so that a hang fails instead of blocking CI.  The alarm guards
** against a hang, not against slowness: it is set well above the test's own
** time on a busy machine (CI's has run the suite seven times slower than a
** quiet one), and below ctest's TIMEOUT so that a hang says so.
*/
#ifndef RACESIM_TEST_H
#define RACESIM_TEST_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int test_failures, test_checks;
static const char *test_current = "?";

#define CHECK(cond)                                                            \
  do {                                                                         \
    test_checks++;                                                             \
    if (!(cond)) {                                                             \
      test_failures++;                                                         \
      fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__,     \
              test_current, #cond);                                            \
    }                                                                          \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                     \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    test_checks++;                                                             \
    if (a_ != b_) {                                                            \
      test_failures++;                                                         \
      fprintf(stderr, "%s:%d: %s: %s == %s failed: %lld vs %lld\n", __FILE__,  \
              __LINE__, test_current, #a, #b, a_, b_);                         \
    }                                                                          \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                     \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    test_checks++;                                                             \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                   \
      test_failures++;                                                         \
      fprintf(stderr, "%s:%d: %s: %s == %s failed:\n  '%s'\n  '%s'\n",          \
              __FILE__, __LINE__, test_current, #a, #b, a_ ? a_ : "(null)",    \
              b_ ? b_ : "(null)");                                             \
    }                                                                          \
  } while (0)

#define CHECK_CONTAINS(hay, needle)                                            \
  do {                                                                         \
    const char *h_ = (hay), *n_ = (needle);                                    \
    test_checks++;                                                             \
    if (!h_ || !strstr(h_, n_)) {                                              \
      test_failures++;                                                         \
      fprintf(stderr, "%s:%d: %s: '%s' does not contain '%s'\n", __FILE__,     \
              __LINE__, test_current, h_ ? h_ : "(null)", n_);                 \
    }                                                                          \
  } while (0)

#define RUN_TEST(fn)                                                           \
  do {                                                                         \
    test_current = #fn;                                                        \
    fn();                                                                      \
  } while (0)

static void test_timeout(int sig) {
  (void)sig;
  static const char msg[] = "test timed out\n";
  if (write(2, msg, sizeof msg - 1) < 0) _exit(3);
  _exit(3);
}

static inline void test_begin(unsigned seconds) {
  signal(SIGALRM, test_timeout);
  alarm(seconds);
}

static inline int test_end(const char *name) {
  printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
  return test_failures ? 1 : 0;
}

#endif
