/* exec: a new process in a running container. The process is config.json's
 * (the bundle's, read now, as runc does) or a --process file, with the
 * command line's overrides; src/process/join.c runs it. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/fs.h>
#include <hull/tty.h>
#include "container/internal.h"
#include "container/proc.h"
#include "linux/caps.h"
#include "linux/security.h"
#include "process/join.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---------------------------------------------------- the process */

static int
strv_push (hull_strv *v, const char *s)
{
  char *copy = strdup (s);
  char **nv = copy ? realloc (v->v, (v->n + 2) * sizeof *nv) : NULL;
  if (nv == NULL)
    {
      free (copy);
      return -1;
    }
  nv[v->n++] = copy;
  nv[v->n] = NULL;
  v->v = nv;
  return 0;
}

static bool
strv_has (const hull_strv *v, const char *s)
{
  for (size_t i = 0; i < v->n; i++)
    if (strcmp (v->v[i], s) == 0)
      return true;
  return false;
}

static int
strv_add_once (hull_strv *v, const char *s)
{
  return strv_has (v, s) ? 0 : strv_push (v, s);
}

/* NAME=VALUE replaces NAME's entry (getenv would take the first), else is
 * appended. */
static int
env_set (hull_strv *env, const char *kv, hull_error *err)
{
  const char *eq = strchr (kv, '=');
  if (eq == NULL || eq == kv)
    return hull_fail (err, 0, "--env \"%s\": expected NAME=VALUE", kv);
  size_t klen = (size_t) (eq - kv) + 1;
  for (size_t i = 0; i < env->n; i++)
    if (strncmp (env->v[i], kv, klen) == 0)
      {
        char *copy = strdup (kv);
        if (copy == NULL)
          return hull_fail (err, ENOMEM, "--env");
        free (env->v[i]);
        env->v[i] = copy;
        return 0;
      }
  if (strv_push (env, kv) < 0)
    return hull_fail (err, ENOMEM, "--env");
  return 0;
}

/* runc's --cap: bounding, effective and permitted; ambient only when the
 * process already has an inheritable list. Never inheritable
 * (CVE-2022-29162: runc once added --cap there, so a program with file
 * capabilities gained them at execve). */
static int
add_cap (hull_process *proc, const char *name, hull_error *err)
{
  hull_strv one = { .v = (char *[]) { (char *) name, NULL }, .n = 1 };
  hull_capabilities check = { .bounding = one };
  hull_cap_masks masks;
  hull_error why;
  if (hull_caps_resolve (&check, false, &masks, &why) < 0)
    return hull_fail (err, 0, "--cap %s: unknown capability, or not in hull's own bounding set",
                      name);
  if (proc->capabilities == NULL)
    {
      proc->capabilities = calloc (1, sizeof *proc->capabilities);
      if (proc->capabilities == NULL)
        return hull_fail (err, ENOMEM, "--cap");
    }
  hull_capabilities *c = proc->capabilities;
  if (strv_add_once (&c->bounding, name) < 0 || strv_add_once (&c->effective, name) < 0
      || strv_add_once (&c->permitted, name) < 0
      || (c->inheritable.v != NULL && strv_add_once (&c->ambient, name) < 0))
    return hull_fail (err, ENOMEM, "--cap");
  return 0;
}

