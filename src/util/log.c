/* Log lines in the two formats runc (logrus) writes, because supervisors
 * such as containerd parse the --log file:
 *   text: time="..." level=error msg="..."
 *   json: {"level":"error","msg":"...","time":"..."}           */
#include "config.h"
#include <hull/log.h>
#include <hull/cleanup.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;          /* --log file, -1 = none */
static bool log_json;
static bool log_debug;
static bool log_is_stderr;       /* --log names our stderr: do not print twice */
static time_t log_start;         /* first terminal line: its [0000] */

static const char *const level_names[] = {
  [HULL_LOG_ERROR] = "error",
  [HULL_LOG_WARNING] = "warning",
  [HULL_LOG_INFO] = "info",
  [HULL_LOG_DEBUG] = "debug",
};

int
hull_log_init (const char *file, bool format_json, bool debug, hull_error *err)
{
  log_json = format_json;
  log_debug = debug;
  /* Read the zone now: later lines may come from a process whose root
   * is the container's. */
  tzset ();
  if (file == NULL || file[0] == '\0')
    return 0;

  int fd = open (file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0)
    return hull_fail_errno (err, "open log file %s", file);
  struct stat a, b;
  log_is_stderr = fstat (fd, &a) == 0 && fstat (STDERR_FILENO, &b) == 0
                  && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  if (log_fd >= 0)
    close (log_fd);
  log_fd = fd;
  return 0;
}

int
hull_log_fd (void)
{
  return log_fd;
}

/* Go's time.RFC3339 in local time, as logrus prints entry.Time. */
static void
format_time (char *buf, size_t size)
{
  time_t now = time (NULL);
  struct tm tm;
  localtime_r (&now, &tm);
  size_t n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff / 60;
  if (off == 0)
    snprintf (buf + n, size - n, "Z");
  else
    snprintf (buf + n, size - n, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs (off) / 60,
              labs (off) % 60);
}

/* One write(2) per line so concurrent writers (O_APPEND) never interleave. */
static void
write_line (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, data, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      data += w;
      len -= (size_t) w;
    }
}

/* The code point of the UTF-8 sequence at s (*len set to its length), or
 * -1 (*len 1) for a byte that starts no valid one, as Go decodes. */
static long
utf8_decode (const unsigned char *s, size_t *len)
{
  *len = 1;
  if (s[0] < 0x80)
    return s[0];
  size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
  if (n == 0)
    return -1;
  long cp = s[0] & (0x7f >> n);
  for (size_t i = 1; i < n; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return -1;
      cp = (cp << 6) | (s[i] & 0x3f);
    }
  static const long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
  if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return -1;
  *len = n;
  return cp;
}

/* A growing line buffer; on allocation failure the line is dropped. */
typedef struct {
  char *buf;
  size_t len, cap;
} line_buf;

static void
lb_add (line_buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      size_t cap = (b->len + n + 1) * 2;
      char *nb = realloc (b->buf, cap);
      if (nb == NULL)
        {
          free (b->buf);
          *b = (line_buf) { 0 };
          b->cap = (size_t) -1;   /* failed: everything after is ignored */
          return;
        }
      b->buf = nb;
      b->cap = cap;
    }
  if (b->buf == NULL)
    return;
  memcpy (b->buf + b->len, s, n);
  b->len += n;
}

static void __attribute__ ((format (printf, 2, 3)))
lb_printf (line_buf *b, const char *fmt, ...)
{
  char tmp[64];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (tmp, sizeof tmp, fmt, ap);
  va_end (ap);
  if (n > 0)
    lb_add (b, tmp, (size_t) n < sizeof tmp ? (size_t) n : sizeof tmp - 1);
}

/* s as Go's encoding/json writes a string (logrus' JSON formatter escapes
 * HTML too): invalid UTF-8 becomes U+FFFD. */
static void
lb_json_string (line_buf *b, const char *s)
{
  lb_add (b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *) s; *p;)
    {
      size_t n;
      long cp = utf8_decode (p, &n);
      if (cp == '"' || cp == '\\')
        lb_printf (b, "\\%c", (char) cp);
      else if (cp == '\n')
        lb_add (b, "\\n", 2);
      else if (cp == '\r')
        lb_add (b, "\\r", 2);
      else if (cp == '\t')
        lb_add (b, "\\t", 2);
      else if (cp == -1)
        lb_add (b, "\\ufffd", 6);
      else if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029)
        lb_printf (b, "\\u%04lx", cp);
      else
        lb_add (b, (const char *) p, n);
      p += n;
    }
  lb_add (b, "\"", 1);
}

