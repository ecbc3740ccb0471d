#include "config.h"
#include "process/exec.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
env_path (const hull_strv *env)
{
  for (size_t i = 0; i < env->n; i++)
    if (strncmp (env->v[i], "PATH=", 5) == 0)
      return env->v[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static int
is_executable (const char *path, int *why)
{
  struct stat st;
  if (stat (path, &st) < 0)
    {
      *why = errno;
      return 0;
    }
  if (S_ISDIR (st.st_mode))
    {
      *why = EISDIR;
      return 0;
    }
  if (access (path, X_OK) < 0)
    {
      *why = errno;
      return 0;
    }
  return 1;
}

int
hull_exec_resolve (const char *arg0, const hull_strv *env, const char **exe, hull_error *err)
{
  static char found[PATH_MAX];
  int why = ENOENT;

  if (strchr (arg0, '/'))
    {
      if (!is_executable (arg0, &why))
        return hull_fail (err, why, "exec: \"%s\"", arg0);
      *exe = arg0;
      return 0;
    }
  const char *p = env_path (env);
  while (*p)
    {
      const char *end = strchrnul (p, ':');
      int len = (int) (end - p);
      if (snprintf (found, sizeof found, "%.*s/%s", len ? len : 1, len ? p : ".", arg0)
          < (int) sizeof found
          && is_executable (found, &why))
        {
          *exe = found;
          return 0;
        }
      p = *end ? end + 1 : end;
    }
  return hull_fail (err, 0, "exec: \"%s\": executable file not found in $PATH", arg0);
}

int
hull_cwd_enter (const char *cwd, hull_error *err)
{
  char buf[PATH_MAX];
  if (chdir (cwd) < 0)
    return hull_fail_errno (err, "config.json: .process.cwd: chdir %s", cwd);
  /* Outside our root the kernel answers "(unreachable)/..." or ENOENT. */
  if (getcwd (buf, sizeof buf) == NULL || buf[0] != '/')
    return hull_fail (err, EPERM, "config.json: .process.cwd: %s is outside the container", cwd);
  return 0;
}
