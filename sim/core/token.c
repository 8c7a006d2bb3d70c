/*
** token.c - schedule tokens (see token.h).
*/
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "util.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put_varint(StrBuf *b, uint64_t v) {
  if (b->cap - b->len < 12) sb_reserve(b, 11);
  unsigned char *o = (unsigned char *)b->s + b->len;
  size_t n = 0;
  while (v >= 0x80) {
    o[n++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  o[n++] = (unsigned char)v;
  b->len += n;
  b->s[b->len] = '\0';
}

void token_script_digest(const char *text, size_t len, uint8_t out[4]) {
  uint8_t d[32];
  sha256(text, len, d);
  memcpy(out, d, 4);
}

uint16_t token_name_hash(const char *name) {
  uint64_t h = util_fnv(UTIL_FNV_INIT, name, strlen(name));
  uint16_t v = (uint16_t)(h ^ h >> 16 ^ h >> 32 ^ h >> 48);
  return v ? v : 1;
}

/* ---- the trail's prediction (the same for the encoder and the decoder) -- */

typedef struct Action {
  uint16_t op, objhash;
  int32_t line;
} Action;

/*
** What the coder knows after some steps: the actions seen, the object
** hashes seen, each thread's last action, and what followed an action (in a
** thread: 'succ', keyed by thread and action; in any thread: 'gsucc').
*/
typedef struct Predictor {
  Action *act;
  uint32_t nact;
  size_t cap_act;
  uint16_t *hash;
  uint32_t nhash;
  size_t cap_hash;
  int64_t *last; /* per thread: its last action, -1 before its first */
  size_t nlast;
  int64_t *gsucc; /* per action + 1 (slot 0: a thread's first action), or -1 */
  size_t ngsucc;
  U64Map succ; /* (thread << 32 | action) + 1 -> the action that followed */
  /* ... for the first DENSE_T threads and DENSE_A actions, a table instead:
     dsucc[tid * DENSE_A + action], valid where dstamp has this 'stamp' (a
     new stamp forgets them all) */
  uint32_t *dsucc, *dstamp;
  uint32_t stamp;
  int32_t prev; /* the thread of the previous step (0, the main thread, at first) */
} Predictor;

#define DENSE_T 16
#define DENSE_A 64

static void pred_free(Predictor *p) {
  free(p->act), free(p->hash), free(p->last), free(p->gsucc);
  free(p->dsucc), free(p->dstamp);
  u64map_free(&p->succ);
}

/* Forget what was learnt, keeping the memory (a coder serves many runs). */
static void pred_reset(Predictor *p) {
  p->nact = p->nhash = 0;
  for (size_t i = 0; i < p->nlast; i++) p->last[i] = -1;
  for (size_t i = 0; i < p->ngsucc; i++) p->gsucc[i] = -1;
  u64map_clear(&p->succ);
  if (++p->stamp == 0 && p->dstamp) /* (after 2^32 runs) */
    memset(p->dstamp, 0, sizeof *p->dstamp * DENSE_T * DENSE_A);
  p->prev = 0;
}

static int dense(int32_t tid, int64_t a) { return tid >= 0 && tid < DENSE_T && a < DENSE_A; }

/* What followed action 'a' of thread 'tid' (a >= 0), or -1. */
static int64_t succ_get(const Predictor *p, int32_t tid, int64_t a) {
  if (dense(tid, a)) {
    size_t i = (size_t)tid * DENSE_A + (size_t)a;
    return p->stamp && p->dstamp && p->dstamp[i] == p->stamp ? (int64_t)p->dsucc[i] : -1;
  }
  const uint64_t *next = u64map_get(&p->succ, ((uint64_t)tid << 32 | (uint64_t)a) + 1);
  return next ? (int64_t)*next : -1;
}

static void succ_put(Predictor *p, int32_t tid, int64_t a, uint32_t v) {
  if (!dense(tid, a)) {
    *u64map_at(&p->succ, ((uint64_t)tid << 32 | (uint64_t)a) + 1) = v;
    return;
  }
  if (!p->dstamp) {
    p->dsucc = util_xcalloc(DENSE_T * DENSE_A, sizeof *p->dsucc);
    p->dstamp = util_xcalloc(DENSE_T * DENSE_A, sizeof *p->dstamp);
  }
  if (!p->stamp) p->stamp = 1;
  size_t i = (size_t)tid * DENSE_A + (size_t)a;
  p->dsucc[i] = v, p->dstamp[i] = p->stamp;
}

static void ensure_thread(Predictor *p, int32_t tid) {
  size_t need = (size_t)tid + 1;
  if (need <= p->nlast) return;
  size_t n = need > 2 * p->nlast ? need : 2 * p->nlast;
  p->last = util_xrealloc(p->last, n * sizeof *p->last);
  for (size_t i = p->nlast; i < n; i++) p->last[i] = -1;
  p->nlast = n;
}

/* The predicted action of thread 'tid''s next step, or -1. */
static int64_t predict(Predictor *p, int32_t tid) {
  ensure_thread(p, tid);
  int64_t a = p->last[tid];
  if (a >= 0) {
    int64_t next = succ_get(p, tid, a);
    if (next >= 0) return next;
  }
  size_t g = (size_t)(a + 1);
  return g < p->ngsucc ? p->gsucc[g] : -1;
}

/* Thread 'tid' did action 'a': learn it. */
static void learn(Predictor *p, int32_t tid, uint32_t a) {
  ensure_thread(p, tid);
  int64_t from = p->last[tid];
  if (from >= 0) succ_put(p, tid, from, a);
  size_t g = (size_t)(from + 1);
  if (g >= p->ngsucc) {
    size_t n = g + 1 > 2 * p->ngsucc ? g + 1 : 2 * p->ngsucc;
    p->gsucc = util_xrealloc(p->gsucc, n * sizeof *p->gsucc);
    for (size_t i = p->ngsucc; i < n; i++) p->gsucc[i] = -1;
    p->ngsucc = n;
  }
  p->gsucc[g] = a;
  p->last[tid] = a;
  p->prev = tid;
}

static int64_t find_action(const Predictor *p, const TokenStep *s) {
  for (uint32_t i = 0; i < p->nact; i++)
    if (p->act[i].op == s->op && p->act[i].objhash == s->objhash && p->act[i].line == s->line)
      return i;
  return -1;
}

static void add_action(Predictor *p, uint16_t op, uint16_t objhash, int32_t line) {
  UTIL_GROW(p->act, (size_t)p->nact + 1, p->cap_act);
  p->act[p->nact++] = (Action){op, objhash, line};
}

static int64_t find_hash(const Predictor *p, uint16_t h) {
  for (uint32_t i = 0; i < p->nhash; i++)
    if (p->hash[i] == h) return i;
  return -1;
}

static void add_hash(Predictor *p, uint16_t h) {
  UTIL_GROW(p->hash, (size_t)p->nhash + 1, p->cap_hash);
  p->hash[p->nhash++] = h;
}

static void put_trail(StrBuf *b, Predictor *pp, const TokenStep *t, uint32_t n) {
  Predictor p = *pp;
  pred_reset(&p);
  put_varint(b, n);
  uint64_t run = 0;
  for (uint32_t i = 0; i < n; i++) {
    const TokenStep *s = &t[i];
    int64_t guess = predict(&p, s->tid), a = find_action(&p, s);
    int same = s->tid == p.prev;
    if (same && a >= 0 && a == guess) {
      run++;
      learn(&p, s->tid, (uint32_t)a);
      continue;
    }
    if (run) put_varint(b, 0), put_varint(b, run - 1);
    run = 0;
    uint64_t code = a >= 0 ? (a == guess ? 0 : (uint64_t)a + 1) : (uint64_t)p.nact + 1;
    put_varint(b, code * 2 + !same); /* not 0: that is a run of predicted steps */
    if (!same) put_varint(b, (uint64_t)s->tid);
    if (a < 0) {
      put_varint(b, s->op);
      int64_t h = s->objhash ? find_hash(&p, s->objhash) : -2;
      put_varint(b, h == -2 ? 0 : h >= 0 ? (uint64_t)h + 1 : (uint64_t)p.nhash + 1);
      if (h == -1) {
        sb_putc(b, (char)(unsigned char)(s->objhash & 0xff));
        sb_putc(b, (char)(unsigned char)(s->objhash >> 8));
        add_hash(&p, s->objhash);
      }
      put_varint(b, (uint64_t)(uint32_t)s->line);
      add_action(&p, s->op, s->objhash, s->line);
      a = p.nact - 1;
    }
    learn(&p, s->tid, (uint32_t)a);
  }
  if (run) put_varint(b, 0), put_varint(b, run - 1);
  *pp = p;
}

static void put_header(StrBuf *raw, int version, const uint8_t script[4], uint64_t seed,
                       uint32_t max_steps, const char *params) {
  sb_putc(raw, (char)version);
  sb_putn(raw, (const char *)script, 4);
  put_varint(raw, seed);
  put_varint(raw, max_steps);
  size_t pl = params ? strlen(params) : 0;
  put_varint(raw, pl);
  if (pl) sb_putn(raw, params, pl);
}

/* Runs of equal decisions, those of 'kinds' (a bit per kind) only. */
static void put_decisions(StrBuf *raw, const Decision *dec, uint32_t ndec, unsigned kinds) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < ndec; i++) n += (kinds >> dec[i].kind) & 1;
  put_varint(raw, n);
  for (uint32_t i = 0; i < ndec;) {
    if (!((kinds >> dec[i].kind) & 1)) {
      i++;
      continue;
    }
    uint64_t code = (uint64_t)dec[i].value * 2 + dec[i].kind;
    uint32_t j = i + 1, cnt = 1;
    for (; j < ndec; j++) {
      if (!((kinds >> dec[j].kind) & 1)) continue;
      if ((uint64_t)dec[j].value * 2 + dec[j].kind != code) break;
      cnt++;
    }
    put_varint(raw, cnt);
    put_varint(raw, code);
    i = j;
  }
}

