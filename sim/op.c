/*
** op.c - the table of visible operations (see op.h).
*/
#include "op.h"

const OpInfo op_table[OP__COUNT] = {
#define OP_ROW(c, n, a, b) {n, a, b},
    OP_LIST(OP_ROW)
#undef OP_ROW
};
