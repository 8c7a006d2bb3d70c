/*
** args.h - reading the words of a command line: numbers and option values.
** It prints nothing; the commands say what was wrong.
*/
#ifndef RACESIM_ARGS_H
#define RACESIM_ARGS_H

#include <stdint.h>

/* A decimal or 0x-hex unsigned number, digits only (no blank, no sign); -1 if
   malformed. */
int args_u64(const char *s, uint64_t *out);

/*
** Option 'name' at argv[*i], as "--name=V" or "--name V": its value (and *i
** moved past it; "" if argv ends there), or NULL if argv[*i] is another
** option.
*/
const char *args_value(int argc, char **argv, int *i, const char *name);

#endif