static int
apply_overrides (const hull_exec_opts *o, hull_process *proc, hull_error *err)
{
  if (o->n_args > 0)
    {
      hull_strv args = { 0 };
      for (size_t i = 0; i < o->n_args; i++)
        if (strv_push (&args, o->args[i]) < 0)
          {
            for (size_t j = 0; j < args.n; j++)
              free (args.v[j]);
            free (args.v);
            return hull_fail (err, ENOMEM, "args");
          }
      for (size_t j = 0; j < proc->args.n; j++)
        free (proc->args.v[j]);
      free (proc->args.v);
      proc->args = args;
    }
  if (o->cwd)
    {
      if (o->cwd[0] != '/')
        return hull_fail (err, 0, "--cwd %s: must be an absolute path", o->cwd);
      char *cwd = strdup (o->cwd);
      if (cwd == NULL)
        return hull_fail (err, ENOMEM, "--cwd");
      free (proc->cwd);
      proc->cwd = cwd;
    }
  for (size_t i = 0; i < o->n_env; i++)
    if (env_set (&proc->env, o->env[i], err) < 0)
      return -1;
  if (o->user_set)
    {
      proc->user.uid = o->uid;
      if (o->gid_set)
        proc->user.gid = o->gid;
    }
  if (o->n_additional_gids > 0)
    {
      size_t n = proc->user.n_additional_gids + o->n_additional_gids;
      gid_t *g = realloc (proc->user.additional_gids, n * sizeof *g);
      if (g == NULL)
        return hull_fail (err, ENOMEM, "--additional-gids");
      memcpy (g + proc->user.n_additional_gids, o->additional_gids,
              o->n_additional_gids * sizeof *g);
      proc->user.additional_gids = g;
      proc->user.n_additional_gids = n;
    }
  for (size_t i = 0; i < o->n_caps; i++)
    if (add_cap (proc, o->caps[i], err) < 0)
      return -1;
  if (o->no_new_privs)
    proc->no_new_privileges = true;
  char **labels[] = { &proc->apparmor_profile, &proc->selinux_label };
  const char *given[] = { o->apparmor, o->process_label };
  for (size_t i = 0; i < 2; i++)
    if (given[i] && given[i][0])
      {
        char *copy = strdup (given[i]);
        if (copy == NULL)
          return hull_fail (err, ENOMEM, "label");
        free (*labels[i]);
        *labels[i] = copy;
      }
  return 0;
}

/* A config without process (OPTIONAL) leaves exec's COMMAND no defaults:
 * what a process object with only args and cwd would give (user 0:0, empty
 * env, no capabilities, no terminal), in "/". */
static hull_process *
blank_process (void)
{
  hull_process *proc = calloc (1, sizeof *proc);
  if (proc == NULL)
    return NULL;
  proc->cwd = strdup ("/");
  proc->env.v = calloc (1, sizeof *proc->env.v);
  if (proc->cwd == NULL || proc->env.v == NULL)
    {
      hull_process_free (proc);
      return NULL;
    }
  return proc;
}

/* The container's config with the exec'd process in place of its own. */
static int
load_spec (const hull_context *ctx, const hull_exec_opts *o, const hull_state *st,
           hull_spec **out, hull_error *err)
{
  /* The config the container was created from (runc: its stored config),
     not what the bundle holds now: editing it must not change, say, the
     seccomp filter an exec'd process gets. */
  cleanup_free char *dir = hull_state_dir (ctx, st->id);
  cleanup_free char *config = dir ? hull_path_join (dir, HULL_STATE_CONFIG) : NULL;
  if (config == NULL)
    return hull_fail (err, ENOMEM, "config.json");
  hull_spec *spec = NULL;
  if (hull_spec_load (config, "config.json", &spec, err) < 0)
    return -1;
  *out = spec;

  if (o->process_file)
    {
      cleanup_free char *text = NULL;
      size_t len = 0;
      hull_process *proc = NULL;
      if (hull_read_file (o->process_file, &text, &len, err) < 0
          || hull_process_parse (text, len, o->process_file, &proc, err) < 0)
        return -1;
      hull_process_free (spec->process);
      spec->process = proc;
    }
  else
    {
      if (o->n_args == 0)
        return hull_fail (err, 0, "process args cannot be empty");
      if (spec->process == NULL && (spec->process = blank_process ()) == NULL)
        return hull_fail (err, ENOMEM, "process");
      /* As runc: the config's terminal setting is not the exec's. */
      spec->process->terminal = false;
    }
  if (apply_overrides (o, spec->process, err) < 0)
    return -1;
  if (o->tty)
    spec->process->terminal = true;
  if (hull_check_terminal (spec->process->terminal, o->console_socket, o->detach, err) < 0)
    return -1;
  if (hull_identity_check (spec, err) < 0 || hull_process_attrs_check (spec, err) < 0
      || hull_lsm_check (spec, err) < 0)
    return -1;
  return 0;
}

