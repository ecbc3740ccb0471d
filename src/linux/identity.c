/* process.user, process.capabilities, umask and noNewPrivileges: who the
 * container's process is and what it may do.
 *
 * An absent process.capabilities gives the process no capability at all,
 * the bounding set included: runc treats a nil Capabilities as an empty one
 * (finalizeNamespace falls back to &configs.Capabilities{}), and a runtime
 * must not hand out root's full set by omission. */
#include "config.h"
#include "linux/security.h"
#include "linux/caps.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int
hull_identity_check (const hull_spec *spec, hull_error *err)
{
  const hull_process *proc = spec->process;
  if (proc == NULL)
    return 0;
  hull_cap_masks masks;
  if (hull_caps_resolve (proc->capabilities, true, &masks, err) < 0)
    return -1;
  const hull_user *user = &proc->user;
  /* umask() would silently keep only the permission bits. */
  if (user->umask.set && user->umask.v > 0777)
    return hull_fail (err, 0, "config.json: .process.user.umask: %#llo is not a permission mask "
                      "(at most 0777)", (unsigned long long) user->umask.v);
  long max_groups = sysconf (_SC_NGROUPS_MAX);
  if (max_groups > 0 && user->n_additional_gids > (size_t) max_groups)
    return hull_fail (err, 0, "config.json: .process.user.additionalGids: %zu groups, the "
                      "kernel allows at most %ld", user->n_additional_gids, max_groups);
  return 0;
}

/* The home directory of uid in the container's /etc/passwd, or NULL. Only
 * a regular file is read (a FIFO planted there must not block init), with
 * glibc's plain parser: no NSS modules loaded from the container. */
static char *
passwd_home (uid_t uid)
{
  int fd = open ("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return NULL;
  struct stat st;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return NULL;
    }
  cleanup_fclose FILE *f = fdopen (fd, "re");
  if (f == NULL)
    {
      close (fd);
      return NULL;
    }
  struct passwd pw, *res;
  char buf[4096];
  while (fgetpwent_r (f, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
    if (pw.pw_uid == uid)
      return pw.pw_dir[0] ? strdup (pw.pw_dir) : NULL;
  return NULL;
}

/* As runc: when the environment has no (or an empty) HOME, take it from the
 * container's /etc/passwd, "/" when the uid is not there. Init runs on its
 * own copy of the spec, which execve reads, so it is edited in place. */
static int
set_home (hull_process *proc, hull_error *err)
{
  hull_strv *env = &proc->env;
  size_t at = env->n;
  for (size_t i = 0; i < env->n; i++)
    if (strncmp (env->v[i], "HOME=", 5) == 0)
      {
        if (env->v[i][5] != '\0')
          return 0;
        at = i;
      }
  cleanup_free char *home = passwd_home (proc->user.uid);
  char *entry;
  if (asprintf (&entry, "HOME=%s", home ? home : "/") < 0)
    return hull_fail (err, ENOMEM, "HOME");
  if (at < env->n)
    {
      free (env->v[at]);
      env->v[at] = entry;
      return 0;
    }
  char **v = realloc (env->v, (env->n + 2) * sizeof *v);
  if (v == NULL)
    {
      free (entry);
      return hull_fail (err, ENOMEM, "HOME");
    }
  v[env->n++] = entry;
  v[env->n] = NULL;
  env->v = v;
  return 0;
}

static int
set_groups (const hull_spec *spec, hull_error *err)
{
  const hull_user *user = &spec->process->user;
  if (setgroups (user->n_additional_gids, user->additional_gids) == 0)
    return 0;
  /* In a user namespace whose setgroups is "deny", keeping the groups we
   * have (none usable there) is fine unless some were asked for. */
  if (errno == EPERM && hull_spec_namespace (spec, HULL_NS_USER) != NULL
      && user->n_additional_gids == 0)
    return 0;
  return hull_fail_errno (err, "setgroups (.process.user.additionalGids, %zu groups)",
                          user->n_additional_gids);
}

int
hull_identity_apply (const hull_spec *spec, bool keep_sys_admin, hull_error *err)
{
  hull_process *proc = spec->process;
  const hull_user *user = &proc->user;
  hull_cap_masks masks;
  if (hull_caps_resolve (proc->capabilities, false, &masks, err) < 0)
    return -1;
  /* Without no_new_privs, loading a seccomp filter takes CAP_SYS_ADMIN.
   * Keeping it until then changes nothing for the program: execve gives
   * uid 0 inheritable|bounding (+ambient) and any other uid its ambient set
   * (or the file's capabilities), never the permitted or effective set it
   * was called with; the bounding, inheritable and ambient sets are the
   * spec's. So the filter can come last, after every syscall of ours. */
  if (keep_sys_admin)
    {
      masks.permitted |= UINT64_C (1) << CAP_SYS_ADMIN;
      masks.effective |= UINT64_C (1) << CAP_SYS_ADMIN;
    }
  /* Still root: the container's /etc/passwd may be unreadable to the user. */
  if (set_home (proc, err) < 0)
    return -1;

  /* A uid or gid change clears the parent-death signal: put it back. */
  int pdeath = 0;
  if (prctl (PR_GET_PDEATHSIG, &pdeath, 0, 0, 0) < 0)
    return hull_fail_errno (err, "prctl PR_GET_PDEATHSIG");
  /* Leaving uid 0 would clear the permitted set before we set it. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return hull_fail_errno (err, "prctl PR_SET_KEEPCAPS");
  /* Needs CAP_SETPCAP, which the uid change takes from the effective set. */
  if (hull_caps_apply_bounding (&masks, err) < 0)
    return -1;
  if (set_groups (spec, err) < 0)
    return -1;
  if (setresgid (user->gid, user->gid, user->gid) < 0)
    return hull_fail_errno (err, "setresgid %u (.process.user.gid)", (unsigned) user->gid);
  if (setresuid (user->uid, user->uid, user->uid) < 0)
    return hull_fail_errno (err, "setresuid %u (.process.user.uid)", (unsigned) user->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return hull_fail_errno (err, "prctl PR_SET_KEEPCAPS");
  if (hull_caps_apply_sets (&masks, err) < 0)
    return -1;
  if (pdeath != 0 && prctl (PR_SET_PDEATHSIG, pdeath, 0, 0, 0) < 0)
    return hull_fail_errno (err, "prctl PR_SET_PDEATHSIG");

  umask (user->umask.set ? (mode_t) user->umask.v : 0022);
  if (proc->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hull_fail_errno (err, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}
