/* OOM notifications for events. v1 (and hybrid, whose memory controller
 * is v1): an eventfd registered through cgroup.event_control on
 * memory.oom_control; the kernel also signals it when the cgroup is
 * removed. v2: inotify on memory.events, whose oom and oom_kill counters
 * are compared with the last values seen. */
#include "config.h"
#include "cgroup/internal.h"
#include "cgroup/stats.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

struct hull_cgroup_oom {
  bool v2;
  int fd;          /* v1: the eventfd; v2: the inotify fd */
  int control_fd;  /* v1: memory.oom_control, open while registered */
  char *dir;
  uint64_t last;   /* v2: the OOM count already reported */
};

static const hull_cgroup_dir *
memory_dir (const hull_cgroup *cg, bool *v2)
{
  *v2 = cg->layout == HULL_CGROUP_LAYOUT_V2;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      const hull_cgroup_dir *d = &cg->dirs[i];
      if (*v2 ? d->controller[0] == '\0' : hull_cg_list_has (d->controller, "memory"))
        return d;
    }
  return NULL;
}

/* v2: how many OOMs memory.events has counted. oom counts the times the
 * limit was hit with the OOM killer invoked (what v1's notification
 * reports), oom_kill the processes killed (what runc reports); the larger
 * one, so neither kind of event is missed. */
static int
v2_count (const char *dir, uint64_t *count, hull_error *err)
{
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/memory.events", dir);
  cleanup_free char *text = NULL;
  if (hull_read_file (path, &text, NULL, err) < 0)
    return -1;
  uint64_t oom, oom_kill;
  if (hull_cg_parse_memory_events (text, &oom, &oom_kill) < 0)
    return hull_fail (err, 0, "%s: malformed oom counter", path);
  *count = oom > oom_kill ? oom : oom_kill;
  return 0;
}

void
hull_cgroup_oom_close (hull_cgroup_oom *w)
{
  if (w == NULL)
    return;
  if (w->fd >= 0)
    close (w->fd);
  if (w->control_fd >= 0)
    close (w->control_fd);
  free (w->dir);
  free (w);
}

int
hull_cgroup_oom_open (const hull_cgroup *cg, hull_cgroup_oom **out, hull_error *err)
{
  *out = NULL;
  bool v2;
  const hull_cgroup_dir *d = cg ? memory_dir (cg, &v2) : NULL;
  if (d == NULL)
    return 0;
  hull_cgroup_oom *w = calloc (1, sizeof *w);
  if (w == NULL || (w->dir = strdup (d->path)) == NULL)
    {
      free (w);
      return hull_fail (err, ENOMEM, "oom notifications");
    }
  w->v2 = v2;
  w->fd = w->control_fd = -1;
  char path[PATH_MAX];
  if (v2)
    {
      snprintf (path, sizeof path, "%s/memory.events", d->path);
      if (access (path, F_OK) < 0 && errno == ENOENT)
        {
          /* The memory controller is not enabled for this cgroup. */
          hull_cgroup_oom_close (w);
          return 0;
        }
      w->fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
      if (w->fd < 0)
        {
          hull_fail_errno (err, "inotify_init1");
          goto fail;
        }
      if (inotify_add_watch (w->fd, path, IN_MODIFY) < 0)
        {
          hull_fail_errno (err, "inotify_add_watch %s", path);
          goto fail;
        }
      /* Only OOMs from now on are reported. */
      if (v2_count (d->path, &w->last, err) < 0)
        goto fail;
    }
  else
    {
      w->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (w->fd < 0)
        {
          hull_fail_errno (err, "eventfd");
          goto fail;
        }
      snprintf (path, sizeof path, "%s/memory.oom_control", d->path);
      w->control_fd = open (path, O_RDONLY | O_CLOEXEC);
      if (w->control_fd < 0)
        {
          hull_fail_errno (err, "open %s", path);
          goto fail;
        }
      char line[64];
      int n = snprintf (line, sizeof line, "%d %d", w->fd, w->control_fd);
      snprintf (path, sizeof path, "%s/cgroup.event_control", d->path);
      if (hull_write_file (path, line, (size_t) n, err) < 0)
        goto fail;
    }
  *out = w;
  return 0;
fail:
  hull_cgroup_oom_close (w);
  return -1;
}

int
hull_cgroup_oom_fd (const hull_cgroup_oom *w)
{
  return w ? w->fd : -1;
}

static int
check_v1 (hull_cgroup_oom *w, uint64_t *n, bool *gone, hull_error *err)
{
  uint64_t count = 0;
  if (read (w->fd, &count, sizeof count) < 0)
    {
      if (errno == EAGAIN)
        return 0;
      return hull_fail_errno (err, "read oom eventfd");
    }
  /* The cgroup's removal signals the eventfd once too. */
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s/cgroup.event_control", w->dir);
  if (access (path, F_OK) < 0 && errno == ENOENT)
    {
      *gone = true;
      count--;
    }
  *n = count;
  return 0;
}

static int
check_v2 (hull_cgroup_oom *w, uint64_t *n, bool *gone, hull_error *err)
{
  /* Drain the queue: IN_IGNORED says the watch ended with the cgroup. */
  char buf[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  ssize_t len;
  while ((len = read (w->fd, buf, sizeof buf)) > 0)
    for (char *p = buf; p < buf + len;)
      {
        const struct inotify_event *ev = (const struct inotify_event *) p;
        if (ev->mask & (IN_IGNORED | IN_DELETE_SELF))
          *gone = true;
        p += sizeof *ev + ev->len;
      }
  if (len < 0 && errno != EAGAIN && errno != EINTR)
    return hull_fail_errno (err, "read inotify");
  uint64_t count;
  if (v2_count (w->dir, &count, err) < 0)
    {
      if (err->errnum != ENOENT && err->errnum != ENODEV)
        return -1;
      hull_error_clear (err);
      *gone = true;
      return 0;
    }
  if (count > w->last)
    {
      *n = count - w->last;
      w->last = count;
    }
  return 0;
}

int
hull_cgroup_oom_check (hull_cgroup_oom *w, uint64_t *n, bool *gone, hull_error *err)
{
  *n = 0;
  *gone = false;
  if (w == NULL)
    return 0;
  return w->v2 ? check_v2 (w, n, gone, err) : check_v1 (w, n, gone, err);
}
