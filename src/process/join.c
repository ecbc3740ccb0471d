/* The exec'd process: joiner child -> setns(init's pidfd) -> clone3 the
 * process -> the settings init applies -> execve. See join.h. */
#include "config.h"
#include "process/join.h"
#include "process/apply.h"
#include "process/clone.h"
#include "process/sync.h"
#include "linux/console.h"
#include <hull/rootfs.h>
#include <fcntl.h>
#include <hull/cleanup.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
  const char *file;
  int flag;
} ns_files[] = {
  { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },       { "pid", CLONE_NEWPID },
  { "net", CLONE_NEWNET },   { "ipc", CLONE_NEWIPC },      { "uts", CLONE_NEWUTS },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* Every namespace in which init differs from us: those of the config and
 * any it joined by path. setns refuses to "join" the one we are in (the
 * user namespace: EINVAL), so the shared ones are left out. */
static int
ns_flags_to_join (pid_t pid, int *flags, hull_error *err)
{
  *flags = 0;
  for (size_t i = 0; i < sizeof ns_files / sizeof ns_files[0]; i++)
    {
      char path[64];
      struct stat theirs, ours;
      snprintf (path, sizeof path, "/proc/self/ns/%s", ns_files[i].file);
      if (stat (path, &ours) < 0)
        {
          if (errno == ENOENT)
            continue; /* a namespace type this kernel does not have */
          return hull_fail_errno (err, "stat %s", path);
        }
      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, ns_files[i].file);
      if (stat (path, &theirs) < 0)
        return hull_fail_errno (err, "stat %s", path);
      if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino)
        *flags |= ns_files[i].flag;
    }
  return 0;
}

/* exec --tty: a pty from the container's devpts (we are in its mount
 * namespace, so "/" is its root), made our stdio and controlling terminal
 * while we may still chown it; the master goes to the runtime. */
static int
become_terminal (const hull_join_args *a, int sync_fd, hull_error *err)
{
  hull_pty pty;
  if (hull_pty_open (a->spec->process, &pty, err) < 0)
    return -1;
  if (hull_pty_become_stdio (&pty, err) < 0)
    {
      hull_pty_close (&pty);
      return -1;
    }
  int r = hull_sync_send_fd (sync_fd, HULL_SYNC_CONSOLE, pty.master, err);
  hull_pty_close (&pty);
  return r;
}

/* The process itself, in every namespace of the container. */
static void
process_main (const hull_join_args *a, int sync_fd, hull_seccomp_ctx *seccomp,
              const struct stat *self_exe)
{
  hull_error err = { 0 };
  const char *exe = NULL;
  hull_apply_args apply = {
    .spec = a->spec,
    .seccomp = seccomp,
    .self_exe = self_exe,
    .preserve_fds = a->preserve_fds,
  };
  int32_t host_pid = 0;
  /* Our parent is the runtime (CLONE_PARENT): die with it until execve.
   * Nothing is sent before its GO (our pid as it sees it): the joiner,
   * which shares the channel, must have reported first. READY going
   * through then says the runtime did not die before PDEATHSIG was set. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    hull_fail_errno (&err, "prctl PR_SET_PDEATHSIG");
  else if (hull_sync_wait_value (sync_fd, HULL_SYNC_GO, "the runtime", &host_pid, &err) < 0
           || hull_sync_send (sync_fd, HULL_SYNC_READY, NULL, &err) < 0)
    ;
  else if (close (a->init_pidfd) < 0)
    hull_fail_errno (&err, "close the pidfd");
  else if (setsid () < 0)
    hull_fail_errno (&err, "setsid");
  else if (hull_join_session_keyring (&err) == 0
           && (!a->spec->process->terminal || become_terminal (a, sync_fd, &err) == 0)
           && (seccomp == NULL
               || hull_seccomp_set_process (seccomp, a->spec, a->id, a->bundle, host_pid,
                                            a->status, &err) == 0)
           && hull_process_apply (&apply, &exe, &err) == 0)
    {
      if (sigprocmask (SIG_SETMASK, a->sigmask, NULL) < 0)
        hull_fail_errno (&err, "sigprocmask");
      else if (prctl (PR_SET_PDEATHSIG, 0) < 0)
        hull_fail_errno (&err, "prctl PR_SET_PDEATHSIG");
      else if (hull_process_seal (&apply, exe, &err) == 0)
        hull_process_execve (&apply, exe, &err);
    }
  hull_error ignored;
  hull_sync_send (sync_fd, HULL_SYNC_ERROR, &err, &ignored);
}

/* Without a mount namespace of its own, init's root is a detached tree
 * (hull_rootfs_private_end), which setns into the namespace does not give:
 * the joiner takes it from init's /proc/PID/root before entering, then
 * returns to it after. -1 when the namespace's own root is the container's. */
static int
open_init_root (const hull_join_args *a, int *rootfd, hull_error *err)
{
  *rootfd = -1;
  if (!hull_rootfs_needs_private_ns (a->spec))
    return 0;
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/root", (int) a->init_pid);
  *rootfd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*rootfd < 0)
    return hull_fail_errno (err, "open %s", path);
  return 0;
}