/* The checksum and base64url of 'raw' (left for its owner to reuse). */
static char *finish(StrBuf *raw) {
  uint64_t h = util_fnv(UTIL_FNV_INIT, raw->s, raw->len);
  char sum[4];
  for (int i = 0; i < 4; i++) sum[i] = (char)(unsigned char)(h >> (8 * i));
  sb_putn(raw, sum, 4);
  const unsigned char *p = (const unsigned char *)raw->s;
  char *out = util_xmalloc(raw->len / 3 * 4 + 4), *o = out; /* (one string a run: no StrBuf) */
  for (size_t i = 0; i < raw->len; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;
    size_t n = raw->len - i < 3 ? raw->len - i : 3;
    if (n > 1) v |= (uint32_t)p[i + 1] << 8;
    if (n > 2) v |= p[i + 2];
    *o++ = b64[(v >> 18) & 63];
    *o++ = b64[(v >> 12) & 63];
    if (n > 1) *o++ = b64[(v >> 6) & 63];
    if (n > 2) *o++ = b64[v & 63];
  }
  *o = '\0';
  return out;
}

char *token_encode(const uint8_t script[4], uint64_t seed, uint32_t max_steps,
                   const char *params, const Decision *dec, uint32_t ndec) {
  StrBuf raw;
  sb_init(&raw);
  put_header(&raw, 1, script, seed, max_steps, params);
  put_decisions(&raw, dec, ndec, 1u << DEC_THREAD | 1u << DEC_DATA);
  char *tok = finish(&raw);
  sb_free(&raw);
  return tok;
}

