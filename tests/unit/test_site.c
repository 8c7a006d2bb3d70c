/*
** test_site.c - call paths and the names the scenario's text gives
** (site.c): function names by their definition line, the variable a
** constructor's result is assigned to, and how a path reads.
*/
#include "site.h"
#include "test.h"

static const char src[] =
    "local counter = shared('counter', 0)\n"         /* 1 */
    "local function bump(d)\n"                       /* 2 */
    "  counter:set(counter:get() + d)\n"             /* 3 */
    "end\n"                                          /* 4 */
    "function acct:deposit(n) bump(n) end\n"         /* 5 */
    "local worker = function() bump(1) end\n"        /* 6 */
    "spawn('w', function() worker() end)\n"          /* 7 */
    "M.helpers.go = function() end -- function x()\n" /* 8 */
    "if a == function() end then end\n"              /* 9 */
    "local s = 'function fake()'\n";                 /* 10 */

static void test_function_names(void) {
  FuncNames *fn = funcnames_new(src, sizeof src - 1);
  CHECK(funcnames_get(fn, SITE_SCENARIO, 1) == NULL);
  CHECK_EQ_STR(funcnames_get(fn, SITE_SCENARIO, 2), "bump");
  CHECK_EQ_STR(funcnames_get(fn, SITE_SCENARIO, 5), "acct:deposit");
  CHECK_EQ_STR(funcnames_get(fn, SITE_SCENARIO, 6), "worker");
  CHECK(funcnames_get(fn, SITE_SCENARIO, 7) == NULL); /* an argument: anonymous */
  CHECK_EQ_STR(funcnames_get(fn, SITE_SCENARIO, 8), "M.helpers.go");
  CHECK(funcnames_get(fn, SITE_SCENARIO, 9) == NULL);  /* a comparison, not an assignment */
  CHECK(funcnames_get(fn, SITE_SCENARIO, 10) == NULL); /* inside a string */
  CHECK(funcnames_get(fn, SITE_SCENARIO, 0) == NULL);  /* the main chunk */
  CHECK(funcnames_get(fn, SITE_SCENARIO, 99) == NULL);
  funcnames_helper(fn, 12, "with");
  funcnames_helper(fn, 12, "with"); /* installed for several classes: once */
  CHECK_EQ_STR(funcnames_get(fn, SITE_HELPER, 12), "with");
  CHECK(funcnames_get(fn, SITE_HELPER, 2) == NULL);
  size_t len;
  const char *l3 = funcnames_line(fn, 3, &len);
  CHECK(l3 && len == strlen("  counter:set(counter:get() + d)") &&
        !memcmp(l3, "  counter:set", 13));
  CHECK(funcnames_line(fn, 12, &len) == NULL);
  funcnames_free(fn);
}

/* The name `lhs = Ctor(...)` gives; "" index when none. */
static const char *assigned(const char *line, const char *ctor, char *index) {
  static char name[80];
  if (source_assigned_name(line, strlen(line), ctor, name, sizeof name, index, 32) != 0)
    return NULL;
  return name;
}