static int
enter_init_root (int rootfd, hull_error *err)
{
  if (rootfd < 0)
    return 0;
  if (fchdir (rootfd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    return hull_fail_errno (err, "chroot to the container's root");
  return 0;
}

/* The joiner: still a host process. Everything that needs the host's view
 * happens here, then it enters the namespaces and makes the process. */
static void
joiner_main (const hull_join_args *a, int sync_fd, int ns_flags)
{
  hull_error err = { 0 };
  hull_seccomp_ctx *seccomp = NULL;
  struct stat self_exe;
  cleanup_close int init_root = -1;
  int keep[] = { sync_fd, a->init_pidfd };

  /* Non-dumpable until execve, as init: a process of the container must
   * not reach our /proc/<pid>/exe, mem or fds (CVE-2019-5736,
   * CVE-2016-9962). Inherited by the clone. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    hull_fail_errno (&err, "prctl PR_SET_DUMPABLE");
  else if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    hull_fail_errno (&err, "prctl PR_SET_PDEATHSIG");
  else if (stat ("/proc/self/exe", &self_exe) < 0)
    hull_fail_errno (&err, "stat /proc/self/exe");
  else if (hull_close_fds_except (keep, 2, a->preserve_fds, &err) < 0)
    ;
  /* On v2 clone3 put us there already. */
  else if (a->cg && a->cgroup_v2_fd < 0 && hull_cgroup_enter (a->cg, getpid (), &err) < 0)
    ;
  /* Inherited by the clone; from here, where /proc/self is ours to write. */
  else if (hull_process_oom_score_adj_set (a->spec, getpid (), &err) < 0)
    ;
  /* listenerPath is a host path. */
  else if (hull_seccomp_prepare (a->spec, a->id, a->bundle, &seccomp, &err) < 0)
    ;
  else if (open_init_root (a, &init_root, &err) < 0)
    ;
  /* All at once: the user namespace first, the rest with its privileges.
   * The pid namespace only for our children. */
  else if (ns_flags != 0 && setns (a->init_pidfd, ns_flags) < 0)
    hull_fail_errno (&err, "setns into the container's namespaces (init pid %d)",
                     (int) a->init_pid);
  else if (enter_init_root (init_root, &err) < 0)
    ;
  else
    {
      /* The process is the runtime's child, not ours: we exit now. */
      struct clone_args ca = { .flags = CLONE_PARENT, .exit_signal = 0 };
      pid_t pid = hull_clone3 (&ca);
      if (pid == 0)
        {
          process_main (a, sync_fd, seccomp, &self_exe);
          _exit (127);
        }
      if (pid < 0)
        hull_fail_errno (&err, "clone3 into the container's pid namespace");
      else if (hull_sync_send_value (sync_fd, HULL_SYNC_PID, (int32_t) pid, &err) == 0)
        return;
    }
  hull_seccomp_free (seccomp);
  hull_error ignored;
  hull_sync_send (sync_fd, HULL_SYNC_ERROR, &err, &ignored);
}

int
hull_join_start (const hull_join_args *a, pid_t *out_pid, int *console, hull_error *err)
{
  *console = -1;
  int ns_flags;
  if (ns_flags_to_join (a->init_pid, &ns_flags, err) < 0)
    return -1;
  int fds[2];
  if (hull_sync_pair (fds, err) < 0)
    return -1;
  cleanup_close int parent_fd = fds[0];
  cleanup_close int child_fd = fds[1];

  struct clone_args ca = { .exit_signal = SIGCHLD };
  if (a->cgroup_v2_fd >= 0)
    {
      ca.flags |= CLONE_INTO_CGROUP;
      ca.cgroup = (uint64_t) a->cgroup_v2_fd;
    }
  pid_t joiner = hull_clone3 (&ca);
  if (joiner == 0)
    {
      close (parent_fd);
      joiner_main (a, child_fd, ns_flags);
      _exit (1);
    }
  if (joiner < 0)
    return hull_fail_errno (err, "clone3");
  hull_closep (&child_fd);

  int32_t pid = 0;
  int r = hull_sync_wait_value (parent_fd, HULL_SYNC_PID, "the namespace joiner", &pid, err);
  while (waitpid (joiner, NULL, 0) < 0 && errno == EINTR)
    ;
  if (r < 0)
    return -1;
  /* The joiner is gone: from here the channel is the process's alone. */
  if (hull_sync_send_value (parent_fd, HULL_SYNC_GO, pid, err) < 0
      || hull_sync_wait (parent_fd, HULL_SYNC_READY, "the exec'd process", err) < 0
      || (a->spec->process->terminal
          && hull_sync_wait_fd (parent_fd, HULL_SYNC_CONSOLE, "the exec'd process", console,
                                err) < 0)
      || hull_sync_wait_eof (parent_fd, "the exec'd process", err) < 0)
    {
      hull_closep (console);
      hull_kill_and_reap (pid);
      return -1;
    }
  *out_pid = pid;
  return 0;
}
