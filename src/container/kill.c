/* kill: signal the container's init, or with --all every process in its cgroup. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/log.h>
#include "container/proc.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>

static int
signal_init (const hull_state *st, int sig, hull_error *err)
{
  if (hull_proc_signal (st->pid, st->pid_start_time, sig) == 0)
    return 0;
  if (errno == ESRCH)
    return hull_fail (err, 0, "container not running");
  return hull_fail_errno (err, "kill %d", (int) st->pid);
}

/* Signals every process in the recorded cgroup (hull_cgroup_kill: atomic
 * cgroup.kill on v2, freeze-signal-thaw for SIGKILL on v1). Returns 1 when
 * done, 0 when there is no cgroup to use (the caller falls back to the
 * init pid), -1 on error. */
static int
signal_cgroup (const hull_state *st, int sig, hull_error *err)
{
  if (st->cgroup_json == NULL)
    return 0;
  hull_cgroup *cg = NULL;
  if (hull_cgroup_from_json (st->cgroup_json, &cg, err) < 0)
    return hull_error_prefix (err, "state.json: cgroup: ");
  /* 0 also when the cgroup went away with the container. */
  int r = hull_cgroup_kill (cg, sig, err);
  hull_cgroup_free (cg);
  return r;
}

static int
signal_any (const hull_state *st, int sig, bool all, hull_error *err)
{
  if (!all)
    {
      /* runc's phrase, also for a created container whose init died. */
      if (st->status == HULL_STATUS_STOPPED)
        return hull_fail (err, 0, "container not running");
      return signal_init (st, sig, err);
    }

  int r = signal_cgroup (st, sig, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  /* Like runc, --all on a stopped container with nothing left succeeds. */
  if (st->status == HULL_STATUS_STOPPED)
    return 0;
  if (signal_init (st, sig, err) < 0 && err->errnum != 0)
    return -1;
  return 0;
}

int
hull_state_signal (const hull_state *st, int sig, bool all, hull_error *err)
{
  int r = signal_any (st, sig, all, err);
  /* Like runc: a frozen v1 task acts on no signal until thawed, so a
   * SIGKILL to a paused container thaws it; other signals wait for resume. */
  if (sig == SIGKILL && st->status == HULL_STATUS_PAUSED)
    hull_state_thaw_after_kill (st);
  return r;
}

/* No lock: a foreground run holds the state dir lock for the container's
 * whole life, and kill must reach it. Safe without one: state.json is
 * replaced atomically and the init is signalled through a pidfd after its
 * start time matched, so a stale state cannot hit a reused pid. */
static int
open_state_dir (const hull_context *ctx, const char *id, hull_error *err)
{
  if (hull_id_validate (id, err) < 0)
    return -1;
  cleanup_free char *path = hull_state_dir (ctx, id);
  if (path == NULL)
    return hull_fail (err, ENOMEM, "state directory");
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
    return hull_fail (err, 0, "container does not exist");
  if (fd < 0)
    return hull_fail_errno (err, "open %s", path);
  return fd;
}

int
hull_container_kill (const hull_context *ctx, const char *id, int signum, bool all,
                     hull_error *err)
{
  cleanup_close int dirfd = open_state_dir (ctx, id, err);
  if (dirfd < 0)
    return -1;
  hull_state *st = NULL;
  if (hull_state_load (dirfd, id, &st, err) < 0)
    return -1;
  int r = hull_state_signal (st, signum, all, err);
  hull_state_free (st);
  return r;
}
