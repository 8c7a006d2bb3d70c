/*
** op.c - the table of visible operations (see op.h).
*/
#include "op.h"

const OpInfo op_table[OP__COUNT] = {
#define OP_ROW(c, n, r, w, b) {n, r, w, b},
    OP_LIST(OP_ROW)
#undef OP_ROW
};
