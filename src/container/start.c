#include "config.h"
#include <hull/cleanup.h>
#include <hull/container.h>
#include "container/internal.h"
#include <errno.h>
#include <fcntl.h>
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
  hull_state_free (st);
  switch (status)
    {
    case HULL_STATUS_CREATED:
      return hull_release_init (dirfd, err);
    case HULL_STATUS_STOPPED:
      return hull_fail (err, 0, "cannot start a container that has stopped");
    case HULL_STATUS_PAUSED:
      return hull_fail (err, 0, "cannot start a container in the paused state");
    default:
      return hull_fail (err, 0, "cannot start an already running container");
    }
}
