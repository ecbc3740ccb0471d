/* The part of a container process's setup that init and exec share: see
 * apply.h. Everything namespace- and rootfs-related stays with the caller. */
#include "config.h"
#include "process/apply.h"
#include "process/exec.h"
#include <hull/cleanup.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
}

/* fds first..last (inclusive) closed, or made close-on-exec. close_range(2)
 * first; where it is missing (Linux < 5.9; CLOSE_RANGE_CLOEXEC < 5.11) or
 * filtered out (a seccomp profile around the runtime itself), one fd at a
 * time: those /proc/self/fd lists, or without procfs every number up to
 * the fd limit. */
static int
fd_range (unsigned int first, unsigned int last, bool cloexec, hull_error *err)
{
  if (first > last)
    return 0;
  if (syscall (SYS_close_range, first, last, cloexec ? CLOSE_RANGE_CLOEXEC : 0) == 0)
    return 0;
  if (errno != ENOSYS && errno != EPERM && errno != EINVAL)
    return hull_fail_errno (err, "close_range %u..%u", first, last);

  cleanup_closedir DIR *d = opendir ("/proc/self/fd");
  if (d != NULL)
    {
      struct dirent *e;
      while ((e = readdir (d)) != NULL)
        {
          char *end;
          unsigned long fd = strtoul (e->d_name, &end, 10);
          if (*end != '\0' || end == e->d_name || fd < first || fd > last
              || (int) fd == dirfd (d))
            continue;
          if (cloexec)
            {
              int fl = fcntl ((int) fd, F_GETFD);
              if (fl >= 0 && !(fl & FD_CLOEXEC) && fcntl ((int) fd, F_SETFD, fl | FD_CLOEXEC) < 0)
                return hull_fail_errno (err, "fcntl F_SETFD FD_CLOEXEC on fd %lu", fd);
            }
          else
            close ((int) fd);
        }
      return 0;
    }

  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) < 0)
    return hull_fail_errno (err, "getrlimit RLIMIT_NOFILE");
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= last)
    last = rl.rlim_cur ? (unsigned int) rl.rlim_cur - 1 : 0;
  for (unsigned int fd = first; fd <= last && fd >= first; fd++)
    {
      int fl = fcntl ((int) fd, F_GETFD);
      if (fl < 0)
        continue;
      if (!cloexec)
        close ((int) fd);
      else if (!(fl & FD_CLOEXEC) && fcntl ((int) fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return hull_fail_errno (err, "fcntl F_SETFD FD_CLOEXEC on fd %u", fd);
    }
  return 0;
}

int
hull_fds_cloexec_from (unsigned int first, hull_error *err)
{
  return fd_range (first, ~0U, true, err);
}

int
hull_close_fds_except (const int *keep_in, size_t n, int preserve_fds, hull_error *err)
{
  int keep[16];
  if (n > sizeof keep / sizeof keep[0])
    return hull_fail (err, E2BIG, "too many fds to keep");
  for (size_t i = 0; i < n; i++)
    keep[i] = keep_in[i];
  qsort (keep, n, sizeof keep[0], cmp_int);

  /* An fd the caller meant to preserve reached us through exec, so it is
   * not close-on-exec; one that is close-on-exec in that range is the
   * runtime's own (the caller left the slot free): close it too, or the
   * process would hold e.g. the state dir's lock until exec. */
  if (preserve_fds > 0)
    {
      cleanup_closedir DIR *d = opendir ("/proc/self/fd");
      if (d == NULL)
        return hull_fail_errno (err, "opendir /proc/self/fd");
      struct dirent *e;
      while ((e = readdir (d)) != NULL)
        {
          int fd = atoi (e->d_name);
          if (fd < 3 || fd >= 3 + preserve_fds || fd == dirfd (d)
              || bsearch (&fd, keep, n, sizeof keep[0], cmp_int))
            continue;
          int fl = fcntl (fd, F_GETFD);
          if (fl >= 0 && (fl & FD_CLOEXEC))
            close (fd);
        }
    }

  unsigned int from = 3 + (unsigned) preserve_fds;
  for (size_t i = 0; i <= n; i++)
    {
      unsigned int to = i < n ? (unsigned) keep[i] : ~0U;
      if (i < n && to < from)
        continue;
      if (to > from && fd_range (from, i < n ? to - 1 : ~0U, false, err) < 0)
        return -1;
      if (i < n)
        from = to + 1;
    }
  return 0;
}

int
hull_process_apply (const hull_apply_args *a, const char **exe, hull_error *err)
{
  const hull_spec *spec = a->spec;
  const hull_process *proc = spec->process;

  /* Init skips all of this without a process (init.h); exec always has one. */
  if (proc == NULL)
    return hull_fail (err, 0, "config.json: .process: not set");
  if (hull_process_attrs_apply (spec, err) < 0)
    return -1;
  if (hull_lsm_apply (spec, err) < 0)
    return -1;
  if (hull_cwd_enter (proc->cwd, err) < 0)
    return -1;
  /* The filter is loaded last (hull_process_seal); without no_new_privs
     that takes CAP_SYS_ADMIN, kept until execve. */
  if (hull_identity_apply (spec, a->seccomp != NULL && !proc->no_new_privileges, err) < 0)
    return -1;
  if (hull_cwd_reenter (proc->cwd, err) < 0)
    return -1;
  if (hull_exec_resolve (proc->args.v[0], &proc->env, exe, err) < 0)
    return -1;
  /* Here for a clear error; again right before execve. */
  if (a->self_exe && hull_exec_check_chain (*exe, a->self_exe, err) < 0)
    return -1;

  /* Only stdio and the preserved fds reach the program. */
  return hull_fds_cloexec_from (3 + (unsigned) a->preserve_fds, err);
}

int
hull_process_seal (const hull_apply_args *a, const char *exe, hull_error *err)
{
  if (a->spec->process == NULL)
    return hull_fail (err, 0, "config.json: .process: not set");
  /* Again: the image may have changed since the first check. */
  if (a->self_exe && hull_exec_check_chain (exe, a->self_exe, err) < 0)
    return -1;
  if (hull_process_affinity_final (a->spec, err) < 0)
    return -1;
  /* Last, so that none of our own syscalls is filtered: a profile need
     only allow what the program does, and execve. */
  if (a->seccomp && hull_seccomp_load (a->seccomp, err) < 0)
    return -1;
  return 0;
}

int
hull_process_execve (const hull_apply_args *a, const char *exe, hull_error *err)
{
  const hull_process *proc = a->spec->process;
  if (proc == NULL)
    return hull_fail (err, 0, "config.json: .process: not set");
  execve (exe, proc->args.v, proc->env.v);
  return hull_fail_errno (err, "exec %s", proc->args.v[0]);
}
