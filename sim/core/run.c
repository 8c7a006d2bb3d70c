/*
** run.c - the per-run store: threads, objects, events, findings and the
** text arena.  Reset between runs without giving memory back.
*/
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "prng.h"

const char *const finding_kind_names[FIND__COUNT] = {
    "lost_update", "data_race", "deadlock",  "potential_deadlock", "stuck",
    "barrier_broken", "assertion", "error", "step_limit"};

void run_init(SimRun *r) {
  memset(r, 0, sizeof *r);
  sb_init(&r->text);
  r->cur = -1;
}

void run_free(SimRun *r) {
  free(r->threads);
  free(r->objs);
  free(r->events);
  free(r->decisions);
  free(r->trail);
  free(r->runnable);
  free(r->findings);
  free(r->ledges);
  free(r->warnings);
  free(r->sites);
  free(r->site_slots);
  u64map_free(&r->names);
  sb_free(&r->text);
  run_init(r);
}

void run_reset(SimRun *r) {
  r->nthreads = r->nobjs = 0;
  r->nevents = r->ndecisions = r->nfindings = r->nledges = r->nwarnings = 0;
  r->ntrail = r->nrunnable = 0;
  r->steps = 0;
  r->preemptions = 0;
  r->gave_way = 0;
  r->vtime = 0;
  r->cur = -1;
  r->ndaemons = 0;
  r->next_ticket = 0;
  r->next_rseq = 0;
  r->order = ORDER_FIFO;
  r->end = END_NONE;
  r->in_finally = 0;
  r->mode = MODE_THREADS;
  sb_reset(&r->text);
  sb_putc(&r->text, '\0'); /* offset 0 is the empty string */
  r->scenario_name = r->expect = UINT32_MAX;
  if (r->nsites) memset(r->site_slots, 0, sizeof(uint32_t) * r->nslots);
  r->nsites = 0;
  if (r->names_on) u64map_clear(&r->names);
  r->names_on = 0;
}

#define COPY_ARRAY(field, n, cap)                                              \
  do {                                                                         \
    UTIL_GROW(dst->field, (size_t)src->n + 1, dst->cap);                       \
    if (src->n) memcpy(dst->field, src->field, sizeof(*src->field) * (size_t)src->n); \
    dst->n = src->n;                                                           \
  } while (0)

void run_copy(SimRun *dst, const SimRun *src) {
  SimRun keep = *dst; /* dst's own arrays */
  *dst = *src;
  dst->threads = keep.threads, dst->cap_threads = keep.cap_threads;
  dst->objs = keep.objs, dst->cap_objs = keep.cap_objs;
  dst->events = keep.events, dst->cap_events = keep.cap_events;
  dst->decisions = keep.decisions, dst->cap_decisions = keep.cap_decisions;
  dst->trail = keep.trail, dst->cap_trail = keep.cap_trail;
  dst->runnable = keep.runnable, dst->cap_runnable = keep.cap_runnable;
  dst->findings = keep.findings, dst->cap_findings = keep.cap_findings;
  dst->ledges = keep.ledges, dst->cap_ledges = keep.cap_ledges;
  dst->warnings = keep.warnings, dst->cap_warnings = keep.cap_warnings;
  dst->text = keep.text;
  dst->sites = keep.sites, dst->cap_sites = keep.cap_sites;
  dst->site_slots = keep.site_slots, dst->nslots = keep.nslots; /* (a copy adds none) */
  dst->names = keep.names; /* (its own map, built if asked: run_name_uses) */
  u64map_clear(&dst->names);
  dst->names_on = 0;
  COPY_ARRAY(threads, nthreads, cap_threads);
  COPY_ARRAY(objs, nobjs, cap_objs);
  COPY_ARRAY(events, nevents, cap_events);
  COPY_ARRAY(decisions, ndecisions, cap_decisions);
  COPY_ARRAY(trail, ntrail, cap_trail);
  COPY_ARRAY(runnable, nrunnable, cap_runnable);
  COPY_ARRAY(findings, nfindings, cap_findings);
  COPY_ARRAY(ledges, nledges, cap_ledges);
  COPY_ARRAY(warnings, nwarnings, cap_warnings);
  COPY_ARRAY(sites, nsites, cap_sites);
  if (dst->nslots) memset(dst->site_slots, 0, sizeof(uint32_t) * dst->nslots);
  for (int32_t i = 0; i < dst->nthreads; i++) dst->threads[i].co = NULL;
  sb_reset(&dst->text);
  if (src->text.len) sb_putn(&dst->text, src->text.s, src->text.len);
}

