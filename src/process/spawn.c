#include "config.h"
#include "process/spawn.h"
#include "process/clone.h"
#include "process/sync.h"
#include "process/hooks.h"
#include "linux/idmap.h"
#include "linux/namespaces.h"
#include "linux/security.h"
#include <hull/cleanup.h>
#include <hull/rootfs.h>
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

/* The joiner: enters the user namespace given by path, clone3()s init with
 * every new namespace (owned by that user namespace now) as a sibling, so
 * init stays the runtime's child (CLONE_PARENT), reports init's pid and
 * exits. */
static void
join_userns_and_spawn (hull_init_args *args, struct clone_args *ca)
{
  hull_error err = { 0 };
  int *ns_fds = args->ns_fds;
  if (setns (ns_fds[HULL_NS_USER], CLONE_NEWUSER) < 0)
    {
      hull_fail_errno (&err, "setns into the user namespace %s",
                       hull_spec_namespace (args->spec, HULL_NS_USER)->path);
      goto fail;
    }
  hull_closep (&ns_fds[HULL_NS_USER]);
  if (ns_fds[HULL_NS_PID] >= 0 && setns (ns_fds[HULL_NS_PID], CLONE_NEWPID) < 0)
    {
      hull_fail_errno (&err, "setns into the pid namespace %s",
                       hull_spec_namespace (args->spec, HULL_NS_PID)->path);
      goto fail;
    }
  ca->flags |= CLONE_PARENT;
  /* The kernel takes the exit signal of a CLONE_PARENT child from us. */
  ca->exit_signal = 0;
  pid_t pid = hull_clone3 (ca);
  if (pid == 0)
    {
      hull_init_main (args);
      _exit (1);
    }
  if (pid < 0)
    {
      hull_fail_errno (&err, "clone3 in the user namespace %s",
                       hull_spec_namespace (args->spec, HULL_NS_USER)->path);
      goto fail;
    }
  if (hull_sync_send_value (args->sync_fd, HULL_SYNC_PID, (int32_t) pid, &err) == 0)
    return;
fail:;
  hull_error ignored;
  hull_sync_send (args->sync_fd, HULL_SYNC_ERROR, &err, &ignored);
}

/* prestart and createRuntime: in our namespaces, once init has set up its
 * mounts and waits before pivot_root (init does the same check). */
static int
run_create_hooks (const hull_init_args *args, pid_t pid, int sync_fd, hull_error *err)
{
  const hull_hooks *hooks = &args->spec->hooks;
  if (!hull_init_has_runtime_hooks (args))
    return 0;
  if (hull_sync_wait (sync_fd, HULL_SYNC_HOOKS, "the container's init", err) < 0)
    return -1;
  hull_state st = *args->hook_state;
  st.pid = pid;
  st.status = HULL_STATUS_CREATING;
  if (hull_hooks_run (hooks, HULL_HOOK_PRESTART, &st, err) < 0
      || hull_hooks_run (hooks, HULL_HOOK_CREATE_RUNTIME, &st, err) < 0)
    return -1;
  return hull_sync_send (sync_fd, HULL_SYNC_HOOKS_DONE, NULL, err);
}

static int
parent_side (const hull_init_args *args, const hull_cgroup *cg, bool cloned_into_cgroup,
             pid_t pid, int sync_fd, int *console, hull_error *err)
{
  if (hull_ns_new_userns (args->spec) && hull_ns_write_id_maps (pid, args->spec, err) < 0)
    return -1;
  if (!cloned_into_cgroup && hull_cgroup_enter (cg, pid, err) < 0)
    return -1;
  if (hull_process_oom_score_adj_set (args->spec, pid, err) < 0)
    return -1;
  /* Init needs its pid as the host sees it for the hooks' state. */
  if (hull_sync_send_value (sync_fd, HULL_SYNC_GO, (int32_t) pid, err) < 0)
    return -1;
  if (run_create_hooks (args, pid, sync_fd, err) < 0)
    return -1;
  /* process.terminal: init sends the pty master once its rootfs is up. */
  if (args->spec->process && args->spec->process->terminal
      && hull_sync_wait_fd (sync_fd, HULL_SYNC_CONSOLE, "the container's init", console, err) < 0)
    return -1;
  return hull_sync_wait (sync_fd, HULL_SYNC_READY, "the container's init", err);
}

int
hull_spawn_release (int sync_fd, hull_error *err)
{
  int r = hull_sync_send (sync_fd, HULL_SYNC_RECORDED, NULL, err);
  if (r == 0)
    r = hull_sync_wait (sync_fd, HULL_SYNC_ACK, "the container's init", err);
  close (sync_fd);
  return r;
}

