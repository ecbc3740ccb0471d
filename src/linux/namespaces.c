#include "config.h"
#include "linux/namespaces.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>

static const int clone_flag[HULL_NS_COUNT] = {
  [HULL_NS_PID] = CLONE_NEWPID,     [HULL_NS_NETWORK] = CLONE_NEWNET,
  [HULL_NS_MOUNT] = CLONE_NEWNS,    [HULL_NS_IPC] = CLONE_NEWIPC,
  [HULL_NS_UTS] = CLONE_NEWUTS,     [HULL_NS_USER] = CLONE_NEWUSER,
  [HULL_NS_CGROUP] = CLONE_NEWCGROUP, [HULL_NS_TIME] = CLONE_NEWTIME,
};

static bool
has_time_offsets (const hull_spec *spec)
{
  return spec->linux_
         && (spec->linux_->time_monotonic.set || spec->linux_->time_boottime.set);
}

static bool
creates (const hull_spec *spec, hull_ns_type type)
{
  const hull_namespace *ns = hull_spec_namespace (spec, type);
  return ns != NULL && ns->path == NULL;
}

bool
hull_ns_new_userns (const hull_spec *spec)
{
  return creates (spec, HULL_NS_USER);
}

bool
hull_ns_cgroupns_late (const hull_spec *spec, bool cgroupns_at_clone)
{
  return creates (spec, HULL_NS_CGROUP) && !cgroupns_at_clone;
}

uint64_t
hull_ns_clone_flags (const hull_spec *spec, bool cgroupns_at_clone)
{
  uint64_t flags = 0;
  for (int t = 0; t < HULL_NS_COUNT; t++)
    if (creates (spec, t))
      flags |= (uint64_t) clone_flag[t];
  /* Offsets can only be written before a process enters the namespace. */
  if (has_time_offsets (spec))
    flags &= ~(uint64_t) CLONE_NEWTIME;
  /* The cgroup namespace root is the cgroup at creation time: on v1 the
   * child is moved after clone, so it unshares once it is in place. */
  if (!cgroupns_at_clone)
    flags &= ~(uint64_t) CLONE_NEWCGROUP;
  /* Joining a user namespace by path: init joins it, then creates the
   * other namespaces inside it is not possible with clone3 flags owned by
   * our user namespace; they are created by clone3 in ours. */
  return flags;
}

int
hull_ns_open_paths (const hull_spec *spec, int fds[HULL_NS_COUNT], hull_error *err)
{
  for (int t = 0; t < HULL_NS_COUNT; t++)
    fds[t] = -1;
  if (spec->linux_ == NULL)
    return 0;
  for (size_t i = 0; i < spec->linux_->n_namespaces; i++)
    {
      const hull_namespace *ns = &spec->linux_->namespaces[i];
      if (ns->path == NULL)
        continue;
      int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          int saved = errno;
          hull_ns_close_paths (fds);
          return hull_fail (err, saved, "config.json: .linux.namespaces[%zu].path: open %s", i,
                            ns->path);
        }
      fds[ns->type] = fd;
      int actual = ioctl (fd, NS_GET_NSTYPE);
      if (actual != clone_flag[ns->type])
        {
          const char *what = NULL;
          for (int t = 0; t < HULL_NS_COUNT && actual >= 0; t++)
            if (clone_flag[t] == actual)
              what = hull_ns_type_name (t);
          hull_ns_close_paths (fds);
          if (what == NULL)
            return hull_fail (err, 0, "config.json: .linux.namespaces[%zu].path: %s is not a namespace",
                              i, ns->path);
          return hull_fail (err, 0,
                            "config.json: .linux.namespaces[%zu].path: %s is a %s namespace, not "
                            "a %s one",
                            i, ns->path, what, hull_ns_type_name (ns->type));
        }
    }
  return 0;
}

void
hull_ns_close_paths (int fds[HULL_NS_COUNT])
{
  for (int t = 0; t < HULL_NS_COUNT; t++)
    hull_closep (&fds[t]);
}

int
hull_ns_enter_pid_for_children (int pidns_fd, int *saved, hull_error *err)
{
  *saved = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (*saved < 0)
    return hull_fail_errno (err, "open /proc/self/ns/pid");
  if (setns (pidns_fd, CLONE_NEWPID) < 0)
    return hull_fail_errno (err, "setns into the pid namespace");
  return 0;
}

int
hull_ns_join (const hull_spec *spec, int fds[HULL_NS_COUNT], hull_error *err)
{
  /* The user namespace first: it grants the capabilities for the rest. */
  static const hull_ns_type order[] = { HULL_NS_USER, HULL_NS_MOUNT, HULL_NS_NETWORK,
                                        HULL_NS_IPC, HULL_NS_UTS, HULL_NS_CGROUP, HULL_NS_TIME };
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    {
      hull_ns_type t = order[i];
      if (fds[t] < 0)
        continue;
      if (setns (fds[t], clone_flag[t]) < 0)
        return hull_fail_errno (err, "setns into the %s namespace %s", hull_ns_type_name (t),
                                hull_spec_namespace (spec, t)->path);
      hull_closep (&fds[t]);
    }
  return 0;
}

int
hull_ns_setup_time (const hull_spec *spec, hull_error *err)
{
  if (!has_time_offsets (spec) || !creates (spec, HULL_NS_TIME))
    return 0;
  if (unshare (CLONE_NEWTIME) < 0)
    return hull_fail_errno (err, "unshare the time namespace");
  char buf[128];
  int len = 0;
  const hull_time_offset *mono = &spec->linux_->time_monotonic;
  const hull_time_offset *boot = &spec->linux_->time_boottime;
  if (mono->set)
    len += snprintf (buf + len, sizeof buf - len, "monotonic %lld %u\n", (long long) mono->secs,
                     mono->nanosecs);
  if (boot->set)
    len += snprintf (buf + len, sizeof buf - len, "boottime %lld %u\n", (long long) boot->secs,
                     boot->nanosecs);
  /* Each clock is written on its own: the kernel takes one line per write. */
  char *line = buf;
  while (*line)
    {
      char *nl = strchr (line, '\n');
      if (hull_write_file ("/proc/self/timens_offsets", line, (size_t) (nl - line + 1), err) < 0)
        return hull_error_prefix (err, "linux.timeOffsets: ");
      line = nl + 1;
    }
  cleanup_close int fd = open ("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "open /proc/self/ns/time_for_children");
  if (setns (fd, CLONE_NEWTIME) < 0)
    return hull_fail_errno (err, "setns into the new time namespace");
  return 0;
}

static int
write_map (pid_t pid, const char *file, const hull_id_mapping *m, size_t n, hull_error *err)
{
  char path[64], buf[4096];
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    {
      int w = snprintf (buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                        m[i].size);
      if (w < 0 || (size_t) w >= sizeof buf - len)
        return hull_fail (err, E2BIG, "%s: too many mappings", file);
      len += (size_t) w;
    }
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, file);
  return hull_write_file (path, buf, len, err);
}

int
hull_ns_write_id_maps (pid_t pid, const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec->linux_;
  if (write_map (pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
    return hull_error_prefix (err, "linux.uidMappings: ");
  if (write_map (pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err) < 0)
    return hull_error_prefix (err, "linux.gidMappings: ");
  return 0;
}