/*
** What encoding keeps from one token to the next: the predictor's tables,
** the raw bytes, the trail and each object's name hash, so that a token a
** run costs no allocation but its string.
*/
struct TokenCoder {
  Predictor pred;
  StrBuf raw;
  TokenStep *trail;
  size_t cap_trail;
  uint16_t *objhash; /* per object of the run being encoded; 0: not yet hashed */
  size_t cap_objhash;
};

TokenCoder *token_coder_new(void) {
  TokenCoder *c = util_xcalloc(1, sizeof *c);
  sb_init(&c->raw);
  return c;
}

void token_coder_free(TokenCoder *c) {
  if (!c) return;
  pred_free(&c->pred);
  sb_free(&c->raw);
  free(c->trail);
  free(c->objhash);
  free(c);
}

static char *encode_trail(TokenCoder *c, const uint8_t script[4], uint64_t seed,
                          uint32_t max_steps, const char *params, const Decision *dec,
                          uint32_t ndec, const TokenStep *trail, uint32_t ntrail) {
  sb_reset(&c->raw);
  put_header(&c->raw, 2, script, seed, max_steps, params);
  put_decisions(&c->raw, dec, ndec, 1u << DEC_DATA);
  put_trail(&c->raw, &c->pred, trail, ntrail);
  return finish(&c->raw);
}

