/*
** op.c - the table of visible operations (see op.h).
*/
#include "op.h"

const OpInfo op_table[OP__COUNT] = {
#define OP_ROW(c, n, r, w, b, a) {n, r, w, b, a},
    OP_LIST(OP_ROW)
#undef OP_ROW
};