typedef struct
{
  const hull_spec *spec;
  int *fds;
} mount_sources;

static void
mount_sources_close (mount_sources *m)
{
  hull_mount_close_sources (m->spec, &m->fds);
}

int
hull_spawn_init (hull_init_args *args, const hull_cgroup *cg, pid_t *out_pid, int *sync_out,
                 int *console_out, hull_error *err)
{
  int fds[2];
  int ns_fds[HULL_NS_COUNT];
  cleanup_close int saved_pidns = -1;
  cleanup_close int cgroup_fd = hull_cgroup_v2_fd (cg);

  /* Init's copies are its own after clone3: ours go at return. */
  __attribute__ ((cleanup (mount_sources_close))) mount_sources sources = { args->spec, NULL };
  if (hull_mount_open_sources (args->spec, args->bundle, &sources.fds, err) < 0)
    return -1;
  args->mount_fds = sources.fds;
  if (hull_ns_open_paths (args->spec, ns_fds, err) < 0)
    return -1;
  /* Idmapped trees need host privilege over the source: built here. */
  cleanup_close int idmap_fd = -1;
  if (hull_idmap_prepare (args->spec, &idmap_fd, err) < 0
      || hull_sync_pair (fds, err) < 0)
    {
      hull_ns_close_paths (ns_fds);
      return -1;
    }
  args->idmap_fd = idmap_fd;
  cleanup_close int parent_fd = fds[0];
  cleanup_close int child_fd = fds[1];

  struct clone_args ca;
  memset (&ca, 0, sizeof ca);
  ca.flags = hull_ns_clone_flags (args->spec, cgroup_fd >= 0);
  ca.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0)
    {
      ca.flags |= CLONE_INTO_CGROUP;
      ca.cgroup = (uint64_t) cgroup_fd;
    }
  args->cgroupns_late = hull_ns_cgroupns_late (args->spec, cgroup_fd >= 0);
  args->sync_fd = child_fd;
  args->ns_fds = ns_fds;

  /* New namespaces belong to the user namespace of the process that makes
   * them: with a user namespace given by path, a joiner enters it first and
   * makes init from there. */
  bool joiner = ns_fds[HULL_NS_USER] >= 0 && (ca.flags & ~(uint64_t) CLONE_INTO_CGROUP) != 0;
  struct clone_args joiner_ca = { .exit_signal = SIGCHLD };

  /* Joining a pid namespace only affects children: switch pid_for_children
   * around clone3 and back. The joiner switches its own instead, so that it
   * stays in our pid namespace and the pid it reports is one we can use. */
  if (!joiner && ns_fds[HULL_NS_PID] >= 0
      && hull_ns_enter_pid_for_children (ns_fds[HULL_NS_PID], &saved_pidns, err) < 0)
    {
      hull_ns_close_paths (ns_fds);
      return -1;
    }

  pid_t pid = hull_clone3 (joiner ? &joiner_ca : &ca);
  if (pid == 0)
    {
      close (parent_fd);
      if (joiner)
        join_userns_and_spawn (args, &ca);
      else
        hull_init_main (args);
      _exit (1);
    }
  int clone_errno = errno;
  if (saved_pidns >= 0 && setns (saved_pidns, CLONE_NEWPID) < 0 && pid > 0)
    {
      hull_fail_errno (err, "setns back to our pid namespace");
      hull_kill_and_reap (pid);
      hull_ns_close_paths (ns_fds);
      return -1;
    }
  hull_ns_close_paths (ns_fds);
  if (pid < 0)
    return hull_fail (err, clone_errno, "clone3");

  hull_closep (&child_fd);
  hull_closep (&idmap_fd);
  if (joiner)
    {
      pid_t joiner_pid = pid;
      int32_t init_pid = 0;
      int r = hull_sync_wait_value (parent_fd, HULL_SYNC_PID, "the user namespace joiner",
                                    &init_pid, err);
      while (waitpid (joiner_pid, NULL, 0) < 0 && errno == EINTR)
        ;
      if (r < 0)
        return -1;
      pid = init_pid;
    }
  cleanup_close int console = -1;
  if (parent_side (args, cg, cgroup_fd >= 0, pid, parent_fd, &console, err) < 0)
    {
      hull_kill_and_reap (pid);
      return -1;
    }
  *out_pid = pid;
  *sync_out = steal_fd (parent_fd);
  *console_out = steal_fd (console);
  return 0;
}