char *token_encode_trail(const uint8_t script[4], uint64_t seed, uint32_t max_steps,
                         const char *params, const Decision *dec, uint32_t ndec,
                         const TokenStep *trail, uint32_t ntrail) {
  TokenCoder *c = token_coder_new();
  char *tok = encode_trail(c, script, seed, max_steps, params, dec, ndec, trail, ntrail);
  token_coder_free(c);
  return tok;
}

char *token_encode_run(TokenCoder *c, const uint8_t script[4], const char *params,
                       const SimRun *r) {
  UTIL_GROW(c->trail, (size_t)r->ntrail + 1, c->cap_trail);
  UTIL_GROW(c->objhash, (size_t)r->nobjs + 1, c->cap_objhash);
  memset(c->objhash, 0, sizeof *c->objhash * (size_t)r->nobjs);
  for (uint32_t i = 0; i < r->ntrail; i++) {
    const StepRec *k = &r->trail[i];
    TokenStep *t = &c->trail[i];
    t->tid = k->tid, t->op = k->op, t->line = k->line, t->objhash = 0;
    if (k->obj >= 0 && k->obj < r->nobjs) {
      if (!c->objhash[k->obj]) c->objhash[k->obj] = token_name_hash(obj_name(r, k->obj));
      t->objhash = c->objhash[k->obj];
    }
  }
  return encode_trail(c, script, r->seed, r->max_steps, params, r->decisions, r->ndecisions,
                      c->trail, r->ntrail);
}

typedef struct Reader {
  const unsigned char *p;
  size_t n, at;
  int bad;
} Reader;

static uint64_t get_varint(Reader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->at >= r->n) {
      r->bad = 1;
      return 0;
    }
    unsigned char c = r->p[r->at++];
    v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) return v;
  }
  r->bad = 1;
  return 0;
}

/* The trail of a version 2 token (put_trail's inverse). */
static void get_trail(Reader *r, Token *out) {
  uint64_t n = get_varint(r);
  if (r->bad || n > (uint64_t)out->max_steps + 1) { /* (a step each, and the last) */
    r->bad = 1;
    return;
  }
  Predictor p = {0};
  size_t cap = 0; /* grown as steps are read: a forged length allocates nothing */
  UTIL_GROW(out->trail, 1, cap); /* (never NULL: a trail, if an empty one, says version 2) */
  uint32_t i = 0;
  while (i < n && !r->bad) {
    uint64_t code = get_varint(r);
    if (code == 0) { /* a run of predicted steps */
      uint64_t run = get_varint(r);
      if (r->bad || run >= n - i) {
        r->bad = 1;
        break;
      }
      for (uint64_t k = 0; k <= run; k++, i++) {
        int64_t a = predict(&p, p.prev);
        if (a < 0) {
          r->bad = 1;
          break;
        }
        UTIL_GROW(out->trail, (size_t)i + 1, cap);
        TokenStep *s = &out->trail[i];
        s->tid = p.prev, s->op = p.act[a].op, s->objhash = p.act[a].objhash,
        s->line = p.act[a].line;
        learn(&p, s->tid, (uint32_t)a);
      }
      continue;
    }
    int32_t tid = p.prev;
    if (code & 1) {
      uint64_t t = get_varint(r);
      if (t > INT32_MAX) r->bad = 1;
      tid = (int32_t)t;
    }
    code >>= 1;
    int64_t a;
    if (r->bad) break;
    if (code == 0) a = predict(&p, tid);
    else if (code <= p.nact) a = (int64_t)code - 1;
    else if (code == (uint64_t)p.nact + 1) {
      uint64_t op = get_varint(r), slot = get_varint(r);
      uint16_t h = 0;
      if (slot > p.nhash + 1 || op >= OP__COUNT) r->bad = 1;
      else if (slot == p.nhash + 1) {
        if (r->n - r->at < 2) r->bad = 1;
        else {
          h = (uint16_t)(r->p[r->at] | r->p[r->at + 1] << 8);
          r->at += 2;
          add_hash(&p, h);
        }
      } else if (slot) h = p.hash[slot - 1];
      uint64_t line = get_varint(r);
      if (r->bad) break;
      add_action(&p, (uint16_t)op, h, (int32_t)(uint32_t)line);
      a = p.nact - 1;
    } else a = -1;
    if (a < 0) {
      r->bad = 1;
      break;
    }
    UTIL_GROW(out->trail, (size_t)i + 1, cap);
    TokenStep *s = &out->trail[i++];
    s->tid = tid, s->op = p.act[a].op, s->objhash = p.act[a].objhash, s->line = p.act[a].line;
    learn(&p, tid, (uint32_t)a);
  }
  if (i != n) r->bad = 1;
  out->ntrail = i;
  pred_free(&p);
}

