/* create and run: config -> checks -> state dir -> cgroup plan (state.json)
 * -> cgroups -> init -> state.json. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <hull/tty.h>
#include "container/internal.h"
#include "container/hooks.h"
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
  int preserve_fds;           /* --preserve-fds plus socket-activation fds */
  char *config_text;         /* config.json as parsed: exec reads this copy */
  size_t config_len;
  char *created;             /* state.json's "created", also what hooks see */
  int console_sock;    /* --console-socket, connected */
  int console_master;  /* process.terminal in a foreground run: the pty to relay */
} prepared;

static void
prepared_free (prepared *p)
{
  hull_spec_free (p->spec);
  p->spec = NULL;
  free (p->created);
  p->created = NULL;
  free (p->config_text);
  p->config_text = NULL;
  hull_closep (&p->console_sock);
  hull_closep (&p->console_master);
}

/* runc's rules (and words): a terminal needs someone to hold it. */
int
hull_check_terminal (bool terminal, const char *console_socket, bool detached, hull_error *err)
{
  if (detached && terminal && console_socket == NULL)
    return hull_fail (err, 0, "cannot allocate tty if hull will detach without setting "
                      "console socket (process.terminal is true: pass --console-socket)");
  if ((!detached || !terminal) && console_socket != NULL)
    return hull_fail (err, 0, "cannot use console socket if hull will not detach or "
                      "allocate tty (%s)",
                      terminal ? "a foreground hull relays the terminal itself"
                               : "process.terminal is false");
  return 0;
}

static int
prepare (const hull_context *ctx, const hull_create_opts *opts, bool detached, prepared *p,
         hull_error *err)
{
  p->console_sock = p->console_master = -1;
  if (hull_id_validate (opts->id, err) < 0)
    return -1;
  if (realpath (opts->bundle ? opts->bundle : ".", p->bundle) == NULL)
    return hull_fail_errno (err, "bundle %s", opts->bundle ? opts->bundle : ".");

  cleanup_free char *config = hull_path_join (p->bundle, "config.json");
  if (config == NULL)
    return hull_fail (err, ENOMEM, "config.json");
  if (hull_read_file (config, &p->config_text, &p->config_len, err) < 0
      || hull_spec_parse (p->config_text, p->config_len, "config.json", &p->spec, err) < 0)
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
  bool terminal = p->spec->process && p->spec->process->terminal;
  if (hull_check_terminal (terminal, opts->console_socket, detached, err) < 0)
    return -1;
  if (opts->preserve_fds < 0)
    return hull_fail (err, EINVAL, "--preserve-fds: must not be negative");
  int listen_fds = hull_listen_fds ();
  if (listen_fds > 0 && p->spec->process
      && hull_listen_fds_env (&p->spec->process->env, listen_fds, err) < 0)
    return -1;
  if (listen_fds > INT_MAX - 3 - opts->preserve_fds)
    return hull_fail (err, EINVAL, "--preserve-fds: too many file descriptors");
  p->preserve_fds = listen_fds + opts->preserve_fds;
  p->created = hull_now_rfc3339 ();
  if (p->created == NULL)
    return hull_fail (err, ENOMEM, "state");
  /* Last: the receiver sees a connection only for a valid create. */
  if (opts->console_socket)
    {
      p->console_sock = hull_console_socket_connect (opts->console_socket, err);
      if (p->console_sock < 0)
        return -1;
    }
  return 0;
}

/* The pty master init sent: to the console socket (then no copy stays
 * here), or kept for the foreground relay. */
static int
hand_over_console (prepared *p, int master, hull_error *err)
{
  if (p->console_sock < 0)
    {
      p->console_master = master;
      return 0;
    }
  int r = hull_console_socket_send (p->console_sock, master, err);
  close (master);
  hull_closep (&p->console_sock);
  return r;
}

int
hull_write_pid_file (const char *path, pid_t pid, hull_error *err)
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

/* The OCI state of the container being created (hooks set pid, status). */
static hull_state
state_of (const hull_create_opts *opts, const prepared *p)
{
  return (hull_state){
    .oci_version = p->spec->oci_version,
    .id = (char *) opts->id,
    .status = HULL_STATUS_CREATING,
    .bundle = (char *) p->bundle,
    .rootfs = (char *) p->rootfs,
    .created = p->created,
    .owner = (char *) "",
    .annotations = p->spec->annotations,
    .own_pid_ns = hull_spec_namespace (p->spec, HULL_NS_PID) != NULL,
  };
}

