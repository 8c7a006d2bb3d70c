/*
** svg.c - small directed graphs as inline SVG (see svg.h).
*/
#include "svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sizes, in px; G_CW is a generous advance of a monospace character, in em
   (DejaVu Sans Mono's is 0.602). */
#define G_FONT 12.0  /* node labels */
#define G_SUB 10.0   /* the line above a node's label (an object's kind) */
#define G_EFONT 11.0 /* edge labels */
#define G_CW 0.64    /* advance of a monospace character, in em */
#define G_MAXLABEL 32 /* longer labels are cut (the full text is on hover) */

/* Display columns of a UTF-8 string (one per code point). */
static size_t text_cols(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* 's', cut to G_MAXLABEL columns with an ellipsis. */
static char *short_label(const char *s) {
  if (text_cols(s) <= G_MAXLABEL) return util_xstrdup(s);
  StrBuf b;
  sb_init(&b);
  size_t cols = 0;
  for (const char *p = s; *p; p++) {
    if (((unsigned char)*p & 0xC0) != 0x80 && ++cols == G_MAXLABEL) break;
    sb_putc(&b, *p);
  }
  sb_puts(&b, "\xe2\x80\xa6"); /* an ellipsis */
  return sb_take(&b);
}

int svg_find(const SvgGraph *g, long long key) {
  for (size_t i = 0; i < g->nn; i++)
    if (g->n[i].key == key) return (int)i;
  return -1;
}

int svg_node(SvgGraph *g, long long key, const char *label, const char *sub, const char *tip,
             const char *cls) {
  int i = svg_find(g, key);
  if (i >= 0) return i;
  UTIL_GROW(g->n, g->nn + 1, g->capn);
  SvgNode *n = &g->n[g->nn];
  memset(n, 0, sizeof *n);
  n->key = key;
  n->label = short_label(label);
  n->sub = sub ? util_xstrdup(sub) : NULL;
  n->tip = util_xstrdup(tip ? tip : label);
  n->cls = cls;
  double w = (double)text_cols(n->label) * G_FONT * G_CW + 20;
  if (n->sub && (double)text_cols(n->sub) * G_SUB * G_CW + 20 > w)
    w = (double)text_cols(n->sub) * G_SUB * G_CW + 20;
  n->w = w < 44 ? 44 : w;
  n->h = n->sub ? 38 : 26;
  return (int)g->nn++;
}

void svg_edge(SvgGraph *g, int a, int b, const char *label, const char *tip, const char *cls) {
  UTIL_GROW(g->e, g->ne + 1, g->cape);
  SvgEdge *e = &g->e[g->ne++];
  memset(e, 0, sizeof *e);
  e->a = a, e->b = b;
  e->label = short_label(label);
  e->tip = tip ? util_xstrdup(tip) : NULL;
  e->cls = cls;
}

void svg_free(SvgGraph *g) {
  for (size_t i = 0; i < g->nn; i++) free(g->n[i].label), free(g->n[i].sub), free(g->n[i].tip);
  for (size_t i = 0; i < g->ne; i++) free(g->e[i].label), free(g->e[i].tip);
  free(g->n);
  free(g->e);
  memset(g, 0, sizeof *g);
}

static double edge_label_w(const SvgEdge *e) {
  return (double)text_cols(e->label) * G_EFONT * G_CW;
}

/* Where the ray from n's centre along (dx, dy) leaves its box (and 3px more). */
static void clip_box(const SvgNode *n, double dx, double dy, double *px, double *py) {
  double t = INFINITY;
  if (fabs(dx) > 1e-9) t = (n->w / 2 + 3) / fabs(dx);
  if (fabs(dy) > 1e-9 && (n->h / 2 + 3) / fabs(dy) < t) t = (n->h / 2 + 3) / fabs(dy);
  if (!isfinite(t)) t = 0;
  *px = n->x + dx * t, *py = n->y + dy * t;
}

int svg_has_edge(const SvgGraph *g, int a, int b) {
  for (size_t i = 0; i < g->ne; i++)
    if (g->e[i].a == a && g->e[i].b == b) return 1;
  return 0;
}

/* Each edge's curve and label place, once the nodes are placed. */
static void route(SvgGraph *g) {
  for (size_t i = 0; i < g->ne; i++) {
    SvgEdge *e = &g->e[i];
    const SvgNode *a = &g->n[e->a], *b = &g->n[e->b];
    if (e->a == e->b) { /* a loop above the node */
      e->x1 = a->x - a->w / 4, e->y1 = e->y2 = a->y - a->h / 2 - 2;
      e->x2 = a->x + a->w / 4;
      e->cx = a->x, e->cy = a->y - a->h / 2 - 70;
      e->lx = a->x, e->ly = a->y - a->h / 2 - 40;
      continue;
    }
    double dx = b->x - a->x, dy = b->y - a->y, len = sqrt(dx * dx + dy * dy);
    if (len < 1) len = 1;
    /* bend where the opposite edge exists, so that the two do not overlap */
    double bend = svg_has_edge(g, e->b, e->a) ? fmin(len * 0.3, 50) : 0;
    e->cx = (a->x + b->x) / 2 - dy / len * bend, e->cy = (a->y + b->y) / 2 + dx / len * bend;
    clip_box(a, e->cx - a->x, e->cy - a->y, &e->x1, &e->y1);
    clip_box(b, e->cx - b->x, e->cy - b->y, &e->x2, &e->y2);
    e->lx = 0.25 * e->x1 + 0.5 * e->cx + 0.25 * e->x2;
    e->ly = 0.25 * e->y1 + 0.5 * e->cy + 0.25 * e->y2;
  }
}

/*
** Are neighbours a and b (placed) far enough apart for the boxes not to
** touch and for an edge label of width 'lw' to sit between them, side by
** side or one above the other?
*/
static int apart(const SvgNode *a, const SvgNode *b, double lw) {
  double dx = fabs(a->x - b->x), dy = fabs(a->y - b->y);
  return dx >= fmax(a->w, b->w) + lw + 40 || dy >= fmax(a->h, b->h) + 36;
}

/*
** Place the nodes on an ellipse (boxes are wider than tall), the smallest
** on which every two neighbours are apart, then shift everything (edge
** labels too) into a canvas of *w x *h.
*/
static void layout(SvgGraph *g, double *w, double *h) {
  double maxl = 0;
  for (size_t i = 0; i < g->ne; i++)
    if (edge_label_w(&g->e[i]) > maxl) maxl = edge_label_w(&g->e[i]);
  size_t n = g->nn;
  if (!n) {
    *w = *h = 24;
    return;
  }
  double a0 = n == 2 ? M_PI : -M_PI / 2; /* two side by side; else from the top */
  for (double R = 40;; R *= 1.06) {
    for (size_t i = 0; i < n; i++) {
      double a = a0 + 2 * M_PI * (double)i / (double)n;
      g->n[i].x = R * cos(a), g->n[i].y = 0.6 * R * sin(a);
    }
    int ok = 1, pairs = n > 2 ? (int)n : (int)n - 1; /* around the ring; two: one pair */
    for (int i = 0; i < pairs && ok; i++) ok = apart(&g->n[i], &g->n[(i + 1) % n], maxl);
    if (ok || n < 2 || R > 1e5) break;
  }
  route(g);
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    const SvgNode *p = &g->n[i];
    x0 = fmin(x0, p->x - p->w / 2), x1 = fmax(x1, p->x + p->w / 2);
    y0 = fmin(y0, p->y - p->h / 2), y1 = fmax(y1, p->y + p->h / 2);
  }
  for (size_t i = 0; i < g->ne; i++) {
    const SvgEdge *e = &g->e[i];
    double lw = edge_label_w(e) / 2 + 4;
    x0 = fmin(x0, e->lx - lw), x1 = fmax(x1, e->lx + lw);
    y0 = fmin(y0, fmin(e->ly - 12, e->cy)), y1 = fmax(y1, e->ly + 6);
  }
  double dx = 12 - x0, dy = 12 - y0;
  for (size_t i = 0; i < n; i++) g->n[i].x += dx, g->n[i].y += dy;
  for (size_t i = 0; i < g->ne; i++) {
    SvgEdge *e = &g->e[i];
    e->x1 += dx, e->x2 += dx, e->cx += dx, e->lx += dx;
    e->y1 += dy, e->y2 += dy, e->cy += dy, e->ly += dy;
  }
  *w = x1 - x0 + 24, *h = y1 - y0 + 24;
}

void svg_write(SvgGraph *g, StrBuf *o, int id, const char *cls, const char *label) {
  double w, h;
  layout(g, &w, &h);
  sb_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph %s\" width=\"%.0f\" "
               "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
            cls, w, h, w, h);
  sb_html(o, label);
  sb_printf(o, "\"><defs>"
               "<marker id=\"ar%d\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" "
               "orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#a00\"/></marker>"
               "<marker id=\"ab%d\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" "
               "orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#246\"/></marker>"
               "</defs>\n",
            id, id);
  for (size_t i = 0; i < g->ne; i++) {
    const SvgEdge *e = &g->e[i];
    int blue = strstr(e->cls, "held") != NULL;
    sb_printf(o, "<g class=\"edge %s\">", e->cls);
    if (e->tip) {
      sb_puts(o, "<title>");
      sb_html(o, e->tip);
      sb_puts(o, "</title>");
    }
    sb_printf(o, "<path d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"%s\" "
                 "stroke-width=\"%s\" marker-end=\"url(#a%c%d)\"/>",
              e->x1, e->y1, e->cx, e->cy, e->x2, e->y2, blue ? "#246" : "#a00",
              strstr(e->cls, "cycle") ? "2" : "1.3", blue ? 'b' : 'r', id);
    sb_printf(o, "<text class=\"elabel\" x=\"%.1f\" y=\"%.1f\" font-family=\"monospace\" "
                 "font-size=\"%.0f\" text-anchor=\"middle\" fill=\"%s\" stroke=\"#fff\" "
                 "stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\">",
              e->lx, e->ly + 4, G_EFONT, blue ? "#246" : "#822");
    sb_html(o, e->label);
    sb_puts(o, "</text></g>\n");
  }
  for (size_t i = 0; i < g->nn; i++) {
    const SvgNode *n = &g->n[i];
    int thread = strstr(n->cls, "thread") != NULL, cycle = strstr(n->cls, "cycle") != NULL;
    int ended = strstr(n->cls, "ended") != NULL;
    sb_printf(o, "<g class=\"node %s\"><title>", n->cls);
    sb_html(o, n->tip);
    sb_printf(o, "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%d\" "
                 "fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>",
              n->x - n->w / 2, n->y - n->h / 2, n->w, n->h, thread ? 12 : 3,
              thread ? (cycle ? "#ffe0e0" : "#fff4d6") : "#eef",
              cycle ? "#a00" : thread ? "#a60" : "#446", cycle ? "2" : "1",
              ended ? " stroke-dasharray=\"4 3\"" : "");
    if (n->sub) {
      sb_printf(o, "<text class=\"sub\" x=\"%.1f\" y=\"%.1f\" font-family=\"monospace\" "
                   "font-size=\"%.0f\" text-anchor=\"middle\" fill=\"#667\">",
                n->x, n->y - 4, G_SUB);
      sb_html(o, n->sub);
      sb_puts(o, "</text>");
    }
    sb_printf(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"middle\" "
                 "font-family=\"monospace\">",
              n->x, n->sub ? n->y + 12 : n->y + 4, G_FONT);
    sb_html(o, n->label);
    sb_puts(o, "</text></g>\n");
  }
  sb_puts(o, "</svg>\n");
}