void run_take(SimRun *dst, SimRun *src) {
  SimRun old = *dst;
  *dst = *src;
  *src = old;
  src->script = dst->script, src->fnames = dst->fnames;
  for (int32_t i = 0; i < dst->nthreads; i++) dst->threads[i].co = NULL;
  run_reset(src);
}

uint32_t run_text(SimRun *r, const char *s, size_t n) {
  if (r->text.s && s >= r->text.s && s < r->text.s + r->text.cap) {
    char *copy = util_xmalloc(n + 1); /* from the arena itself, which may move */
    memcpy(copy, s, n);
    uint32_t off = run_text(r, copy, n);
    free(copy);
    return off;
  }
  uint32_t off = (uint32_t)r->text.len;
  sb_putn(&r->text, s, n);
  sb_putc(&r->text, '\0');
  return off;
}

uint32_t run_textf(SimRun *r, const char *fmt, ...) {
  StrBuf b; /* aside: the arguments may point into r->text */
  sb_init(&b);
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  uint32_t off = run_text(r, b.s ? b.s : "", b.len);
  sb_free(&b);
  return off;
}

/* Put 'name' in the run's text, as given and as shown: its offsets. */
static void add_name(SimRun *r, const char *name, uint32_t *shown, uint32_t *full) {
  size_t len = strlen(name);
  *full = run_text(r, name, len);
  if (len <= RUN_NAME_SHOWN) {
    *shown = *full;
    return;
  }
  size_t cut = RUN_NAME_SHOWN - 40; /* (at a character's start) */
  while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80) cut--;
  char tail[48];
  size_t n = util_fmt_dec(tail, sizeof tail, "\xe2\x80\xa6[", (long long)len);
  util_copy(tail + n, sizeof tail - n, " bytes]");
  StrBuf b;
  sb_init(&b);
  sb_putn(&b, r->text.s + *full, cut); /* (run_text may move the text) */
  sb_puts(&b, tail);
  *shown = run_text(r, b.s, b.len);
  sb_free(&b);
}

SimThread *run_new_thread(SimRun *r, const char *name, int32_t parent) {
  UTIL_GROW(r->threads, (size_t)r->nthreads + 1, r->cap_threads);
  SimThread *t = &r->threads[r->nthreads];
  memset(t, 0, sizeof *t);
  t->id = r->nthreads++;
  add_name(r, name, &t->name, &t->full_name);
  t->parent = parent;
  t->state = TS_READY;
  t->wake_ev = t->last_ev = -1;
  t->pend.op = OP_START;
  t->pend.site = -1;
  t->pend.obj = -1;
  t->pend.deadline = INFINITY;
  t->rseq = ++r->next_rseq; /* asyncio queues a new task when it is created */
  /* Ids follow creation order, which differs between interleavings; keys
     name a thread by its ancestry (the k-th thread spawned by its parent),
     which does not.  Partial-order reduction compares keys across runs. */
  if (parent >= 0) {
    SimThread *p = &r->threads[parent];
    t->key = prng_mix(p->key ^ prng_mix(++p->nspawned));
  } else {
    t->key = 1;
  }
  return t;
}

static uint64_t name_key(int32_t creator, const char *s, size_t len) {
  return util_fnv(util_fnv_u64(UTIL_FNV_INIT, (uint64_t)(int64_t)creator), s, len) | 1;
}

/* (Not its call paths, which an exploration's runs leave out and their
   replays take: the same run must meet --max-memory the same way.) */
size_t run_bytes(const SimRun *r) {
  return r->cap_events * sizeof *r->events + r->cap_trail * sizeof *r->trail +
         r->cap_decisions * sizeof *r->decisions + r->cap_runnable * sizeof *r->runnable +
         r->cap_threads * sizeof *r->threads + r->cap_objs * sizeof *r->objs +
         r->cap_findings * sizeof *r->findings + r->text.cap +
         r->names.slots * 2 * sizeof(uint64_t);
}

/* Count object 'name' made by 'creator' under its name and each prefix a
   '#' ends (a default name is shorter than 128 bytes: no longer one is
   looked up). */