static int
record_state (int dirfd, const hull_create_opts *opts, const prepared *p, const hull_cgroup *cg,
              pid_t pid, hull_error *err)
{
  hull_state st = state_of (opts, p);
  st.status = HULL_STATUS_CREATED;
  st.pid = pid;
  st.pid_start_time = hull_proc_start_time (pid, NULL);
  cleanup_free char *cgroup_json = hull_cgroup_to_json (cg);
  st.cgroup_json = cgroup_json;
  if (cgroup_json == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  return hull_state_save (dirfd, &st, err);
}

/* linux.resources. */
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
  cleanup_close int start_fd = -1;
  hull_state hook_state = state_of (opts, p);
  bool spawned = false; /* from here on, hooks may have run */

  int dirfd = hull_state_dir_create (ctx, opts->id, err);
  if (dirfd < 0)
    return -1;
  if (hull_cgroup_plan (p->spec, opts->id, ctx->cgroup_manager, &cg, err) < 0)
    goto fail;
  /* The cgroups are recorded before they are made, and again once made:
   * should this process die anywhere in between (SIGKILL), delete --force
   * still finds (and removes) them. pid 0: no process yet, so the
   * container reads as stopped. */
  if (record_state (dirfd, opts, p, cg, 0, err) < 0)
    goto fail;
  if (hull_cgroup_make (cg, p->spec, err) < 0 || record_state (dirfd, opts, p, cg, 0, err) < 0)
    goto fail;
  /* exec takes the config the container was made from, as runc does, not
     whatever the bundle holds by then. */
  if (hull_create_file_at (dirfd, HULL_STATE_CONFIG, p->config_text, p->config_len, 0600, err) < 0)
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
  if (hull_hooks_prepare (dirfd, p->spec, &start_fd, err) < 0)
    goto fail;

  hull_init_args args = {
    .spec = p->spec,
    .id = opts->id,
    .rootfs = p->rootfs,
    .bundle = p->bundle,
    .no_pivot = opts->no_pivot,
    .no_new_keyring = opts->no_new_keyring,
    .preserve_fds = p->preserve_fds,
    .fifo_fd = fifo_fd,
    .hook_state = &hook_state,
    .start_fd = start_fd,
  };
  int console = -1;
  spawned = true;
  if (hull_spawn_init (&args, cg, &pid, &sync_fd, &console, err) < 0)
    {
      pid = -1;
      goto fail;
    }
  if (console >= 0 && hand_over_console (p, console, err) < 0)
    goto fail;
  if (record_state (dirfd, opts, p, cg, pid, err) < 0)
    goto fail;
  if (opts->pid_file && hull_write_pid_file (opts->pid_file, pid, err) < 0)
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
  /* Lifecycle steps 12-13 after a failed create hook (runc's destroy does
   * it for any failure past that point): poststop may have to undo what
   * the hooks set up. */
  if (spawned)
    hull_hooks_poststop (&p->spec->hooks, &hook_state);
  return -1;
}

int
hull_container_create (const hull_context *ctx, const hull_create_opts *opts, hull_error *err)
{
  prepared p = { 0 };
  hull_cgroup *cg = NULL;
  pid_t pid;
  int dirfd;

  int ret = prepare (ctx, opts, true, &p, err);
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
  int ret = prepare (ctx, opts, opts->detach, &p, err);
  /* start would refuse it (runtime.md): refused before anything is made. */
  if (ret == 0 && p.spec->process == NULL)
    ret = hull_fail (err, 0, "%s", HULL_NO_PROCESS_MSG);
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
  /* A foreground terminal: raw mode and size before the program runs. */
  hull_tty_relay relay = { .master = -1, .sigfd = -1, .host = -1 };
  bool relaying = false;
  if (p.console_master >= 0)
    {
      ret = hull_tty_relay_prepare (&relay, steal_fd (p.console_master), err);
      relaying = ret == 0;
    }
  if (ret == 0)
    ret = hull_start_released (dirfd, opts->id, NULL, err);
  if (ret == 0 && !opts->detach)
    {
      /* While it runs, kill/delete from elsewhere must be able to lock it. */
      flock (dirfd, LOCK_UN);
      *exit_status = relaying ? hull_tty_relay_run (&relay, pid)
                              : hull_wait_forwarding_signals (pid);
      /* Our terminal back before anything else is printed. */
      hull_tty_relay_finish (&relay);
      /* What delete --force does: processes init left behind (no pid
       * namespace of its own) are killed before the cgroup goes, and a
       * delete from elsewhere that got there first is fine. The exit
       * status is the container's whatever the cleanup says. */
      hull_error cleanup_err = { 0 };
      if (!opts->keep && hull_container_delete (ctx, opts->id, true, &cleanup_err) < 0)
        hull_warn ("cleaning up %s: %s", opts->id, cleanup_err.msg);
    }
  else if (ret < 0)
    {
      hull_tty_relay_finish (&relay);
      hull_reap_init (pid);
      hull_error ignored;
      hull_cleanup_stopped (ctx, opts->id, dirfd, cg, &ignored);
      hull_state st = state_of (opts, &p);
      hull_hooks_poststop (&p.spec->hooks, &st);
    }
  close (dirfd);
  hull_cgroup_free (cg);
  prepared_free (&p);
  return ret;
}
