/* Go's time.ParseDuration syntax ("5s", "500ms", "1m30s", "1.5h"), which
 * runc's duration flags (events --interval) accept. */
#ifndef HULL_DURATION_H
#define HULL_DURATION_H

#include <stdint.h>

/* Parses s into nanoseconds (may be negative or zero, as Go allows).
 * Returns 0, or -1 with *why saying what is wrong. */
int hull_duration_parse (const char *s, int64_t *ns, const char **why);

#endif