/* Whether logrus' text formatter quotes a value. */
static bool
needs_quoting (const char *s)
{
  for (; *s; s++)
    if (!(isalnum ((unsigned char) *s) || strchr ("-._/@^+", *s) != NULL))
      return true;
  return false;
}

/* s as Go's %q writes it (strconv.Quote), for the code points hull's
 * messages can hold: C1 controls and a few invisible ones escaped, other
 * printable UTF-8 kept. */
static void
lb_go_quote (line_buf *b, const char *s)
{
  lb_add (b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *) s; *p;)
    {
      size_t n;
      long cp = utf8_decode (p, &n);
      const char *esc = NULL;
      switch (cp)
        {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\a': esc = "\\a"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\v': esc = "\\v"; break;
        }
      if (esc)
        lb_add (b, esc, strlen (esc));
      else if (cp == -1 || cp < 0x20 || cp == 0x7f)
        lb_printf (b, "\\x%02x", *p);
      else if ((cp >= 0x80 && cp < 0xa0) || cp == 0xad || cp == 0x2028 || cp == 0x2029
               || cp == 0xfeff)
        lb_printf (b, "\\u%04lx", cp);
      else
        lb_add (b, (const char *) p, n);
      p += n;
    }
  lb_add (b, "\"", 1);
}

static const int level_colors[] = {
  [HULL_LOG_ERROR] = 31, [HULL_LOG_WARNING] = 33, [HULL_LOG_INFO] = 36, [HULL_LOG_DEBUG] = 37,
};

/* One line as logrus formats it:
 *   json:      {"level":"error","msg":"...","time":"..."}
 *   text:      time="..." level=error msg="..."
 *   terminal:  ERRO[0000] ...  (text to a tty: logrus colours it) */
static void
emit (int fd, hull_log_level level, const char *msg)
{
  char when[64];
  format_time (when, sizeof when);
  line_buf b = { 0 };
  if (log_json)
    {
      lb_add (&b, "{\"level\":", 9);
      lb_json_string (&b, level_names[level]);
      lb_add (&b, ",\"msg\":", 7);
      lb_json_string (&b, msg);
      lb_add (&b, ",\"time\":", 8);
      lb_json_string (&b, when);
      lb_add (&b, "}", 1);
    }
  else if (isatty (fd))
    {
      if (log_start == 0)
        log_start = time (NULL);
      char upper[5] = "";
      for (int i = 0; i < 4; i++)
        upper[i] = (char) toupper ((unsigned char) level_names[level][i]);
      size_t mlen = strlen (msg);
      if (mlen > 0 && msg[mlen - 1] == '\n')
        mlen--;
      lb_printf (&b, "\x1b[%dm%s\x1b[0m[%04ld] ", level_colors[level], upper,
                 (long) (time (NULL) - log_start));
      lb_add (&b, msg, mlen);
      for (size_t i = mlen; i < 44; i++)
        lb_add (&b, " ", 1);
      lb_add (&b, " ", 1);
    }
  else
    {
      lb_add (&b, "time=", 5);
      lb_go_quote (&b, when);
      lb_printf (&b, " level=%s", level_names[level]);
      if (msg[0] != '\0')
        {
          lb_add (&b, " msg=", 5);
          if (needs_quoting (msg))
            lb_go_quote (&b, msg);
          else
            lb_add (&b, msg, strlen (msg));
        }
    }
  lb_add (&b, "\n", 1);
  if (b.buf != NULL)
    write_line (fd, b.buf, b.len);
  free (b.buf);
}

void
hull_log (hull_log_level level, const char *fmt, ...)
{
  if (level == HULL_LOG_DEBUG && !log_debug)
    return;
  int saved = errno;
  char msg[HULL_ERROR_MSG_MAX * 2];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  /* Without --log, lines go to stderr like runc's default. */
  emit (log_fd >= 0 ? log_fd : STDERR_FILENO, level, msg);
  errno = saved;
}

void
hull_log_error (const hull_error *err)
{
  int saved = errno;
  const char *msg = err->msg[0] ? err->msg : "unknown error";
  /* As runc's fatal(): the error is logged (to stderr without --log), and
   * when the log is a file the bare message goes to stderr as well. */
  emit (log_fd >= 0 ? log_fd : STDERR_FILENO, HULL_LOG_ERROR, msg);
  if (log_fd >= 0 && !log_is_stderr)
    {
      size_t len = strlen (msg);
      cleanup_free char *line = malloc (len + 2);
      if (line)
        {
          memcpy (line, msg, len);
          if (len == 0 || msg[len - 1] != '\n')
            line[len++] = '\n';
          write_line (STDERR_FILENO, line, len);
        }
    }
  errno = saved;
}
