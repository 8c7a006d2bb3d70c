/*
** svg.h - small directed graphs drawn as inline SVG, for the HTML report
** (report.c): a wait-for graph, the lock-order graph.
**
** The nodes are placed on an ellipse in the order they were added (a cycle
** added in its order is drawn as a ring), each a box sized to its label;
** the edges are straight, or bent where two go opposite ways, each with its
** label at its middle, clear of the boxes.  Labels are monospace so that
** their widths can be computed here.  Every text is escaped.  Plain C over
** plain data: nothing here knows the database.
*/
#ifndef RACESIM_SVG_H
#define RACESIM_SVG_H

#include <stddef.h>

#include "util.h"

typedef struct SvgNode {
  long long key;           /* the caller's identity of the node */
  char *label, *sub, *tip; /* shown (shortened), a line above it, the full text */
  const char *cls;         /* CSS classes after "node" (static strings) */
  double x, y, w, h;       /* centre and size, once laid out */
} SvgNode;

typedef struct SvgEdge {
  int a, b; /* node indices */
  char *label, *tip;
  const char *cls; /* CSS classes after "edge": "held..." is drawn blue, others red */
  double x1, y1, cx, cy, x2, y2, lx, ly; /* its curve and label, once laid out */
} SvgEdge;

typedef struct SvgGraph {
  SvgNode *n;
  size_t nn, capn;
  SvgEdge *e;
  size_t ne, cape;
} SvgGraph;

/*
** The node of 'key', added with these texts if it is new ('sub': NULL for
** none, 'tip': the hover text, NULL for the label).  Returns its index.
*/
int svg_node(SvgGraph *g, long long key, const char *label, const char *sub, const char *tip,
             const char *cls);
/* The index of the node of 'key', or -1. */
int svg_find(const SvgGraph *g, long long key);
/* An edge from node a to node b ('tip': hover text or NULL). */
void svg_edge(SvgGraph *g, int a, int b, const char *label, const char *tip, const char *cls);
int svg_has_edge(const SvgGraph *g, int a, int b);

/*
** Lay 'g' out and append it to 'out' as <svg class="graph 'cls'"> with
** 'label' for screen readers; 'id' makes its marker ids unique in the page.
** Each node is a <g class="node ..."> with a <rect> and its <text>s, each
** edge a <g class="edge ..."> with a <path> and a <text class="elabel">.
*/
void svg_write(SvgGraph *g, StrBuf *out, int id, const char *cls, const char *label);
void svg_free(SvgGraph *g);

#endif
