/* events: the container's statistics every interval and its OOM
 * notifications, as runc prints them, until the container stops.
 *
 * One poll(2) loop, no busy waiting: a timerfd for the interval, the OOM
 * fd from the cgroup layer (eventfd or inotify), and a pidfd of the init,
 * which becomes readable when it exits. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/log.h>
#include "container/proc.h"
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

typedef struct {
  const char *id;
  hull_event_fn emit;
  void *arg;
} sink;

/* {"type":TYPE,"id":ID[,"data":STATS]} handed to the sink. */
static int
send_event (const sink *k, const char *type, const hull_cgroup_stats *stats, hull_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return hull_fail (err, ENOMEM, "events");
  bool ok = yajl_gen_map_open (g) == yajl_gen_status_ok
            && yajl_gen_string (g, (const unsigned char *) "type", 4) == yajl_gen_status_ok
            && yajl_gen_string (g, (const unsigned char *) type, strlen (type)) == yajl_gen_status_ok
            && yajl_gen_string (g, (const unsigned char *) "id", 2) == yajl_gen_status_ok
            && yajl_gen_string (g, (const unsigned char *) k->id, strlen (k->id))
                 == yajl_gen_status_ok;
  if (ok && stats)
    ok = yajl_gen_string (g, (const unsigned char *) "data", 4) == yajl_gen_status_ok
         && hull_cgroup_stats_gen (g, stats) == 0;
  ok = ok && yajl_gen_map_close (g) == yajl_gen_status_ok;
  const unsigned char *buf;
  size_t len;
  int ret;
  if (!ok || yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    ret = hull_fail (err, ENOMEM, "events: generating the %s event", type);
  else
    ret = k->emit ((const char *) buf, len, k->arg, err);
  yajl_gen_free (g);
  return ret;
}

/* One "oom" event per OOM counted since the last check. */
static int
send_ooms (const sink *k, hull_cgroup_oom *oom, bool *gone, hull_error *err)
{
  uint64_t n;
  if (hull_cgroup_oom_check (oom, &n, gone, err) < 0)
    return -1;
  for (; n > 0; n--)
    if (send_event (k, "oom", NULL, err) < 0)
      return -1;
  return 0;
}

static int
not_running (const char *id, hull_error *err)
{
  return hull_fail (err, 0, "container with id %s is not running", id);
}

/* A pidfd on the recorded init, checked to be that process (not a reuse
 * of its pid) once the pidfd pins it. */
static int
open_init (const hull_state *st, hull_error *err)
{
#ifdef SYS_pidfd_open
  int fd = (int) syscall (SYS_pidfd_open, st->pid, 0);
#else
  int fd = -1;
  errno = ENOSYS;
#endif
  if (fd < 0 && errno == ESRCH)
    return not_running (st->id, err);
  if (fd < 0)
    return hull_fail_errno (err, "pidfd_open (pid %d; events needs Linux 5.3)", (int) st->pid);
  if (!hull_proc_alive (st->pid, st->pid_start_time))
    {
      close (fd);
      return not_running (st->id, err);
    }
  return fd;
}

static int
start_timer (long long interval_ns, hull_error *err)
{
  int fd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (fd < 0)
    return hull_fail_errno (err, "timerfd_create");
  struct timespec ts = { (time_t) (interval_ns / 1000000000LL), (long) (interval_ns % 1000000000LL) };
  struct itimerspec it = { .it_interval = ts, .it_value = ts };
  if (timerfd_settime (fd, 0, &it, NULL) < 0)
    {
      hull_fail_errno (err, "timerfd_settime");
      close (fd);
      return -1;
    }
  return fd;
}

/* The loop: runc prints the first stats after one interval, then one per
 * interval; OOMs as they come; it ends when the init exits or the cgroup
 * is removed. */
static int
watch (const sink *k, const hull_state *st, const hull_cgroup *cg, long long interval_ns,
       hull_error *err)
{
  cleanup_close int pidfd = -1, timer = -1;
  hull_cgroup_oom *oom = NULL;
  int ret = -1;
  if ((pidfd = open_init (st, err)) < 0 || hull_cgroup_oom_open (cg, &oom, err) < 0
      || (timer = start_timer (interval_ns, err)) < 0)
    goto out;

  enum { P_INIT, P_TIMER, P_OOM };
  struct pollfd fds[3] = {
    [P_INIT] = { .fd = pidfd, .events = POLLIN },
    [P_TIMER] = { .fd = timer, .events = POLLIN },
    [P_OOM] = { .fd = hull_cgroup_oom_fd (oom), .events = POLLIN },
  };
  nfds_t nfds = oom ? 3 : 2;
  for (;;)
    {
      if (poll (fds, nfds, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          hull_fail_errno (err, "poll");
          goto out;
        }
      bool gone = false;
      if (oom && fds[P_OOM].revents && send_ooms (k, oom, &gone, err) < 0)
        goto out;
      if (fds[P_TIMER].revents && !gone)
        {
          uint64_t expirations;
          if (read (timer, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
            {
              hull_fail_errno (err, "read timerfd");
              goto out;
            }
          hull_cgroup_stats s;
          if (hull_cgroup_stats_read (cg, &s, err) == 0)
            {
              int r = send_event (k, "stats", &s, err);
              hull_cgroup_stats_clear (&s);
              if (r < 0)
                goto out;
            }
          else if (!hull_proc_alive (st->pid, st->pid_start_time))
            break;  /* the cgroup went with the container */
          else
            {
              /* Reported, and the next interval tries again (as runc). */
              hull_warn ("events: %s", err->msg);
              hull_error_clear (err);
            }
        }
      if (fds[P_INIT].revents)
        {
          /* The init's end may race with an OOM that killed it: report
           * what the counters already hold before leaving. */
          if (oom && !gone && send_ooms (k, oom, &gone, err) < 0)
            goto out;
          break;
        }
      if (gone)
        break;
    }
  ret = 0;
out:
  hull_cgroup_oom_close (oom);
  return ret;
}

int
hull_container_events (const hull_context *ctx, const char *id, const hull_events_opts *opts,
                       hull_event_fn emit, void *arg, hull_error *err)
{
  if (!opts->stats_only && opts->interval_ns <= 0)
    return hull_fail (err, 0, "duration interval must be greater than 0");
  hull_state *st = NULL;
  if (hull_state_load_unlocked (ctx, id, &st, err) < 0)
    return -1;
  hull_cgroup *cg = NULL;
  int ret = -1;
  if (st->status == HULL_STATUS_STOPPED)
    {
      not_running (id, err);
      goto out;
    }
  if (hull_state_cgroup (st, &cg, err) < 0)
    goto out;
  if (cg == NULL || cg->n_dirs == 0)
    {
      hull_fail (err, 0, "container %s has no cgroup (created with --cgroup-manager disabled): "
                 "no statistics or OOM notifications to report", id);
      goto out;
    }
  sink k = { st->id, emit, arg };
  if (opts->stats_only)
    {
      hull_cgroup_stats s;
      if (hull_cgroup_stats_read (cg, &s, err) == 0)
        {
          ret = send_event (&k, "stats", &s, err);
          hull_cgroup_stats_clear (&s);
        }
    }
  else
    ret = watch (&k, st, cg, opts->interval_ns, err);
out:
  if (cg)
    hull_cgroup_free (cg);
  hull_state_free (st);
  return ret;
}