static void count_name(SimRun *r, int32_t creator, const char *name) {
  size_t len = strnlen(name, 128);
  if (len < 128) ++*u64map_at(&r->names, name_key(creator, name, len));
  for (const char *h = memchr(name, '#', len); h; h = memchr(h + 1, '#', len - (size_t)(h + 1 - name)))
    ++*u64map_at(&r->names, name_key(creator, name, (size_t)(h - name)));
}

uint32_t run_name_uses(SimRun *r, int32_t creator, const char *base, size_t len) {
  if (!r->names_on) { /* the first default name of the run: count the objects so far */
    r->names_on = 1;
    for (int32_t i = 0; i < r->nobjs; i++)
      count_name(r, r->objs[i].creator, r->text.s + r->objs[i].full_name);
  }
  const uint64_t *n = u64map_get(&r->names, name_key(creator, base, len));
  return n ? (uint32_t)*n : 0;
}

SimObject *run_new_object(SimRun *r, const ObjClass *cls, const char *name,
                          int32_t line, int32_t link) {
  /* counted once a run has asked for a default name (run_name_uses):
     finding the next one is a lookup, not a pass over every object */
  if (r->names_on) count_name(r, r->cur, name);
  UTIL_GROW(r->objs, (size_t)r->nobjs + 1, r->cap_objs);
  SimObject *o = &r->objs[r->nobjs];
  memset(o, 0, sizeof *o);
  o->cls = cls;
  o->id = r->nobjs++;
  add_name(r, name, &o->name, &o->full_name);
  o->line = line;
  o->creator = r->cur;
  o->link = link;
  o->last_ev = -1;
  if (r->cur >= 0 && r->cur < r->nthreads) {
    SimThread *c = &r->threads[r->cur];
    o->key = prng_mix(c->key ^ prng_mix(0x6f626a0000000000ULL + ++c->nmade));
  } else {
    o->key = prng_mix(0x74687200ULL + (uint64_t)o->id);
  }
  return o;
}

SimEvent *run_event(SimRun *r, int32_t tid, int op, int32_t obj) {
  UTIL_GROW(r->events, (size_t)r->nevents + 1, r->cap_events);
  uint32_t idx = r->nevents++;
  SimEvent *e = &r->events[idx];
  e->step = r->steps;
  e->tid = tid;
  e->op = (uint16_t)op;
  e->flags = 0;
  e->frd = op_table[op].rd;
  e->fwr = op_table[op].wr;
  e->fup = 0;
  e->slack = 0;
  e->obj = obj;
  e->line = 0;
  e->site = -1;
  e->aux = -1;
  e->snap = 0;
  e->vtime = r->vtime;
  e->deadline = INFINITY;
  e->value.tag = VAL_NONE;
  e->prev_obj = -1;
  if (obj >= 0) {
    SIM_CHECK(obj < r->nobjs);
    e->prev_obj = r->objs[obj].last_ev;
    r->objs[obj].last_ev = (int32_t)idx;
  }
  if (tid >= 0 && tid < r->nthreads) r->threads[tid].last_ev = (int32_t)idx;
  return e;
}

RunFinding *run_finding_told(SimRun *r, int kind, int32_t ev, int32_t tid, int32_t obj,
                             uint64_t sig, RunTell tell) {
  UTIL_GROW(r->findings, (size_t)r->nfindings + 1, r->cap_findings);
  RunFinding *f = &r->findings[r->nfindings++];
  f->kind = (uint8_t)kind;
  f->ev = ev;
  f->tid = tid;
  f->obj = obj;
  f->sig = util_fnv_u64(sig, (uint64_t)kind);
  f->msg = UINT32_MAX;
  f->tell = tell;
  f->details = UINT32_MAX;
  for (int i = 0; i < FINDING_EVS; i++) f->evs[i] = -1;
  for (int i = 0; i < FINDING_CAUSES; i++) f->because[i] = -1;
  return f;
}

void run_because(int32_t *because, int32_t ev) {
  if (ev < 0) return;
  for (int i = 0; i < FINDING_CAUSES; i++) {
    if (because[i] == ev) return;
    if (because[i] < 0) {
      because[i] = ev;
      return;
    }
  }
}

void run_format_error(const SimRun *r, const SimEvent *e, StrBuf *out) {
  const char *type = e->aux > 0 && (size_t)e->aux < r->text.len ? run_str(r, (uint32_t)e->aux)
                                                                 : "error";
  sb_puts(out, strcmp(type, "error") == 0 ? "an error" : type);
  if (e->line > 0) run_puts_where(r, e->site, e->line, out); /* " at x:5", " in f at x:5 <- .." */
}

