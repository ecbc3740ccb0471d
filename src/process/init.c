#include "config.h"
#include "process/init.h"
#include "process/sync.h"
#include "process/exec.h"
#include <hull/cleanup.h>
#include <hull/rootfs.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>

static int
become_ns_root (hull_error *err)
{
  /* After the parent wrote the maps, uid 0 exists in the new user namespace. */
  if (setresgid (0, 0, 0) < 0)
    return hull_fail_errno (err, "setresgid 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return hull_fail_errno (err, "setresuid 0 in the user namespace");
  return 0;
}

static int
join_session_keyring (hull_error *err)
{
  /* A fresh anonymous session keyring keeps the host's keys out of reach. */
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) < 0 && errno != ENOSYS)
    return hull_fail_errno (err, "keyctl: join a new session keyring");
  return 0;
}

static int
set_identity (const hull_user *user, hull_error *err)
{
  if (setgroups (user->n_additional_gids, user->additional_gids) < 0 && errno != EPERM)
    return hull_fail_errno (err, "setgroups");
  if (setresgid (user->gid, user->gid, user->gid) < 0)
    return hull_fail_errno (err, "setresgid %u", (unsigned) user->gid);
  if (setresuid (user->uid, user->uid, user->uid) < 0)
    return hull_fail_errno (err, "setresuid %u", (unsigned) user->uid);
  return 0;
}

/* Blocks until `start` writes to exec.fifo. */
static int
wait_for_start (int fifo_fd, hull_error *err)
{
  struct pollfd p = { .fd = fifo_fd, .events = POLLIN };
  char byte;
  for (;;)
    {
      int r = poll (&p, 1, -1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return hull_fail_errno (err, "poll exec.fifo");
      ssize_t n = read (fifo_fd, &byte, 1);
      if (n == 1)
        return 0;
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      return hull_fail (err, n < 0 ? errno : 0, "exec.fifo closed without a start");
    }
}

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
}

/* Right after clone3 we still hold copies of every runtime fd, among them
 * the state dir whose flock `start` needs: keep only what init uses. */
static int
close_runtime_fds (const hull_init_args *a, hull_error *err)
{
  int keep[HULL_NS_COUNT + 2];
  size_t n = 0;
  keep[n++] = a->sync_fd;
  keep[n++] = a->fifo_fd;
  for (int t = 0; t < HULL_NS_COUNT; t++)
    if (a->ns_fds[t] >= 0)
      keep[n++] = a->ns_fds[t];
  qsort (keep, n, sizeof keep[0], cmp_int);

  unsigned int from = 3 + (unsigned) a->preserve_fds;
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

static int
setup (const hull_init_args *a, const char **exe, hull_error *err)
{
  const hull_spec *spec = a->spec;
  const hull_process *proc = spec->process;

  if (close_runtime_fds (a, err) < 0)
    return -1;
  if (hull_sync_wait (a->sync_fd, HULL_SYNC_GO, "the runtime", err) < 0)
    return -1;
  if (hull_ns_join (spec, a->ns_fds, err) < 0)
    return -1;
  /* Before the uid change: that makes us non-dumpable, and our /proc files
   * (timens_offsets) then belong to the host's root. */
  if (hull_ns_setup_time (spec, err) < 0)
    return -1;
  if (hull_ns_new_userns (spec) && become_ns_root (err) < 0)
    return -1;
  if (a->cgroupns_late && unshare (CLONE_NEWCGROUP) < 0)
    return hull_fail_errno (err, "unshare the cgroup namespace");
  if (setsid () < 0)
    return hull_fail_errno (err, "setsid");
  if (!a->no_new_keyring && join_session_keyring (err) < 0)
    return -1;
  if (hull_set_hostnames (spec, err) < 0)
    return -1;

  const hull_namespace *mntns = hull_spec_namespace (spec, HULL_NS_MOUNT);
  if (mntns == NULL || mntns->path == NULL)
    {
      hull_rootfs_opts ro = {
        .spec = spec,
        .rootfs = a->rootfs,
        .bundle = a->bundle,
        .no_pivot = a->no_pivot,
        .in_userns = hull_spec_namespace (spec, HULL_NS_USER) != NULL,
      };
      if (mntns == NULL)
        return hull_fail (err, 0, "config.json: .linux.namespaces: a mount namespace is required");
      if (hull_rootfs_setup (&ro, err) < 0)
        return -1;
    }

  if (set_identity (&proc->user, err) < 0)
    return -1;
  if (chdir (proc->cwd) < 0)
    return hull_fail_errno (err, "config.json: .process.cwd: chdir %s", proc->cwd);
  if (hull_exec_resolve (proc->args.v[0], &proc->env, exe, err) < 0)
    return -1;

  /* Only stdio and the preserved fds reach the program. */
  unsigned int first = 3 + (unsigned) a->preserve_fds;
  if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return hull_fail_errno (err, "close_range");
  return 0;
}

void
hull_init_main (const hull_init_args *a)
{
  hull_error err = { 0 };
  const char *exe = NULL;

  /* Until the runtime has recorded us, its death must take us with it. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    hull_fail_errno (&err, "prctl PR_SET_PDEATHSIG");
  else if (setup (a, &exe, &err) == 0)
    {
      prctl (PR_SET_PDEATHSIG, 0);
      if (hull_sync_send (a->sync_fd, HULL_SYNC_READY, NULL, &err) == 0
          && wait_for_start (a->fifo_fd, &err) == 0)
        {
          execve (exe, a->spec->process->args.v, a->spec->process->env.v);
          /* Past READY the runtime is gone; stderr is all that is left. */
          hull_fail_errno (&err, "exec %s", a->spec->process->args.v[0]);
          dprintf (2, "hull: %s\n", err.msg);
          return;
        }
      dprintf (2, "hull: %s\n", err.msg);
      return;
    }
  hull_error ignored;
  hull_sync_send (a->sync_fd, HULL_SYNC_ERROR, &err, &ignored);
}
