/*
** fuzz_token.c - libFuzzer harness: the schedule-token parser must reject
** any string cleanly (a message, no crash, no leak) and round-trip what it
** accepts.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = util_xmalloc(size + 1);
  memcpy(s, data, size);
  s[size] = '\0';
  Token t;
  char err[256];
  if (token_decode(s, &t, err, sizeof err) == 0) {
    char *again = token_encode(t.script, t.seed, t.max_steps, t.params, t.dec, t.ndec);
    Token u;
    if (token_decode(again, &u, err, sizeof err) != 0 || u.ndec != t.ndec || u.seed != t.seed)
      abort(); /* what was accepted must survive a round trip */
    token_free(&u);
    free(again);
    token_free(&t);
  }
  free(s);
  return 0;
}
