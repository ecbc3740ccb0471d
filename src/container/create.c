/* create and run: config -> checks -> state dir -> cgroup -> init -> state.json. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/fs.h>
#include <hull/log.h>
#include "container/internal.h"
#include "process/spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Everything a create needs, gathered and checked before any side effect. */
typedef struct {
  hull_spec *spec;
  char bundle[PATH_MAX];
  char rootfs[PATH_MAX];
} prepared;

static void
prepared_free (prepared *p)
{
  hull_spec_free (p->spec);
  p->spec = NULL;
}

static int
prepare (const hull_context *ctx, const hull_create_opts *opts, prepared *p, hull_error *err)
{
  if (hull_id_validate (opts->id, err) < 0)
    return -1;
  if (realpath (opts->bundle ? opts->bundle : ".", p->bundle) == NULL)
    return hull_fail_errno (err, "bundle %s", opts->bundle ? opts->bundle : ".");

  cleanup_free char *config = hull_path_join (p->bundle, "config.json");
  if (config == NULL)
    return hull_fail (err, ENOMEM, "config.json");
  if (hull_spec_load (config, "config.json", &p->spec, err) < 0)
    return -1;
  if (hull_check_runtime_spec (ctx, p->spec, err) < 0)
    return -1;

  cleanup_free char *root = p->spec->root.path[0] == '/'
                                ? strdup (p->spec->root.path)
                                : hull_path_join (p->bundle, p->spec->root.path);
  if (root == NULL)
    return hull_fail (err, ENOMEM, "root.path");
  if (realpath (root, p->rootfs) == NULL)
    return hull_fail_errno (err, "config.json: .root.path: %s", root);
  struct stat st;
  if (stat (p->rootfs, &st) < 0 || !S_ISDIR (st.st_mode))
    return hull_fail (err, ENOTDIR, "config.json: .root.path: %s", p->rootfs);
  /* Terminals (pty, console socket) arrive with exec support; until then
   * say so instead of running with the wrong stdio. */
  if (p->spec->process->terminal)
    return hull_fail (err, 0,
                      "config.json: .process.terminal: terminals are not supported yet; "
                      "set it to false");
  if (opts->preserve_fds < 0)
    return hull_fail (err, EINVAL, "--preserve-fds: must not be negative");
  return 0;
}

static int
write_pid_file (const char *path, pid_t pid, hull_error *err)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d", (int) pid);
  cleanup_free char *abs = NULL;
  if (path[0] != '/')
    {
      char cwd[PATH_MAX];
      if (getcwd (cwd, sizeof cwd) == NULL)
        return hull_fail_errno (err, "getcwd");
      abs = hull_path_join (cwd, path);
      if (abs == NULL)
        return hull_fail (err, ENOMEM, "pid file");
      path = abs;
    }
  if (hull_write_file_atomic (path, buf, (size_t) len, 0644, err) < 0)
    return hull_error_prefix (err, "pid file: ");
  return 0;
}

