#include "config.h"
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/log.h>
#include "container/internal.h"
#include "container/hooks.h"
#include "container/proc.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

int
hull_release_init (int dirfd, hull_error *err)
{
  /* O_NONBLOCK: ENXIO instead of hanging when init is no longer waiting. */
  cleanup_close int fd = openat (dirfd, HULL_EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENXIO)
    return hull_fail (err, 0, "container not running: its init is not waiting on start");
  if (fd < 0)
    return hull_fail_errno (err, "open %s", HULL_EXEC_FIFO);
  if (write (fd, "0", 1) != 1)
    return hull_fail_errno (err, "write %s", HULL_EXEC_FIFO);
  if (unlinkat (dirfd, HULL_EXEC_FIFO, 0) < 0)
    return hull_fail_errno (err, "remove %s", HULL_EXEC_FIFO);
  return 0;
}

int
hull_container_start (const hull_context *ctx, const char *id, hull_error *err)
{
  if (hull_id_validate (id, err) < 0)
    return -1;
  cleanup_close int dirfd = hull_state_dir_lock (ctx, id, err);
  if (dirfd < 0)
    return -1;
  hull_state *st = NULL;
  if (hull_state_load (dirfd, id, &st, err) < 0)
    return -1;
  hull_status status = st->status;
  /* Opened before the release: with no process, init exits on it and we
   * wait for that, so that state says stopped once start returns. */
  cleanup_close int pidfd = status == HULL_STATUS_CREATED
                                ? hull_proc_pidfd (st->pid, st->pid_start_time)
                                : -1;
  hull_state_free (st);
  hull_start_outcome outcome;
  switch (status)
    {
    case HULL_STATUS_CREATED:
      if (hull_start_released (dirfd, id, &outcome, err) == 0)
        return 0;
      if (outcome == HULL_START_NOTHING)
        {
          struct pollfd p = { .fd = pidfd, .events = POLLIN };
          while (pidfd >= 0 && poll (&p, 1, -1) < 0 && errno == EINTR)
            ;
          return -1;
        }
      /* A hook (or the exec) failed after init was released: "stop the
       * container, and continue the lifecycle at step 12", i.e. destroy it
       * and run poststop, as delete --force does (it takes the lock). */
      if (outcome == HULL_START_RELEASED)
        {
          hull_closep (&dirfd);
          hull_error ignored = { 0 };
          if (hull_container_delete (ctx, id, true, &ignored) < 0)
            hull_warn ("destroying %s: %s", id, ignored.msg);
        }
      return -1;
    case HULL_STATUS_STOPPED:
      return hull_fail (err, 0, "cannot start a container that has stopped");
    case HULL_STATUS_PAUSED:
      return hull_fail (err, 0, "cannot start a container in the paused state");
    default:
      return hull_fail (err, 0, "cannot start an already running container");
    }
}
