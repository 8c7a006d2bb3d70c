/*
** test_sha256.c - FIPS 180-4 test vectors.
*/
#include "sha256.h"
#include "test.h"

static void test_vectors(void) {
  char out[65];
  sha256_hex("", 0, out);
  CHECK_EQ_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha256_hex("abc", 3, out);
  CHECK_EQ_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha256_hex(m, strlen(m), out);
  CHECK_EQ_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  static char million[1000000];
  memset(million, 'a', sizeof million);
  sha256_hex(million, sizeof million, out);
  CHECK_EQ_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void) {
  test_begin(30);
  RUN_TEST(test_vectors);
  return test_end("test_sha256");
}