/* ------------------------------------------------------ the cgroup */

/* Whether dir's controller list ("cpu,cpuacct") names ctrl. */
static bool
has_controller (const hull_cgroup_dir *dir, const char *ctrl, size_t len)
{
  const char *p = dir->controller;
  while (*p)
    {
      size_t n = strcspn (p, ",");
      if (n == len && strncmp (p, ctrl, len) == 0)
        return true;
      p += n + (p[n] == ',');
    }
  return len == 0 && dir->controller[0] == '\0';
}

static int
enter_sub_path (hull_cgroup_dir *dir, const char *arg, const char *sub, hull_error *err)
{
  while (*sub == '/')
    sub++;
  /* Under the container's cgroup and nowhere else. */
  for (const char *p = sub; *p;)
    {
      size_t n = strcspn (p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.')
        return hull_fail (err, 0, "--cgroup %s: \"..\" would leave the container's cgroup", arg);
      p += n + (p[n] == '/');
    }
  if (*sub == '\0')
    return 0;
  char *path = hull_path_join (dir->path, sub);
  if (path == NULL)
    return hull_fail (err, ENOMEM, "--cgroup");
  struct stat s;
  if (stat (path, &s) < 0 || !S_ISDIR (s.st_mode))
    {
      hull_fail_errno (err, "--cgroup %s: sub-cgroup %s", arg, path);
      free (path);
      return -1;
    }
  free (dir->path);
  dir->path = path;
  dir->created = false;
  return 0;
}

/* runc's --cgroup: "PATH" for every hierarchy (the only form on v2), or
 * "CONTROLLER[,CONTROLLER]:PATH" for those controllers' hierarchies; the
 * sub-cgroup must exist. */
static int
apply_sub_cgroups (const hull_exec_opts *o, hull_cgroup *cg, hull_error *err)
{
  if (o->n_cgroups == 0)
    return 0;
  if (cg == NULL || cg->n_dirs == 0)
    return hull_fail (err, 0, "--cgroup: the container has no cgroup");
  for (size_t i = 0; i < o->n_cgroups; i++)
    {
      const char *arg = o->cgroups[i];
      const char *colon = strchr (arg, ':');
      if (colon == NULL)
        {
          if (o->n_cgroups != 1)
            return hull_fail (err, 0, "invalid --cgroup argument: %s (missing <controller>: prefix)",
                              arg);
          for (size_t d = 0; d < cg->n_dirs; d++)
            if (enter_sub_path (&cg->dirs[d], arg, arg, err) < 0)
              return -1;
          continue;
        }
      for (const char *c = arg; c < colon;)
        {
          size_t n = strcspn (c, ",:");
          if (n == 0)
            return hull_fail (err, 0, "invalid --cgroup argument: %s (empty <controller> prefix)",
                              arg);
          bool found = false;
          for (size_t d = 0; d < cg->n_dirs; d++)
            if (has_controller (&cg->dirs[d], c, n))
              {
                found = true;
                if (enter_sub_path (&cg->dirs[d], arg, colon + 1, err) < 0)
                  return -1;
              }
          if (!found)
            return hull_fail (err, 0, "--cgroup %s: the container has no %.*s cgroup", arg,
                              (int) n, c);
          c += n + (c[n] == ',');
        }
    }
  return 0;
}

/* ------------------------------------------------------------ exec */

static int
open_init (const hull_state *st, int *pidfd, hull_error *err)
{
  *pidfd = (int) syscall (SYS_pidfd_open, st->pid, 0);
  if (*pidfd < 0 && errno == ESRCH)
    return hull_fail (err, 0, "cannot exec in a stopped container");
  if (*pidfd < 0)
    return hull_fail_errno (err, "pidfd_open %d", (int) st->pid);
  /* The pidfd pins the process: checked once more against the record. */
  if (!hull_proc_alive (st->pid, st->pid_start_time))
    return hull_fail (err, 0, "cannot exec in a stopped container");
  return 0;
}

static int
exec_in (const hull_context *ctx, const hull_exec_opts *o, const hull_state *st, int *exit_status,
         hull_error *err)
{
  switch (st->status)
    {
    case HULL_STATUS_STOPPED:
      return hull_fail (err, 0, "cannot exec in a stopped container");
    case HULL_STATUS_PAUSED:
      if (!o->ignore_paused)
        return hull_fail (err, 0,
                          "cannot exec in a paused container (use --ignore-paused to override)");
      break;
    default:
      break;
    }
  if (o->preserve_fds < 0)
    return hull_fail (err, EINVAL, "--preserve-fds: must not be negative");

  hull_spec *spec = NULL;
  hull_cgroup *cg = NULL;
  cleanup_close int pidfd = -1;
  cleanup_close int v2fd = -1;
  cleanup_close int console_sock = -1;
  cleanup_close int master = -1;
  int ret = -1;
  if (load_spec (ctx, o, st, &spec, err) < 0 || hull_state_cgroup (st, &cg, err) < 0
      || apply_sub_cgroups (o, cg, err) < 0 || open_init (st, &pidfd, err) < 0)
    goto out;
  /* Last check: the receiver sees a connection only for a valid exec. */
  if (o->console_socket
      && (console_sock = hull_console_socket_connect (o->console_socket, err)) < 0)
    goto out;
  v2fd = hull_cgroup_v2_fd (cg);
  if (cg && cg->layout == HULL_CGROUP_LAYOUT_V2 && v2fd < 0)
    {
      hull_fail_errno (err, "open the container's cgroup");
      goto out;
    }

  /* Signals that arrive from here on are for the process (the program
   * gets our mask back). */
  sigset_t old;
  sigprocmask (SIG_BLOCK, NULL, &old);
  if (!o->detach)
    hull_signals_block ();
  hull_join_args a = {
    .spec = spec,
    .id = st->id,
    .bundle = st->bundle,
    .status = hull_status_name (st->status),
    .init_pid = st->pid,
    .init_pidfd = pidfd,
    .cg = cg,
    .cgroup_v2_fd = v2fd,
    .preserve_fds = o->preserve_fds,
    .sigmask = &old,
  };
  pid_t pid;
  if (hull_join_start (&a, &pid, &master, err) < 0)
    {
      hull_error_prefix (err, "unable to start container process: ");
      goto out;
    }
  /* The master goes to the socket (no copy stays here) or to the relay. */
  hull_tty_relay relay = { .master = -1, .sigfd = -1, .host = -1 };
  if ((console_sock >= 0 && hull_console_socket_send (console_sock, master, err) < 0)
      || (o->pid_file && hull_write_pid_file (o->pid_file, pid, err) < 0)
      || (master >= 0 && console_sock < 0
          && hull_tty_relay_prepare (&relay, steal_fd (master), err) < 0))
    {
      hull_reap_init (pid);
      goto out;
    }
  hull_closep (&master);
  ret = 0;
  if (!o->detach)
    {
      hull_closep (&pidfd);
      *exit_status = relay.master >= 0 ? hull_tty_relay_run (&relay, pid)
                                       : hull_wait_forwarding_signals (pid);
      hull_tty_relay_finish (&relay);
    }
out:
  hull_cgroup_free (cg);
  hull_spec_free (spec);
  return ret;
}

int
hull_container_exec (const hull_context *ctx, const hull_exec_opts *o, int *exit_status,
                     hull_error *err)
{
  *exit_status = 0;
  hull_state *st = NULL;
  /* Unlocked, as kill and pause: a foreground run holds the lock. */
  if (hull_state_load_unlocked (ctx, o->id, &st, err) < 0)
    return -1;
  int r = exec_in (ctx, o, st, exit_status, err);
  hull_state_free (st);
  return r;
}
