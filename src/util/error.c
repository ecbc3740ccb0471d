#include "config.h"
#include <hull/error.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
append_errno (hull_error *err, int errnum)
{
  size_t len = strlen (err->msg);
  if (errnum != 0 && len < sizeof err->msg)
    snprintf (err->msg + len, sizeof err->msg - len, ": %s", strerror (errnum));
}

int
hull_fail (hull_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  err->errnum = errnum;
  append_errno (err, errnum);
  return -1;
}

int
hull_fail_errno (hull_error *err, const char *fmt, ...)
{
  int errnum = errno;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  err->errnum = errnum;
  append_errno (err, errnum);
  return -1;
}

int
hull_error_prefix (hull_error *err, const char *fmt, ...)
{
  char prefix[HULL_ERROR_MSG_MAX];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (prefix, sizeof prefix, fmt, ap);
  va_end (ap);
  if (n <= 0)
    return -1;
  size_t plen = (size_t) n < sizeof prefix ? (size_t) n : sizeof prefix - 1;
  size_t mlen = strnlen (err->msg, sizeof err->msg - 1);
  /* Truncate the tail of the old message, keep the context in front. */
  if (plen + mlen >= sizeof err->msg)
    mlen = sizeof err->msg - 1 - plen;
  memmove (err->msg + plen, err->msg, mlen);
  memcpy (err->msg, prefix, plen);
  err->msg[plen + mlen] = '\0';
  return -1;
}

void
hull_error_clear (hull_error *err)
{
  err->errnum = 0;
  err->msg[0] = '\0';
}
