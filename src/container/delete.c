/* delete: remove a stopped container's cgroup and state; kill it first when
 * it is only created, or running with --force. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/log.h>
#include "container/proc.h"
#include "container/hooks.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

/* How long a SIGKILLed container may take to disappear. */
#define STOP_TIMEOUT_MS 10000

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static bool
cgroup_empty (const hull_cgroup *cg)
{
  if (cg == NULL || cg->n_dirs == 0)
    return true;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  hull_error ignored;
  if (hull_cgroup_pids (cg, &pids, &n, &ignored) < 0)
    return true;  /* unreadable: let hull_cgroup_destroy report it */
  return n == 0;
}

/* Whether some of the container's cgroup was there before it (joined, not
 * made): it may hold processes that are not the container's. */
static bool
joined_cgroup (const hull_cgroup *cg)
{
  for (size_t i = 0; cg && i < cg->n_dirs; i++)
    if (!cg->dirs[i].created)
      return true;
  return false;
}

/* Whether the container's processes are the whole cgroup's. Not when it
 * joined an existing cgroup and has its own pid namespace: then its init
 * takes every process of the container with it, and whatever else is in
 * the cgroup is left alone (runc too kills the cgroup's processes only
 * without a pid namespace of its own). */
static bool
owns_whole_cgroup (const hull_state *st, const hull_cgroup *cg)
{
  return !(st->own_pid_ns && joined_cgroup (cg));
}

/* SIGKILL everything and wait for it to go. The init may not be our child
 * (create's parent exited), so poll /proc instead of waitpid; it counts as
 * gone once a zombie. Re-sends the signal each round so processes forked
 * meanwhile die too. */
static int
kill_and_wait (const char *id, const hull_state *st, const hull_cgroup *cg, hull_error *err)
{
  long long deadline = now_ms () + STOP_TIMEOUT_MS;
  long delay = 1;
  for (;;)
    {
      hull_error ignored;
      bool all = owns_whole_cgroup (st, cg);
      hull_state_signal (st, SIGKILL, all, &ignored);
      /* A frozen v1 task dies only once thawed (paused, or left frozen
       * after its init died). */
      if (cg && hull_cgroup_is_frozen (cg))
        hull_cgroup_freeze (cg, false, &ignored);
      if (!hull_proc_alive (st->pid, st->pid_start_time) && (!all || cgroup_empty (cg)))
        return 0;
      if (now_ms () >= deadline)
        return hull_fail (err, ETIMEDOUT, "container %s did not stop after SIGKILL", id);
      sleep_ms (delay);
      if (delay < 100)
        delay *= 2;
    }
}

static int
remove_container (const hull_context *ctx, const char *id, const hull_cgroup *cg, hull_error *err)
{
  if (cg && hull_cgroup_destroy (cg, err) < 0)
    return -1;
  return hull_state_dir_remove (ctx, id, err);
}

int
hull_container_delete (const hull_context *ctx, const char *id, bool force, hull_error *err)
{
  cleanup_close int dirfd = hull_state_dir_lock (ctx, id, err);
  if (dirfd < 0)
    {
      /* runc: delete --force of a missing container succeeds. */
      if (force && err->errnum == ENOENT)
        {
          hull_error_clear (err);
          return 0;
        }
      return -1;
    }

  hull_state *st = NULL;
  if (hull_state_load (dirfd, id, &st, err) < 0)
    {
      /* We hold the lock and there is no state.json: a create died before
       * recording anything, so the directory is debris. An unreadable
       * state.json is only discarded with --force. */
      if (err->errnum == ENOENT || force)
        {
          hull_warn ("removing the state directory of %s: %s", id,
                     err->errnum == ENOENT ? "it has no state.json" : err->msg);
          hull_error_clear (err);
          return hull_state_dir_remove (ctx, id, err);
        }
      return -1;
    }

  /* Read now: the state dir goes with the container. Unreadable, it must
   * not keep the container from being deleted. */
  hull_hooks hooks;
  hull_error hooks_err = { 0 };
  if (hull_hooks_load (dirfd, &hooks, &hooks_err) < 0)
    hull_warn ("poststop hooks of %s not run: %s", id, hooks_err.msg);

  hull_cgroup *cg = NULL;
  int ret = 0;
  if (st->cgroup_json && hull_cgroup_from_json (st->cgroup_json, &cg, err) < 0)
    {
      hull_error_prefix (err, "state.json: cgroup: ");
      ret = -1;
    }
  else
    switch (st->status)
      {
      case HULL_STATUS_STOPPED:
        /* Without its own pid namespace, processes the init left behind
         * live on in the cgroup (runc kills them too). */
        if (owns_whole_cgroup (st, cg) && !cgroup_empty (cg))
          ret = kill_and_wait (id, st, cg, err);
        break;
      case HULL_STATUS_CREATED:
        /* Like runc: a created container is deleted without --force. */
        ret = kill_and_wait (id, st, cg, err);
        break;
      default:
        if (!force)
          ret = hull_fail (err, 0, "cannot delete container %s that is not stopped: %s", id,
                           hull_status_name (st->status));
        else
          ret = kill_and_wait (id, st, cg, err);
        break;
      }

  if (ret == 0)
    ret = remove_container (ctx, id, cg, err);
  /* "after the container is deleted but before the delete operation
   * returns" (config.md). */
  if (ret == 0)
    hull_hooks_poststop (&hooks, st);
  hull_hooks_clear (&hooks);
  if (cg)
    hull_cgroup_free (cg);
  hull_state_free (st);
  return ret;
}
