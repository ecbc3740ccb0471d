#include "config.h"
#include "process/init.h"
#include "process/clone.h"
#include "process/sync.h"
#include "process/apply.h"
#include "process/exec.h"
#include "process/hooks.h"
#include <hull/cleanup.h>
#include <hull/rootfs.h>
#include "linux/console.h"
#include "linux/idmap.h"
#include "linux/security.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

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

/* Right after clone3 we still hold copies of every runtime fd, among them
 * the state dir whose flock `start` needs: keep only what init uses. */
static int
close_runtime_fds (const hull_init_args *a, hull_error *err)
{
  size_t n_mounts = a->mount_fds ? a->spec->n_mounts : 0;
  cleanup_free int *keep = malloc ((HULL_NS_COUNT + 4 + n_mounts) * sizeof *keep);
  if (keep == NULL)
    return hull_fail (err, ENOMEM, "close the runtime's fds");
  size_t n = 0;
  keep[n++] = a->sync_fd;
  keep[n++] = a->fifo_fd;
  if (a->start_fd > 2)
    keep[n++] = a->start_fd;
  if (a->idmap_fd >= 0)
    keep[n++] = a->idmap_fd;
  for (int t = 0; t < HULL_NS_COUNT; t++)
    if (a->ns_fds[t] >= 0)
      keep[n++] = a->ns_fds[t];
  for (size_t i = 0; i < n_mounts; i++)
    if (a->mount_fds[i] >= 0)
      keep[n++] = a->mount_fds[i];
  return hull_close_fds_except (keep, n, a->preserve_fds, err);
}

/* process.terminal: the pty is the container's (its devpts, after
 * pivot_root); the runtime gets the master, init keeps only the slave. */
static int
setup_terminal (const hull_init_args *a, hull_error *err)
{
  cleanup_close int master = -1;
  if (hull_console_setup (a->spec->process, &master, err) < 0)
    return -1;
  return hull_sync_send_fd (a->sync_fd, HULL_SYNC_CONSOLE, master, err);
}

/* Our own binary, identified before pivot while /proc is the host's. */
static struct stat self_exe;
static bool self_exe_known;

/* ---- hooks (the runtime side is in spawn.c and container/hooks.c) ---- */

/* Ours as the host sees it, for the hooks' state: from HULL_SYNC_GO. */
static pid_t host_pid;

bool
hull_init_has_runtime_hooks (const hull_init_args *a)
{
  return a->hook_state != NULL
         && (a->spec->hooks.prestart.n > 0 || a->spec->hooks.create_runtime.n > 0);
}

static int
run_init_hooks (const hull_init_args *a, hull_hook_kind kind, hull_status status,
                hull_error *err)
{
  if (a->hook_state == NULL)
    return 0;
  hull_state st = *a->hook_state;
  st.pid = host_pid;
  st.status = status;
  return hull_hooks_run (&a->spec->hooks, kind, &st, err);
}

/* After the mounts, before pivot_root (config.md): the runtime runs
 * prestart and createRuntime while we wait, then createContainer runs here,
 * in the container's namespaces, with host paths still in reach. */
static int
before_pivot (void *data, hull_error *err)
{
  const hull_init_args *a = data;
  if (hull_init_has_runtime_hooks (a)
      && (hull_sync_send (a->sync_fd, HULL_SYNC_HOOKS, NULL, err) < 0
          || hull_sync_wait (a->sync_fd, HULL_SYNC_HOOKS_DONE, "the runtime", err) < 0))
    return -1;
  return run_init_hooks (a, HULL_HOOK_CREATE_CONTAINER, HULL_STATUS_CREATING, err);
}

/* Everything up to READY. The order matters: namespaces, then the rootfs
 * (while init is still root with every capability), then the attributes
 * that need privilege, then the identity change that drops it. */