static void test_assigned_names(void) {
  char ix[32];
  CHECK_EQ_STR(assigned("local q = Queue()", "Queue", ix), "q");
  CHECK_EQ_STR(ix, "");
  CHECK_EQ_STR(assigned("  acct.lock = RLock() -- guards it", "RLock", ix), "acct.lock");
  CHECK_EQ_STR(assigned("for i = 1, 3 do forks[i] = Lock() end", "Lock", ix), "forks");
  CHECK_EQ_STR(ix, "i");
  CHECK_EQ_STR(assigned("buf[ 3 ] = Event()", "Event", ix), "buf");
  CHECK_EQ_STR(ix, "3");
  CHECK_EQ_STR(assigned("local pool = { slots = Semaphore(2), n = 0 }", "Semaphore", ix),
               "pool.slots");
  CHECK_EQ_STR(assigned("local t = { a = 1, cv = Condition() }", "Condition", ix), "t.cv");
  CHECK(assigned("local a, b = Lock(), 5", "Lock", ix) == NULL);       /* which one? */
  CHECK(assigned("local a, b = Lock(), Lock()", "Lock", ix) == NULL);
  CHECK(assigned("local r = RLock()", "Lock", ix) == NULL);            /* another class */
  CHECK(assigned("table.insert(locks, Lock())", "Lock", ix) == NULL);  /* no assignment */
  CHECK(assigned("if x == Lock() then end", "Lock", ix) == NULL);
  CHECK(assigned("-- local q = Queue()", "Queue", ix) == NULL);        /* a comment */
  char names[8][80];
  const char *two = "local a, b = Lock(), Queue(3, \"q,x\") -- two";
  CHECK_EQ_INT(source_assigned_list(two, strlen(two), names, 8), 2);
  CHECK_EQ_STR(names[0], "a");
  CHECK_EQ_STR(names[1], "b");
  const char *mixed = "local a, n = Lock(), compute()";
  CHECK_EQ_INT(source_assigned_list(mixed, strlen(mixed), names, 8), -1);
  const char *fewer = "local a, b = Lock()";
  CHECK_EQ_INT(source_assigned_list(fewer, strlen(fewer), names, 8), -1);
  const char *one = "local a = Lock()";
  CHECK_EQ_INT(source_assigned_list(one, strlen(one), names, 8), -1);
}

static void test_format(void) {
  FuncNames *fn = funcnames_new(src, sizeof src - 1);
  funcnames_helper(fn, 20, "with");
  StrBuf b;
  sb_init(&b);
  Site s = {{3, 6, 7}, {2, 6, 7}, {SITE_SCENARIO, SITE_SCENARIO, SITE_SCENARIO}, 3, 0, 0};
  site_format(&s, fn, "x.lua", &b);
  CHECK_EQ_STR(b.s, "bump at x.lua:3 <- worker at x.lua:6 <- x.lua:7");
  sb_reset(&b);
  Site w = {{14, 0, 9}, {13, 20, 7}, {SITE_SCENARIO, SITE_HELPER, SITE_SCENARIO}, 3, 1, 0};
  site_format(&w, fn, "x.lua", &b);
  CHECK_EQ_STR(b.s, "x.lua:14 <- with() at x.lua:9 <- ...");
  sb_reset(&b);
  Site n = {{3, 0, 6}, {2, 20, 6}, {SITE_SCENARIO, SITE_HELPER, SITE_SCENARIO}, 3, 0, 0};
  site_format(&n, fn, "x.lua", &b);
  CHECK_EQ_STR(b.s, "bump at x.lua:3 <- with() in worker at x.lua:6");
  sb_reset(&b);
  Site one = {{9, 0, 9}, {9, 20, 7}, {SITE_SCENARIO, SITE_HELPER, SITE_SCENARIO}, 3, 0, 0};
  site_format(&one, fn, "x.lua", &b); /* lock:with(function() ... end) on one line */
  CHECK_EQ_STR(b.s, "x.lua:9 <- with()");
  sb_reset(&b);
  Site tail = {{20, 0, 33}, {19, 20, 0}, {SITE_SCENARIO, SITE_HELPER, SITE_SCENARIO}, 3, 0, 2};
  site_format(&tail, fn, "x.lua", &b); /* `return cond:with(...)` in take: take's frame is gone */
  CHECK_EQ_STR(b.s, "x.lua:20 <- with() <- (tail call) <- x.lua:33");
  sb_reset(&b);
  Site none = {{0}, {0}, {0}, 0, 0, 0};
  site_format(&none, fn, "x.lua", &b);
  CHECK_EQ_STR(b.s, "x.lua:?");
  sb_free(&b);
  funcnames_free(fn);
}

int main(void) {
  test_begin(30);
  RUN_TEST(test_function_names);
  RUN_TEST(test_assigned_names);
  RUN_TEST(test_format);
  return test_end("test_site");
}
