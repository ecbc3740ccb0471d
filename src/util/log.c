/* Log lines in the two formats runc (logrus) writes, because supervisors
 * such as containerd parse the --log file:
 *   text: time="..." level=error msg="..."
 *   json: {"level":"error","msg":"...","time":"..."}           */
#include "config.h"
#include <hull/log.h>
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

static int log_fd = -1;          /* --log file, -1 = none */
static bool log_json;
static bool log_debug;
static bool log_is_stderr;       /* --log names our stderr: do not print twice */

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

static void
format_time (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, size - n, ".%09ldZ", ts.tv_nsec);
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

static void
emit_json (int fd, hull_log_level level, const char *msg, const char *when)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return;
  yajl_gen_map_open (g);
  yajl_gen_string (g, (const unsigned char *) "level", 5);
  yajl_gen_string (g, (const unsigned char *) level_names[level], strlen (level_names[level]));
  yajl_gen_string (g, (const unsigned char *) "msg", 3);
  yajl_gen_string (g, (const unsigned char *) msg, strlen (msg));
  yajl_gen_string (g, (const unsigned char *) "time", 4);
  yajl_gen_string (g, (const unsigned char *) when, strlen (when));
  yajl_gen_map_close (g);

  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    {
      cleanup_free char *line = malloc (len + 1);
      if (line)
        {
          memcpy (line, buf, len);
          line[len] = '\n';
          write_line (fd, line, len + 1);
        }
    }
  yajl_gen_free (g);
}

/* Go's %q quoting, as logrus' text formatter uses for msg. */
static void
emit_text (int fd, hull_log_level level, const char *msg, const char *when)
{
  size_t cap = strlen (when) + strlen (msg) * 4 + 64;
  cleanup_free char *line = malloc (cap);
  if (line == NULL)
    return;
  int n = snprintf (line, cap, "time=\"%s\" level=%s msg=\"", when, level_names[level]);
  if (n < 0)
    return;
  size_t len = (size_t) n;
  for (const unsigned char *p = (const unsigned char *) msg; *p; p++)
    {
      switch (*p)
        {
        case '"': len += (size_t) sprintf (line + len, "\\\""); break;
        case '\\': len += (size_t) sprintf (line + len, "\\\\"); break;
        case '\n': len += (size_t) sprintf (line + len, "\\n"); break;
        case '\t': len += (size_t) sprintf (line + len, "\\t"); break;
        case '\r': len += (size_t) sprintf (line + len, "\\r"); break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            len += (size_t) sprintf (line + len, "\\x%02x", *p);
          else
            line[len++] = (char) *p;
        }
    }
  line[len++] = '"';
  line[len++] = '\n';
  write_line (fd, line, len);
}

static void
emit (int fd, hull_log_level level, const char *msg)
{
  char when[64];
  format_time (when, sizeof when);
  if (log_json)
    emit_json (fd, level, msg, when);
  else
    emit_text (fd, level, msg, when);
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
  if (!log_is_stderr)
    {
      char line[HULL_ERROR_MSG_MAX + 16];
      int n = snprintf (line, sizeof line, "hull: %s\n", msg);
      if (n > 0)
        write_line (STDERR_FILENO, line, (size_t) n < sizeof line ? (size_t) n : sizeof line - 1);
    }
  if (log_fd >= 0)
    emit (log_fd, HULL_LOG_ERROR, msg);
  errno = saved;
}