static int
record_state (int dirfd, const hull_create_opts *opts, const prepared *p, const hull_cgroup *cg,
              pid_t pid, hull_error *err)
{
  hull_state st = {
    .oci_version = p->spec->oci_version,
    .id = (char *) opts->id,
    .status = HULL_STATUS_CREATED,
    .pid = pid,
    .pid_start_time = hull_proc_start_time (pid, NULL),
    .bundle = (char *) p->bundle,
    .rootfs = (char *) p->rootfs,
    .owner = (char *) "",
    .annotations = p->spec->annotations,
    .own_pid_ns = hull_spec_namespace (p->spec, HULL_NS_PID) != NULL,
  };
  cleanup_free char *created = hull_now_rfc3339 ();
  cleanup_free char *cgroup_json = hull_cgroup_to_json (cg);
  st.created = created;
  st.cgroup_json = cgroup_json;
  if (created == NULL || cgroup_json == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  return hull_state_save (dirfd, &st, err);
}

/* linux.resources (the cgroup code adds the linux.devices nodes to the
 * device rules). */
static int
apply_resources (const hull_cgroup *cg, const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec->linux_;
  if (l == NULL || l->resources == NULL)
    return 0;
  return hull_cgroup_apply_resources (cg, l->resources, false, err);
}

/* Creates the container and leaves its init blocked on exec.fifo. On
 * failure nothing is left: no process, cgroup or state directory. */
static int
create_container (const hull_context *ctx, const hull_create_opts *opts, prepared *p,
                  hull_cgroup **cg_out, pid_t *pid_out, int *dirfd_out, hull_error *err)
{
  hull_cgroup *cg = NULL;
  pid_t pid = -1;
  cleanup_close int fifo_fd = -1;
  cleanup_close int sync_fd = -1;

  int dirfd = hull_state_dir_create (ctx, opts->id, err);
  if (dirfd < 0)
    return -1;
  if (hull_cgroup_prepare (p->spec, opts->id, ctx->cgroup_manager, &cg, err) < 0)
    goto fail;
  /* Recorded before anything can outlive us: should this process die
   * mid-create, delete still finds (and removes) the cgroup. pid 0: no
   * process yet, so the container reads as stopped. */
  if (record_state (dirfd, opts, p, cg, 0, err) < 0)
    goto fail;
  /* Limits before the process joins: it never runs unlimited. */
  if (apply_resources (cg, p->spec, err) < 0)
    goto fail;

  if (mkfifoat (dirfd, HULL_EXEC_FIFO, 0600) < 0)
    {
      hull_fail_errno (err, "mkfifo %s", HULL_EXEC_FIFO);
      goto fail;
    }
  /* Non-blocking: there is no writer until start; init polls it. */
  fifo_fd = openat (dirfd, HULL_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo_fd < 0)
    {
      hull_fail_errno (err, "open %s", HULL_EXEC_FIFO);
      goto fail;
    }

  hull_init_args args = {
    .spec = p->spec,
    .id = opts->id,
    .rootfs = p->rootfs,
    .bundle = p->bundle,
    .no_pivot = opts->no_pivot,
    .no_new_keyring = opts->no_new_keyring,
    .preserve_fds = opts->preserve_fds,
    .fifo_fd = fifo_fd,
  };
  if (hull_spawn_init (&args, cg, &pid, &sync_fd, err) < 0)
    {
      pid = -1;
      goto fail;
    }
  if (record_state (dirfd, opts, p, cg, pid, err) < 0)
    goto fail;
  if (opts->pid_file && write_pid_file (opts->pid_file, pid, err) < 0)
    goto fail;
  if (hull_spawn_release (steal_fd (sync_fd), err) < 0)
    goto fail;

  *cg_out = cg;
  *pid_out = pid;
  *dirfd_out = dirfd;
  return 0;

fail:
  if (pid > 0)
    hull_reap_init (pid);
  if (cg)
    {
      hull_error ignored;
      hull_cgroup_destroy (cg, &ignored);
      hull_cgroup_free (cg);
    }
  {
    hull_error ignored;
    hull_state_dir_remove (ctx, opts->id, &ignored);
  }
  close (dirfd);
  return -1;
}

int
hull_container_create (const hull_context *ctx, const hull_create_opts *opts, hull_error *err)
{
  prepared p = { 0 };
  hull_cgroup *cg = NULL;
  pid_t pid;
  int dirfd;

  int ret = prepare (ctx, opts, &p, err);
  if (ret == 0)
    ret = create_container (ctx, opts, &p, &cg, &pid, &dirfd, err);
  if (ret == 0)
    {
      close (dirfd);
      hull_cgroup_free (cg);
    }
  prepared_free (&p);
  return ret;
}

int
hull_container_run (const hull_context *ctx, const hull_create_opts *opts, int *exit_status,
                    hull_error *err)
{
  prepared p = { 0 };
  hull_cgroup *cg = NULL;
  pid_t pid;
  int dirfd;

  *exit_status = 0;
  int ret = prepare (ctx, opts, &p, err);
  if (ret == 0)
    ret = create_container (ctx, opts, &p, &cg, &pid, &dirfd, err);
  if (ret < 0)
    {
      prepared_free (&p);
      return -1;
    }
  /* Signals that arrive from here on are for the container. */
  if (!opts->detach)
    hull_signals_block ();
  ret = hull_release_init (dirfd, err);
  if (ret == 0 && !opts->detach)
    {
      /* While it runs, kill/delete from elsewhere must be able to lock it. */
      flock (dirfd, LOCK_UN);
      *exit_status = hull_wait_forwarding_signals (pid);
      /* What delete --force does: processes init left behind (no pid
       * namespace of its own) are killed before the cgroup goes, and a
       * delete from elsewhere that got there first is fine. The exit
       * status is the container's whatever the cleanup says. */
      hull_error cleanup_err = { 0 };
      if (hull_container_delete (ctx, opts->id, true, &cleanup_err) < 0)
        hull_warn ("cleaning up %s: %s", opts->id, cleanup_err.msg);
    }
  else if (ret < 0)
    {
      hull_reap_init (pid);
      hull_error ignored;
      hull_cleanup_stopped (ctx, opts->id, dirfd, cg, &ignored);
    }
  close (dirfd);
  hull_cgroup_free (cg);
  prepared_free (&p);
  return ret;
}