void run_format_raised(const SimRun *r, const SimEvent *e, StrBuf *out) {
  sb_printf(out, "%s raised ", thread_name(r, e->tid));
  run_format_error(r, e, out);
}

int run_raised_after(const SimRun *r, const SimObject *o, uint64_t ops, StrBuf *out,
                     int32_t *because) {
  int k = 0;
  for (int32_t x = 0; x < r->nthreads && k < 4; x++) {
    int32_t err = thread_alive(&r->threads[x]) ? -1 : run_error_of(r, x), did = -1;
    for (int32_t i = o->last_ev; err >= 0 && did < 0 && i >= 0; i = r->events[i].prev_obj) {
      const SimEvent *e = &r->events[i];
      if (e->tid == x && (ops >> e->op & 1) && !(e->flags & EV_RAISED)) did = i;
    }
    if (did < 0) continue;
    sb_printf(out, "; %s, which called %s() on it", thread_name(r, x),
              op_name(r->events[did].op));
    run_puts_event_where(r, &r->events[did], out);
    sb_puts(out, ", ended by ");
    run_format_error(r, &r->events[err], out);
    run_because(because, err);
    k++;
  }
  return k;
}

int32_t run_error_of(const SimRun *r, int32_t tid) {
  if (tid < 0 || tid >= r->nthreads) return -1;
  const SimThread *t = &r->threads[tid];
  for (int32_t i = t->last_ev; t->failed && i >= 0; i--) {
    const SimEvent *e = &r->events[i];
    if (e->tid != tid) continue;
    if (e->op == OP_START) break;
    if (e->op == OP_ERROR) return i;
  }
  return -1;
}

const char *run_finding_msg(const SimRun *r, const RunFinding *f, StrBuf *scratch) {
  if (f->msg != UINT32_MAX) return run_str(r, f->msg);
  sb_reset(scratch);
  if (f->tell) f->tell(r, f, scratch);
  return scratch->s ? scratch->s : "";
}

RunFinding *run_finding(SimRun *r, int kind, int32_t ev, int32_t tid,
                        int32_t obj, uint64_t sig, const char *fmt, ...) {
  RunFinding *f = run_finding_told(r, kind, ev, tid, obj, sig, NULL);
  /* Format aside first: the arguments may point into r->text (names),
     which appending could move. */
  StrBuf b;
  sb_init(&b);
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  f->msg = run_text(r, b.s ? b.s : "", b.len);
  sb_free(&b);
  return f;
}

void run_warning(SimRun *r, int kind, uint64_t sig, const char *name, const char *msg,
                 uint32_t writers) {
  for (uint32_t i = 0; i < r->nwarnings; i++)
    if (r->warnings[i].sig == sig) return;
  UTIL_GROW(r->warnings, (size_t)r->nwarnings + 1, r->cap_warnings);
  RunWarning *w = &r->warnings[r->nwarnings++];
  w->sig = sig;
  w->kind = (uint8_t)kind;
  w->name = run_text(r, name, strlen(name));
  w->msg = run_text(r, msg, strlen(msg));
  w->writers = writers;
}

static void format_number(double d, StrBuf *out) {
  if (d == floor(d) && fabs(d) < 1e15) sb_printf(out, "%.1f", d);
  else sb_printf(out, "%.14g", d);
}

void run_format_value(const SimRun *r, const SimValue *v, StrBuf *out) {
  switch (v->tag) {
  case VAL_NONE: break;
  case VAL_NIL: sb_puts(out, "nil"); break;
  case VAL_BOOL: sb_puts(out, v->u.i ? "true" : "false"); break;
  case VAL_INT: sb_printf(out, "%lld", (long long)v->u.i); break;
  case VAL_NUM: format_number(v->u.d, out); break;
  case VAL_STR:
    sb_putc(out, '\'');
    sb_putn(out, r->text.s + v->u.s.off, v->u.s.len);
    sb_putc(out, '\'');
    break;
  case VAL_TABLE: sb_puts(out, "table"); break;
  case VAL_THREAD: sb_puts(out, thread_name(r, (int32_t)v->u.i)); break;
  case VAL_OBJ: sb_puts(out, obj_name(r, (int32_t)v->u.i)); break;
  default: sb_puts(out, "function"); break;
  }
}

