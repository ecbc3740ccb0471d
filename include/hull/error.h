/* One error idiom for the whole runtime: a function that can fail returns < 0
 * and fills a caller-owned hull_error whose message names the object (file,
 * JSON path, syscall) and carries errno. Only the CLI prints it. */
#ifndef HULL_ERROR_H
#define HULL_ERROR_H

#include <stddef.h>

#define HULL_ERROR_MSG_MAX 1024

typedef struct hull_error {
  int errnum;                    /* errno that caused it, 0 if none */
  char msg[HULL_ERROR_MSG_MAX];  /* full text, errno's strerror already appended */
} hull_error;

/* Sets the message (appending ": strerror(errnum)" when errnum != 0), returns -1. */
int hull_fail (hull_error *err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Same as hull_fail with errnum = errno. */
int hull_fail_errno (hull_error *err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Prepends context ("config.json: ") to an error already set, returns -1. */
int hull_error_prefix (hull_error *err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

void hull_error_clear (hull_error *err);

/* For quoting an input value in a message: s itself when short, else its
 * first HULL_SHORT_MAX bytes (cut on a UTF-8 character boundary) and "…",
 * written to buf; a 100,000-character hostname is not a message. */
#define HULL_SHORT_MAX 100
#define HULL_SHORT_BUF (HULL_SHORT_MAX + sizeof "…")
const char *hull_short (char *buf, const char *s);
/* The same with a buffer that lives until the end of the enclosing block. */
#define HULL_SHORT(s) hull_short ((char[HULL_SHORT_BUF]) { 0 }, (s))

#endif
