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
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
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
      if (to > from && syscall (SYS_close_range, from, to - 1, 0) < 0)
        return hull_fail_errno (err, "close_range");
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

  if (hull_process_attrs_apply (spec, err) < 0)
    return -1;
  if (hull_lsm_apply (spec, err) < 0)
    return -1;
  if (a->seccomp && hull_seccomp_load_early (spec) && hull_seccomp_load (a->seccomp, err) < 0)
    return -1;
  if (hull_cwd_enter (proc->cwd, err) < 0)
    return -1;
  if (hull_identity_apply (spec, err) < 0)
    return -1;
  if (hull_cwd_reenter (proc->cwd, err) < 0)
    return -1;
  if (hull_exec_resolve (proc->args.v[0], &proc->env, exe, err) < 0)
    return -1;
  /* Here for a clear error; again right before execve. */
  if (a->self_exe && hull_exec_check_chain (*exe, a->self_exe, err) < 0)
    return -1;

  /* Only stdio and the preserved fds reach the program. */
  unsigned int first = 3 + (unsigned) a->preserve_fds;
  if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return hull_fail_errno (err, "close_range");
  return 0;
}

int
hull_process_execve (const hull_apply_args *a, const char *exe, hull_error *err)
{
  const hull_process *proc = a->spec->process;
  /* Again: the image may have changed since the first check. Before
     seccomp, which may deny the open. */
  if (a->self_exe && hull_exec_check_chain (exe, a->self_exe, err) < 0)
    return -1;
  if (hull_process_affinity_final (a->spec, err) < 0)
    return -1;
  /* As late as possible, so our own syscalls are not filtered. */
  if (a->seccomp && !hull_seccomp_load_early (a->spec) && hull_seccomp_load (a->seccomp, err) < 0)
    return -1;
  execve (exe, proc->args.v, proc->env.v);
  return hull_fail_errno (err, "exec %s", proc->args.v[0]);
}
