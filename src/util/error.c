#include "config.h"
#include <hull/error.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Length of s cut to at most max bytes, not inside a UTF-8 sequence. */
static size_t
cut_utf8 (const char *s, size_t max)
{
  size_t n = max;
  while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
    n--;
  return n;
}

const char *
hull_short (char *buf, const char *s)
{
  if (s == NULL || strnlen (s, HULL_SHORT_MAX + 1) <= HULL_SHORT_MAX)
    return s;
  size_t n = cut_utf8 (s, HULL_SHORT_MAX);
  memcpy (buf, s, n);
  memcpy (buf + n, "…", sizeof "…");
  return buf;
}

/* A message cut by the buffer's size ends in "…", not mid-character. */
static void
mark_cut (hull_error *err, int n)
{
  if (n < (int) sizeof err->msg)
    return;
  size_t end = cut_utf8 (err->msg, sizeof err->msg - sizeof "…");
  memcpy (err->msg + end, "…", sizeof "…");
}

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
  mark_cut (err, vsnprintf (err->msg, sizeof err->msg, fmt, ap));
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
  mark_cut (err, vsnprintf (err->msg, sizeof err->msg, fmt, ap));
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
