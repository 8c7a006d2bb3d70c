/*
** test_svg.c - the report's SVG graphs (svg.c): boxes sized to their
** labels, a ring laid out with every edge label clear of every box and
** inside the picture, opposite edges bent apart, long labels cut, and every
** text escaped.  (The HTML test measures the same in Chromium.)
*/
#include <math.h>

#include "svg.h"
#include "test.h"

static int occurrences_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* Do boxes (x, y: centre; w, h) overlap? */
static int overlaps(double x1, double y1, double w1, double h1, double x2, double y2, double w2,
                    double h2) {
  return fabs(x1 - x2) * 2 < w1 + w2 && fabs(y1 - y2) * 2 < h1 + h2;
}

static void test_ring(void) {
  static const char *const names[] = {"philosopher1", "fork2", "philosopher2", "a",
                                      "philosopher3", "fork_with_a_much_longer_name"};
  SvgGraph g = {0};
  int n = 6;
  for (int i = 0; i < n; i++)
    svg_node(&g, i, names[i], i % 2 ? "Lock" : NULL, NULL, i % 2 ? "object" : "thread");
  CHECK_EQ_INT(svg_node(&g, 0, "again", NULL, NULL, "thread"), 0); /* a key is one node */
  for (int i = 0; i < n; i++)
    svg_edge(&g, i, (i + 1) % n, i % 2 ? "held by" : "waits for", NULL, i % 2 ? "held" : "waits");
  StrBuf o;
  sb_init(&o);
  svg_write(&g, &o, 1, "waitfor", "wait-for graph");
  /* boxes grow with their labels: more than DejaVu Sans Mono's 0.602 em */
  CHECK(g.n[0].w >= 12 * 12 * 0.602);
  CHECK(g.n[5].w >= 28 * 12 * 0.602);
  CHECK(g.n[3].w < g.n[1].w + 1);
  double W = 0, H = 0;
  CHECK(sscanf(strstr(o.s, "width=\""), "width=\"%lf\" height=\"%lf\"", &W, &H) == 2);
  for (size_t i = 0; i < g.nn; i++) {
    const SvgNode *p = &g.n[i];
    CHECK(p->x - p->w / 2 >= 0 && p->x + p->w / 2 <= W && p->y - p->h / 2 >= 0 &&
          p->y + p->h / 2 <= H);
    for (size_t j = 0; j < i; j++)
      CHECK(!overlaps(p->x, p->y, p->w, p->h, g.n[j].x, g.n[j].y, g.n[j].w, g.n[j].h));
  }
  for (size_t k = 0; k < g.ne; k++) {
    const SvgEdge *e = &g.e[k];
    double lw = (double)strlen(e->label) * 11 * 0.602, lh = 13;
    CHECK(e->lx - lw / 2 >= 0 && e->lx + lw / 2 <= W);
    for (size_t i = 0; i < g.nn; i++)
      CHECK(!overlaps(e->lx, e->ly, lw, lh, g.n[i].x, g.n[i].y, g.n[i].w, g.n[i].h));
  }
  CHECK_EQ_INT(occurrences_of(o.s, "<g class=\"edge waits\">"), 3);
  CHECK_EQ_INT(occurrences_of(o.s, "<g class=\"node object\">"), 3);
  CHECK_CONTAINS(o.s, "marker-end=\"url(#ab1)\"");
  sb_free(&o);
  svg_free(&g);
}

static void test_opposite_edges_and_escaping(void) {
  SvgGraph g = {0};
  int a = svg_node(&g, 1, "<i>a</i>", NULL, "lock \"a\" & more", "lock");
  int b = svg_node(&g, 2, "this label is far too long to be shown whole in a box", NULL, NULL,
                   "lock");
  svg_edge(&g, a, b, "t1:5 & <b>", NULL, "order");
  svg_edge(&g, b, a, "t2:9", NULL, "order");
  CHECK(svg_has_edge(&g, a, b) && svg_has_edge(&g, b, a) && !svg_has_edge(&g, a, a));
  CHECK_EQ_INT(svg_find(&g, 2), b);
  CHECK_EQ_INT(svg_find(&g, 3), -1);
  StrBuf o;
  sb_init(&o);
  svg_write(&g, &o, 7, "lockorder", "lock-order graph");
  /* bent apart: the two curves do not share their control point */
  CHECK(fabs(g.e[0].cx - g.e[1].cx) + fabs(g.e[0].cy - g.e[1].cy) > 20);
  CHECK(fabs(g.e[0].ly - g.e[1].ly) > 13 || fabs(g.e[0].lx - g.e[1].lx) > 40);
  /* escaped, never markup */
  CHECK_CONTAINS(o.s, ">&lt;i&gt;a&lt;/i&gt;</text>");
  CHECK_CONTAINS(o.s, "<title>lock &quot;a&quot; &amp; more</title>");
  CHECK_CONTAINS(o.s, ">t1:5 &amp; &lt;b&gt;</text>");
  CHECK(strstr(o.s, "<i>") == NULL && strstr(o.s, "<b>") == NULL);
  /* a long label is cut, and whole on hover */
  CHECK_CONTAINS(o.s, ">this label is far too long to b\xe2\x80\xa6</text>"); /* 31 + 1 */
  CHECK_CONTAINS(o.s, "<title>this label is far too long to be shown whole in a box</title>");
  CHECK_CONTAINS(o.s, "id=\"ar7\"");
  sb_free(&o);
  svg_free(&g);
}

int main(void) {
  test_begin(60);
  RUN_TEST(test_ring);
  RUN_TEST(test_opposite_edges_and_escaping);
  return test_end("test_svg");
}