void run_format_site(const SimRun *r, int32_t line, StrBuf *out) {
  const char *name = r->script ? util_basename(r->script) : "?";
  if (line > 0) sb_printf(out, "%s:%d", name, line);
  else sb_printf(out, "%s:?", name); /* no frame with a line near the top */
}

void run_format_threads(const SimRun *r, const int32_t *tids, int n, StrBuf *out) {
  for (int i = 0; i < n; i++) {
    if (i) sb_puts(out, i == n - 1 ? " and " : ", ");
    sb_puts(out, thread_name(r, tids[i]));
  }
}

/* ---- call paths ------------------------------------------------------- */

/* (once per step: a multiply per frame, not a byte-wise hash) */
static uint64_t site_hash(const Site *s) {
  uint64_t h = (uint64_t)s->tail << 16 | (uint64_t)s->n << 8 | s->more;
  for (int i = 0; i < s->n; i++) {
    h ^= ((uint64_t)(uint32_t)s->line[i] << 32 | (uint32_t)s->fdef[i]) + s->chunk[i];
    h *= UINT64_C(0x9e3779b97f4a7c15);
    h ^= h >> 31;
  }
  return h;
}

static int site_equal(const Site *a, const Site *b) {
  if (a->n != b->n || a->more != b->more || a->tail != b->tail) return 0;
  for (int i = 0; i < a->n; i++)
    if (a->line[i] != b->line[i] || a->fdef[i] != b->fdef[i] || a->chunk[i] != b->chunk[i])
      return 0;
  return 1;
}

/* Make room for twice as many slots as sites, and re-insert them. */
static void site_rehash(SimRun *r) {
  size_t n = r->nslots ? r->nslots * 2 : 64;
  free(r->site_slots);
  r->site_slots = util_xcalloc(n, sizeof(uint32_t));
  r->nslots = n;
  for (uint32_t i = 0; i < r->nsites; i++) {
    size_t k = site_hash(&r->sites[i]) & (n - 1);
    while (r->site_slots[k]) k = (k + 1) & (n - 1);
    r->site_slots[k] = i + 1;
  }
}

int32_t run_site(SimRun *r, const Site *s) {
  if (2 * ((size_t)r->nsites + 1) > r->nslots) site_rehash(r);
  size_t mask = r->nslots - 1, k = site_hash(s) & mask;
  for (; r->site_slots[k]; k = (k + 1) & mask)
    if (site_equal(&r->sites[r->site_slots[k] - 1], s)) return (int32_t)r->site_slots[k] - 1;
  UTIL_GROW(r->sites, (size_t)r->nsites + 1, r->cap_sites);
  r->sites[r->nsites] = *s;
  r->site_slots[k] = ++r->nsites;
  return (int32_t)r->nsites - 1;
}

int run_site_is_path(const SimRun *r, int32_t site) {
  if (site < 0 || (uint32_t)site >= r->nsites) return 0;
  const Site *s = &r->sites[site];
  return s->n > 1 || s->more || (s->n == 1 && s->chunk[0] != SITE_SCENARIO);
}

void run_puts_where(const SimRun *r, int32_t site, int32_t line, StrBuf *out) {
  int named = site >= 0 && (uint32_t)site < r->nsites && r->sites[site].n > 1 &&
              r->sites[site].chunk[0] == SITE_SCENARIO &&
              funcnames_get(r->fnames, SITE_SCENARIO, r->sites[site].fdef[0]);
  sb_puts(out, named ? " in " : " at ");
  run_format_at(r, site, line, out);
}

void run_format_at(const SimRun *r, int32_t site, int32_t line, StrBuf *out) {
  if (run_site_is_path(r, site))
    site_format(&r->sites[site], r->fnames, r->script ? util_basename(r->script) : "?", out);
  else run_format_site(r, line, out);
}

const StepRec *run_preemption_at(const SimRun *r, uint32_t ev) {
  if (ev >= r->nevents) return NULL;
  uint32_t k = r->events[ev].step;
  if (k == 0 || k > r->ntrail || (ev > 0 && r->events[ev - 1].step == k)) return NULL;
  const StepRec *s = &r->trail[k - 1];
  return s->preempted >= 0 ? s : NULL;
}

void run_format_runnable(const SimRun *r, const StepRec *k, StrBuf *out) {
  for (uint32_t i = 0; i < k->nrunnable; i++)
    sb_printf(out, "%s%s", i ? ", " : "", thread_name(r, r->runnable[k->runnable + i]));
}