static int
setup (const hull_init_args *a, const char **exe, hull_seccomp_ctx **seccomp, hull_error *err)
{
  const hull_spec *spec = a->spec;

  if (close_runtime_fds (a, err) < 0)
    return -1;
  int32_t pid = 0;
  if (hull_sync_wait_value (a->sync_fd, HULL_SYNC_GO, "the runtime", &pid, err) < 0)
    return -1;
  host_pid = (pid_t) pid;
  if (hull_ns_join (spec, a->ns_fds, err) < 0)
    return -1;
  if (a->idmap_fd >= 0 && hull_idmap_receive (spec, a->idmap_fd, err) < 0)
    return -1;
  /* Before the uid change: we are non-dumpable, so our /proc files
   * (timens_offsets) belong to the host's root, which we are only until
   * become_ns_root. */
  if (hull_ns_setup_time (spec, err) < 0)
    return -1;
  /* New or joined: our host uid means nothing in there until we take its
   * root (an unmapped uid cannot create files). */
  if (hull_spec_namespace (spec, HULL_NS_USER) != NULL && become_ns_root (err) < 0)
    return -1;
  /* The uid change cleared it. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    return hull_fail_errno (err, "prctl PR_SET_PDEATHSIG");
  if (a->cgroupns_late && unshare (CLONE_NEWCGROUP) < 0)
    return hull_fail_errno (err, "unshare the cgroup namespace");
  if (setsid () < 0)
    return hull_fail_errno (err, "setsid");
  if (!a->no_new_keyring && hull_join_session_keyring (err) < 0)
    return -1;
  if (hull_set_hostnames (spec, err) < 0)
    return -1;
  /* The notify listener is a host path: reach it before leaving the host's
   * root. No process: no filter, nothing would run under it. */
  if (spec->process && hull_seccomp_prepare (spec, a->id, a->bundle, seccomp, err) < 0)
    return -1;

  /* No mount namespace of its own: the rootfs is built in a private one. */
  cleanup_close int shared_mntns = -1;
  if (hull_rootfs_needs_private_ns (spec)
      && hull_rootfs_private_begin (&a->ns_fds[HULL_NS_MOUNT], &shared_mntns, err) < 0)
    return -1;
  hull_rootfs_opts ro = {
    .spec = spec,
    .rootfs = a->rootfs,
    .bundle = a->bundle,
    .no_pivot = a->no_pivot,
    .in_userns = hull_spec_namespace (spec, HULL_NS_USER) != NULL,
    .mount_fds = a->mount_fds,
    .before_pivot = before_pivot,
    .before_pivot_data = (void *) a,
  };
  int r = hull_rootfs_setup (&ro, err);
  /* Bound or not, the sources are no business of the program's. */
  for (size_t i = 0; a->mount_fds && i < spec->n_mounts; i++)
    hull_closep (&a->mount_fds[i]);
  if (r < 0)
    return -1;
  if (spec->process && spec->process->terminal && setup_terminal (a, err) < 0)
    return -1;
  /* sysctls before readonlyPaths can make /proc/sys read-only. */
  if (hull_sysctl_apply (spec, err) < 0)
    return -1;
  if (hull_protect_paths (spec, err) < 0)
    return -1;
  /* Every mount is made: leave the private namespace with the tree. */
  if (shared_mntns >= 0 && hull_rootfs_private_end (shared_mntns, err) < 0)
    return -1;
  /* No process: init keeps its identity, caps and attributes (none of the
   * process's settings exist), and waits for start as root in "/". */
  if (spec->process == NULL)
    return 0;
  /* The settings an exec'd process gets too (apply.c). */
  hull_apply_args apply = {
    .spec = spec,
    .seccomp = *seccomp,
    .self_exe = self_exe_known ? &self_exe : NULL,
    .preserve_fds = a->preserve_fds,
  };
  if (hull_process_apply (&apply, exe, err) < 0)
    return -1;
  return 0;
}

/* What start reports (init.h); create made start_fd for this. */
static void
no_process (const hull_init_args *a)
{
  static const char msg[] = HULL_INIT_NOTHING_STARTED HULL_NO_PROCESS_MSG;
  if (a->start_fd > 2 && write (a->start_fd, msg, sizeof msg - 1) == (ssize_t) sizeof msg - 1)
    return;
  dprintf (2, "hull: %s\n", HULL_NO_PROCESS_MSG);
}

/* From READY to execve: nothing here can be reported to the runtime any
 * more, only to stderr. */
static void
start_program (const hull_init_args *a, const char *exe, hull_seccomp_ctx *seccomp)
{
  hull_error err = { 0 };
  hull_apply_args apply = {
    .spec = a->spec,
    .seccomp = seccomp,
    .self_exe = self_exe_known ? &self_exe : NULL,
    .preserve_fds = a->preserve_fds,
  };
  if (wait_for_start (a->fifo_fd, &err) < 0)
    goto fail;
  /* Nothing to start: no startContainer hook, no program. */
  if (a->spec->process == NULL)
    {
      no_process (a);
      return;
    }
  if (hull_process_seal (&apply, exe, &err) < 0)
    goto fail;
  /* In the container, as its user, before the program (config.md); under
   * the seccomp filter, as with runc. */
  if (run_init_hooks (a, HULL_HOOK_START_CONTAINER, HULL_STATUS_CREATED, &err) < 0)
    goto fail;
  hull_process_execve (&apply, exe, &err);
fail:
  /* `start` waits on start_fd when there is one and reports it. */
  if (a->start_fd > 2)
    {
      ssize_t ignored = write (a->start_fd, err.msg, strnlen (err.msg, sizeof err.msg));
      (void) ignored;
    }
  else
    dprintf (2, "hull: %s\n", err.msg);
}

void
hull_init_main (const hull_init_args *a)
{
  hull_error err = { 0 };
  const char *exe = NULL;
  hull_seccomp_ctx *seccomp = NULL;

  /* Until execve we are the hull binary, holding its memory and fds: a
   * process of the container (one sharing our pid namespace) must not
   * reach /proc/<us>/exe, mem, environ or fd (CVE-2019-5736, CVE-2016-9962).
   * Non-dumpable fails ptrace_may_access for anyone without CAP_SYS_PTRACE
   * over the host; execve resets it for the program. Side effect: our
   * /proc/self files belong to the host's root from now on. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    hull_fail_errno (&err, "prctl PR_SET_DUMPABLE");
  else if (!(self_exe_known = stat ("/proc/self/exe", &self_exe) == 0))
    hull_fail_errno (&err, "stat /proc/self/exe");
  /* Until the runtime has recorded us, its death must take us with it. */
  else if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    hull_fail_errno (&err, "prctl PR_SET_PDEATHSIG");
  else if (setup (a, &exe, &seccomp, &err) == 0)
    {
      /* PDEATHSIG stays until the runtime has recorded us in state.json:
       * dying with it before that leaves nothing untracked behind. */
      if (hull_sync_send (a->sync_fd, HULL_SYNC_READY, NULL, &err) == 0
          && hull_sync_wait (a->sync_fd, HULL_SYNC_RECORDED, "the runtime", &err) == 0
          && prctl (PR_SET_PDEATHSIG, 0) == 0
          && hull_sync_send (a->sync_fd, HULL_SYNC_ACK, NULL, &err) == 0)
        start_program (a, exe, seccomp);
      else
        dprintf (2, "hull: %s\n", err.msg);
      hull_seccomp_free (seccomp);
      return;
    }
  hull_seccomp_free (seccomp);
  hull_error ignored;
  hull_sync_send (a->sync_fd, HULL_SYNC_ERROR, &err, &ignored);
}
