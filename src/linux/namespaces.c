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
#include <sys/prctl.h>
#include <unistd.h>
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

static int write_own_maps (const hull_spec *spec, hull_error *err);

/* Set in the runtime before clone3, so init inherits it: whether init
   writes its own id maps (the runtime is unprivileged). */
static bool maps_by_init;

int
hull_ns_open_paths (const hull_spec *spec, int fds[HULL_NS_COUNT], hull_error *err)
{
  maps_by_init = creates (spec, HULL_NS_USER) && geteuid () != 0;
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
  static const hull_ns_type order[] = { HULL_NS_USER, HULL_NS_NETWORK,
                                        HULL_NS_IPC, HULL_NS_UTS, HULL_NS_CGROUP, HULL_NS_TIME };
  if (maps_by_init && write_own_maps (spec, err) < 0)
    return -1;
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
  /* Rootless: our non-dumpable /proc files are the host root's, see
     write_own_maps; be dumpable for the writes. */
  int was = maps_by_init ? prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) : 1;
  if (was == 0 && prctl (PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    return hull_fail_errno (err, "prctl PR_SET_DUMPABLE");
  /* Each clock is written on its own: the kernel takes one line per write. */
  int r = 0;
  for (char *line = buf; *line && r == 0;)
    {
      char *nl = strchr (line, '\n');
      r = hull_write_file ("/proc/self/timens_offsets", line, (size_t) (nl - line + 1), err);
      line = nl + 1;
    }
  if (was == 0 && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 && r == 0)
    r = hull_fail_errno (err, "prctl PR_SET_DUMPABLE");
  if (r < 0)
    return hull_error_prefix (err, "linux.timeOffsets: ");
  cleanup_close int fd = open ("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "open /proc/self/ns/time_for_children");
  if (setns (fd, CLONE_NEWTIME) < 0)
    return hull_fail_errno (err, "setns into the new time namespace");
  return 0;
}

/* Writes DIR/FILE (uid_map, gid_map) from the mappings; DIR is /proc/PID
   or /proc/self. */
static int
write_map_in (const char *dir, const char *file, const hull_id_mapping *m, size_t n,
              hull_error *err)
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
  snprintf (path, sizeof path, "%s/%s", dir, file);
  return hull_write_file (path, buf, len, err);
}

int
hull_ns_write_map (pid_t pid, const char *file, const hull_id_mapping *m, size_t n,
                   hull_error *err)
{
  char dir[32];
  snprintf (dir, sizeof dir, "/proc/%d", (int) pid);
  return write_map_in (dir, file, m, n, err);
}

static int
write_id_maps_in (const char *dir, const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec->linux_;
  if (write_map_in (dir, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
    return hull_error_prefix (err, "linux.uidMappings: ");
  if (write_map_in (dir, "gid_map", l->gid_mappings, l->n_gid_mappings, err) < 0)
    return hull_error_prefix (err, "linux.gidMappings: ");
  return 0;
}

/* The kernel lets an unprivileged writer map exactly one id: its own. Say
   so up front rather than relaying a bare EPERM from the map write. */
static int
check_unprivileged_map (const char *field, const hull_id_mapping *m, size_t n, unsigned own,
                        hull_error *err)
{
  if (n == 1 && m[0].host_id == own && m[0].size == 1)
    return 0;
  return hull_fail (err, EPERM,
                    "%s: an unprivileged runtime can only map its own id %u (size 1); "
                    "more needs newuidmap/newgidmap, which hull does not use",
                    field, own);
}

int
hull_ns_write_id_maps (pid_t pid, const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec->linux_;
  if (geteuid () != 0)
    {
      /* Init writes them itself (write_own_maps): check what it will write. */
      if (check_unprivileged_map ("linux.uidMappings", l->uid_mappings, l->n_uid_mappings,
                                  (unsigned) geteuid (), err) < 0)
        return -1;
      return check_unprivileged_map ("linux.gidMappings", l->gid_mappings, l->n_gid_mappings,
                                     (unsigned) getegid (), err);
    }
  char dir[32];
  snprintf (dir, sizeof dir, "/proc/%d", (int) pid);
  return write_id_maps_in (dir, spec, err);
}

/* Rootless: init maps its own new user namespace. An unprivileged runtime
   cannot: init turns non-dumpable as soon as it starts, which hands its
   /proc files to the host's root. The kernel lets the namespace's owner
   map its own id from inside, with setgroups denied first (required for
   an unprivileged gid_map write, user_namespaces(7)); /proc/self is ours
   again while we are dumpable, so be so briefly. */
static int
write_own_maps (const hull_spec *spec, hull_error *err)
{
  int was = prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
  if (was != 1 && prctl (PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    return hull_fail_errno (err, "prctl PR_SET_DUMPABLE");
  int r = hull_write_file ("/proc/self/setgroups", "deny", 4, err);
  if (r == 0)
    r = write_id_maps_in ("/proc/self", spec, err);
  if (was == 0 && prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 && r == 0)
    r = hull_fail_errno (err, "prctl PR_SET_DUMPABLE");
  return r;
}
