/* Socket activation (sd_listen_fds): when hull itself was started with
 * LISTEN_FDS/LISTEN_PID, the listening sockets (fds 3..3+N-1) go on to the
 * container process, which is told LISTEN_FDS=N and LISTEN_PID=1, as runc
 * does. They sit just below the --preserve-fds range. */
#include "config.h"
#include "container/internal.h"
#include <errno.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long
env_number (const char *name)
{
  const char *s = getenv (name);
  if (s == NULL || *s == '\0')
    return -1;
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno != 0 || *end != '\0' || v < 0)
    return -1;
  return v;
}

int
hull_listen_fds (void)
{
  /* The variables are meant for one process only: a LISTEN_PID that is not
   * ours was inherited by accident and names fds we must not pass on. */
  long pid = env_number ("LISTEN_PID");
  long n = env_number ("LISTEN_FDS");
  if (pid != (long) getpid () || n <= 0 || n > INT_MAX - 3)
    return 0;
  return (int) n;
}

/* Replaces NAME=... in env, or appends it. */
static int
env_set (hull_strv *env, const char *name, const char *value, hull_error *err)
{
  size_t len = strlen (name);
  char *entry;
  if (asprintf (&entry, "%s=%s", name, value) < 0)
    return hull_fail (err, ENOMEM, "process.env");
  for (size_t i = 0; i < env->n; i++)
    if (strncmp (env->v[i], name, len) == 0 && env->v[i][len] == '=')
      {
        free (env->v[i]);
        env->v[i] = entry;
        return 0;
      }
  char **v = realloc (env->v, (env->n + 2) * sizeof *v);
  if (v == NULL)
    {
      free (entry);
      return hull_fail (err, ENOMEM, "process.env");
    }
  v[env->n++] = entry;
  v[env->n] = NULL;
  env->v = v;
  return 0;
}

int
hull_listen_fds_env (hull_strv *env, int n, hull_error *err)
{
  char num[16];
  snprintf (num, sizeof num, "%d", n);
  if (env_set (env, "LISTEN_FDS", num, err) < 0 || env_set (env, "LISTEN_PID", "1", err) < 0)
    return -1;
  return 0;
}