int token_decode(const char *s, Token *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  size_t len = strlen(s);
  if (len < 12) {
    snprintf(err, errlen, "'%.40s' is not a schedule token (too short)", s);
    return -1;
  }
  StrBuf raw;
  sb_init(&raw);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    const char *q = strchr(b64, s[i]);
    if (!q || !s[i]) {
      snprintf(err, errlen, "not a schedule token: unexpected character '%c' at position %zu",
               s[i], i + 1);
      sb_free(&raw);
      return -1;
    }
    acc = acc << 6 | (uint32_t)(q - b64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      sb_putc(&raw, (char)(unsigned char)(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  const unsigned char *p = (const unsigned char *)raw.s;
  int known = raw.len >= 1 && (p[0] == 1 || p[0] == TOKEN_VERSION);
  if (raw.len < 9 || !known) {
    if (raw.len >= 1 && !known && p[0] < 16)
      snprintf(err, errlen,
               "schedule token version %d is not supported by racesim %s (it reads "
               "version %d)",
               p[0], RACESIM_VERSION, TOKEN_VERSION);
    else snprintf(err, errlen, "the schedule token is corrupted (bad header)");
    sb_free(&raw);
    return -1;
  }
  uint64_t h = util_fnv(UTIL_FNV_INIT, raw.s, raw.len - 4);
  for (int i = 0; i < 4; i++)
    if (p[raw.len - 4 + (size_t)i] != (unsigned char)(h >> (8 * i))) {
      snprintf(err, errlen, "the schedule token is corrupted (checksum mismatch): "
                            "was it copied whole?");
      sb_free(&raw);
      return -1;
    }
  Reader r = {p, raw.len - 4, 1 + 4, 0};
  out->version = p[0];
  memcpy(out->script, p + 1, 4);
  out->seed = get_varint(&r);
  uint64_t max_steps = get_varint(&r);
  if (!r.bad && (max_steps == 0 || max_steps > TOKEN_MAX_STEPS)) {
    snprintf(err, errlen,
             "the schedule token asks for runs of %llu steps; racesim allows 1 to %u "
             "(--max-steps)",
             (unsigned long long)max_steps, (unsigned)TOKEN_MAX_STEPS);
    sb_free(&raw);
    return -1;
  }
  out->max_steps = (uint32_t)max_steps;
  uint64_t pl = get_varint(&r);
  if (!r.bad && pl <= r.n - r.at) {
    out->params = util_xmalloc(pl + 1);
    memcpy(out->params, p + r.at, pl);
    out->params[pl] = '\0';
    r.at += pl;
  } else {
    r.bad = 1;
  }
  uint64_t nd = get_varint(&r);
  if (nd > 100000000) r.bad = 1;
  if (!r.bad) {
    size_t cap = 0; /* grown as decisions are read, as the trail is */
    UTIL_GROW(out->dec, 1, cap);
    uint32_t i = 0;
    while (!r.bad && i < nd) {
      uint64_t cnt = get_varint(&r), code = get_varint(&r);
      if (cnt == 0 || cnt > nd - i) r.bad = 1;
      if (!r.bad) UTIL_GROW(out->dec, (size_t)i + cnt, cap);
      for (uint64_t k = 0; !r.bad && k < cnt; k++, i++) {
        out->dec[i].kind = (uint8_t)(code & 1);
        out->dec[i].value = (uint32_t)(code >> 1);
        out->dec[i].n = 0;
      }
    }
    out->ndec = i;
  }
  if (!r.bad && out->version >= 2) get_trail(&r, out);
  if (r.bad || r.at != r.n) {
    snprintf(err, errlen, "the schedule token is corrupted (bad body)");
    token_free(out);
    sb_free(&raw);
    return -1;
  }
  sb_free(&raw);
  return 0;
}

void token_free(Token *t) {
  free(t->params);
  free(t->dec);
  free(t->trail);
  memset(t, 0, sizeof *t);
}
