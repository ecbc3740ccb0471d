#include "config.h"
#include "linux/rootfs_internal.h"
#include "linux/safe_path.h"
#include "linux/idmap.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"
#define ATIME_FLAGS (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
#define PROPAGATION_FLAGS (MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE)

/* ---- options ---- */

static const struct
{
  const char *name;
  bool clear;
  unsigned long flag;
} mount_options[] = {
  { "defaults", false, 0 },
  { "ro", false, MS_RDONLY },
  { "rw", true, MS_RDONLY },
  { "nosuid", false, MS_NOSUID },
  { "suid", true, MS_NOSUID },
  { "nodev", false, MS_NODEV },
  { "dev", true, MS_NODEV },
  { "noexec", false, MS_NOEXEC },
  { "exec", true, MS_NOEXEC },
  { "sync", false, MS_SYNCHRONOUS },
  { "async", true, MS_SYNCHRONOUS },
  { "dirsync", false, MS_DIRSYNC },
  { "remount", false, MS_REMOUNT },
  { "mand", false, MS_MANDLOCK },
  { "nomand", true, MS_MANDLOCK },
  { "noatime", false, MS_NOATIME },
  { "atime", true, MS_NOATIME },
  { "nodiratime", false, MS_NODIRATIME },
  { "diratime", true, MS_NODIRATIME },
  { "relatime", false, MS_RELATIME },
  { "norelatime", true, MS_RELATIME },
  { "strictatime", false, MS_STRICTATIME },
  { "nostrictatime", true, MS_STRICTATIME },
  { "lazytime", false, MS_LAZYTIME },
  { "nolazytime", true, MS_LAZYTIME },
  { "nosymfollow", false, MS_NOSYMFOLLOW },
  { "symfollow", true, MS_NOSYMFOLLOW },
  { "silent", false, MS_SILENT },
  { "loud", true, MS_SILENT },
  { "bind", false, MS_BIND },
  { "rbind", false, MS_BIND | MS_REC },
};

static const struct
{
  const char *name;
  unsigned long flags;
} propagation_options[] = {
  { "private", MS_PRIVATE },
  { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },
  { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },
  { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE },
  { "runbindable", MS_UNBINDABLE | MS_REC },
};

/* Recursive variants (runc's names): set or clear a MOUNT_ATTR_* over the
   whole subtree. Atime modes are one field: any of them replaces it. */
static const struct
{
  const char *name;
  enum { REC_SET, REC_CLEAR, REC_ATIME } how;
  uint64_t attr;
} recursive_options[] = {
  { "rro", REC_SET, MOUNT_ATTR_RDONLY },
  { "rrw", REC_CLEAR, MOUNT_ATTR_RDONLY },
  { "rnosuid", REC_SET, MOUNT_ATTR_NOSUID },
  { "rsuid", REC_CLEAR, MOUNT_ATTR_NOSUID },
  { "rnodev", REC_SET, MOUNT_ATTR_NODEV },
  { "rdev", REC_CLEAR, MOUNT_ATTR_NODEV },
  { "rnoexec", REC_SET, MOUNT_ATTR_NOEXEC },
  { "rexec", REC_CLEAR, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", REC_SET, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", REC_CLEAR, MOUNT_ATTR_NODIRATIME },
  { "rnosymfollow", REC_SET, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
  /* atime: "clear" entries fall back to the kernel's default, relatime. */
  { "rrelatime", REC_ATIME, MOUNT_ATTR_RELATIME },
  { "rnorelatime", REC_ATIME, MOUNT_ATTR_STRICTATIME },
  { "rnoatime", REC_ATIME, MOUNT_ATTR_NOATIME },
  { "ratime", REC_ATIME, MOUNT_ATTR_RELATIME },
  { "rstrictatime", REC_ATIME, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", REC_ATIME, MOUNT_ATTR_RELATIME },
};

static bool
recursive_option (const char *name, hull_mount_flags *out)
{
  for (size_t i = 0; i < sizeof recursive_options / sizeof recursive_options[0]; i++)
    if (strcmp (name, recursive_options[i].name) == 0)
      {
        uint64_t attr = recursive_options[i].attr;
        if (recursive_options[i].how == REC_ATIME)
          {
            out->rec_attr_clr |= MOUNT_ATTR__ATIME;
            out->rec_attr_set = (out->rec_attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | attr;
          }
        else if (recursive_options[i].how == REC_CLEAR)
          {
            out->rec_attr_clr |= attr;
            out->rec_attr_set &= ~attr;
          }
        else
          {
            out->rec_attr_set |= attr;
            out->rec_attr_clr &= ~attr;
          }
        return true;
      }
  return false;
}

long
hull_propagation_flags (const char *value)
{
  for (size_t i = 0; i < sizeof propagation_options / sizeof propagation_options[0]; i++)
    if (strcmp (value, propagation_options[i].name) == 0)
      return (long) propagation_options[i].flags;
  return -1;
}

static int
append_data (char **data, const char *opt)
{
  size_t old = *data ? strlen (*data) : 0, add = strlen (opt);
  char *n = realloc (*data, old + add + 2);
  if (n == NULL)
    return -1;
  if (old)
    n[old++] = ',';
  memcpy (n + old, opt, add + 1);
  *data = n;
  return 0;
}

int
hull_mount_flags_parse (const hull_strv *options, hull_mount_flags *out, hull_error *err)
{
  *out = (hull_mount_flags) { 0 };
  for (size_t i = 0; i < options->n; i++)
    {
      const char *o = options->v[i];
      bool known = false;
      for (size_t j = 0; !known && j < sizeof mount_options / sizeof mount_options[0]; j++)
        if (strcmp (o, mount_options[j].name) == 0)
          {
            if (mount_options[j].clear)
              out->flags &= ~mount_options[j].flag;
            else
              out->flags |= mount_options[j].flag;
            known = true;
          }
      if (known)
        continue;
      long prop = hull_propagation_flags (o);
      if (prop >= 0)
        out->propagation = (unsigned long) prop;
      else if (recursive_option (o, out))
        ;
      else if (strcmp (o, "tmpcopyup") == 0)
        out->tmpcopyup = true;
      else if (strcmp (o, "idmap") == 0 || strcmp (o, "ridmap") == 0)
        ; /* Applied by the runtime when it builds the tree (idmap.c). */
      else if (append_data (&out->data, o) < 0)
        {
          hull_mount_flags_free (out);
          return hull_fail (err, ENOMEM, "option %s", o);
        }
    }
  return 0;
}

void
hull_mount_flags_free (hull_mount_flags *f)
{
  free (f->data);
  f->data = NULL;
}

bool
hull_mount_is_bind (const hull_mount *m)
{
  if (m->type && strcmp (m->type, "bind") == 0)
    return true;
  for (size_t i = 0; i < m->options.n; i++)
    if (strcmp (m->options.v[i], "bind") == 0 || strcmp (m->options.v[i], "rbind") == 0)
      return true;
  return false;
}

/* ---- mount(2) onto fds resolved inside the rootfs ---- */

unsigned long
hull_mount_statvfs_flags (const char *path)
{
  static const struct { unsigned long st, ms; } map[] = {
    { ST_RDONLY, MS_RDONLY },       { ST_NOSUID, MS_NOSUID },
    { ST_NODEV, MS_NODEV },         { ST_NOEXEC, MS_NOEXEC },
    { ST_NOATIME, MS_NOATIME },     { ST_NODIRATIME, MS_NODIRATIME },
    { ST_RELATIME, MS_RELATIME },   { ST_SYNCHRONOUS, MS_SYNCHRONOUS },
  };
  struct statvfs st;
  unsigned long flags = 0;
  if (statvfs (path, &st) < 0)
    return 0;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (st.f_flag & map[i].st)
      flags |= map[i].ms;
  return flags;
}

/* Opens `dest` for a mount(2) call; it must exist. */
static int
open_dest (int rootfd, const char *dest, hull_error *err)
{
  int fd = hull_safe_openat (rootfd, dest, O_PATH, 0);
  if (fd < 0)
    return hull_fail_errno (err, "open %s", dest);
  return fd;
}

/* Changes per-mount flags of the mount at dest. Flags locked by a less
   privileged user namespace (nosuid, nodev, ...) must be restated or the
   kernel refuses with EPERM: retry with what statvfs reports, like runc. */
static int
remount_bind (int rootfd, const char *dest, unsigned long flags, hull_error *err)
{
  char p[HULL_FD_PATH_MAX];
  cleanup_close int fd = open_dest (rootfd, dest, err);
  if (fd < 0)
    return -1;
  flags = (flags & ~(MS_REC | PROPAGATION_FLAGS)) | MS_BIND | MS_REMOUNT;
  /* Privileged: per-mount flags (ro, nosuid, ...) of a bind only apply on remount. */
  if (mount (NULL, hull_fd_path (p, fd), NULL, flags, NULL) == 0)
    return 0;
  if (errno == EPERM)
    {
      unsigned long locked = hull_mount_statvfs_flags (p);
      if (flags & ATIME_FLAGS)
        locked &= ~ATIME_FLAGS;
      if ((locked | flags) != flags && mount (NULL, p, NULL, flags | locked, NULL) == 0)
        return 0;
      errno = EPERM;
    }
  return hull_fail_errno (err, "remount %s%s", dest, (flags & MS_RDONLY) ? " read-only" : "");
}

int
hull_bind_onto (const char *source, int rootfd, const char *dest, unsigned long flags,
                hull_error *err)
{
  char p[HULL_FD_PATH_MAX];
  {
    cleanup_close int fd = open_dest (rootfd, dest, err);
    if (fd < 0)
      return hull_error_prefix (err, "bind mount %s on %s: ", source, dest);
    /* Privileged: bind the host path onto the destination resolved inside the rootfs. */
    if (mount (source, hull_fd_path (p, fd), NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
      return hull_fail_errno (err, "bind mount %s on %s", source, dest);
  }
  if (flags & ~(MS_BIND | MS_REC | MS_REMOUNT | PROPAGATION_FLAGS))
    return remount_bind (rootfd, dest, flags, err);
  return 0;
}

/* Mounts a filesystem on the existing dest; err->errnum says why it failed. */
static int
mount_fs_at (int rootfd, const char *dest, const char *source, const char *type,
             unsigned long flags, const char *data, hull_error *err)
{
  char p[HULL_FD_PATH_MAX];
  cleanup_close int fd = open_dest (rootfd, dest, err);
  if (fd < 0)
    return hull_error_prefix (err, "mount %s on %s: ", source, dest);
  /* Privileged: a new filesystem (proc, tmpfs, ...) for the container. */
  if (mount (source, hull_fd_path (p, fd), type, flags, data) < 0)
    return hull_fail_errno (err, "mount %s on %s", source, dest);
  return 0;
}

/* A tmpfs at dest holding a copy of what it covers (tmpcopyup). The
   covered directory is opened first: the fd still reaches it afterwards. */
static int
mount_tmpfs_copyup (int rootfd, const char *dest, const char *source, const hull_mount_flags *f,
                    hull_error *err)
{
  cleanup_close int below = hull_safe_openat (rootfd, dest, O_RDONLY | O_DIRECTORY, 0);
  if (below < 0)
    return hull_fail_errno (err, "tmpcopyup: open %s", dest);
  /* Writable while the copy is made; ro comes after. */
  if (mount_fs_at (rootfd, dest, source, "tmpfs", f->flags & ~MS_RDONLY, f->data, err) < 0)
    return -1;
  cleanup_close int top = hull_safe_openat (rootfd, dest, O_RDONLY | O_DIRECTORY, 0);
  if (top < 0)
    return hull_fail_errno (err, "tmpcopyup: open the new tmpfs on %s", dest);
  const char *d = f->data ? f->data : "";
  bool root_attrs = !strstr (d, "mode=") && !strstr (d, "uid=") && !strstr (d, "gid=");
  if (hull_copy_tree (below, top, root_attrs, err) < 0)
    return hull_error_prefix (err, "mount on %s: ", dest);
  if (f->flags & MS_RDONLY)
    return mount_fs_at (rootfd, dest, source, "tmpfs", f->flags | MS_REMOUNT, f->data, err);
  return 0;
}

static int
set_propagation (int rootfd, const char *dest, unsigned long prop, hull_error *err)
{
  char p[HULL_FD_PATH_MAX];
  cleanup_close int fd = open_dest (rootfd, dest, err);
  if (fd < 0)
    return -1;
  /* Privileged: propagation is its own mount(2) call, after the mount exists. */
  if (mount (NULL, hull_fd_path (p, fd), NULL, prop, NULL) < 0)
    return hull_fail_errno (err, "set mount propagation of %s", dest);
  return 0;
}

static int
set_recursive_attrs (int rootfd, const char *dest, const hull_mount_flags *f, hull_error *err)
{
  cleanup_close int fd = open_dest (rootfd, dest, err);
  if (fd < 0)
    return -1;
  struct mount_attr attr = { .attr_set = f->rec_attr_set, .attr_clr = f->rec_attr_clr };
  /* Privileged: r* options change every mount of the subtree, which mount(2) cannot. */
  if (mount_setattr (fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return hull_fail_errno (err, "mount on %s: recursive options (mount_setattr)", dest);
  return 0;
}

/* ---- cgroup ---- */

static bool
is_cgroup2 (const char *path)
{
  struct statfs st;
  return statfs (path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* One line of /proc/self/cgroup: "id:controllers:path". */
typedef struct
{
  char *controllers;
  char *path;
  bool unified;
} cgroup_line;

/* The directory name under /sys/fs/cgroup: the controller list without
   "name=" ("cpu,cpuacct", "systemd"), as systemd and runc name them. */
static const char *
hierarchy_dir (const cgroup_line *l)
{
  if (l->unified)
    return "unified";
  if (strncmp (l->controllers, "name=", 5) == 0)
    return l->controllers + 5;
  return l->controllers;
}

/* Binds the container's own cgroup of one host hierarchy: what runc does
   without a cgroup namespace, and the fallback when mounting is refused. */
static int
bind_own_cgroup (int rootfd, const char *dest, const char *host_dir, const char *cg_path,
                 unsigned long flags, hull_error *err)
{
  cleanup_free char *source = hull_path_join (host_dir, cg_path);
  if (source == NULL)
    return hull_fail (err, ENOMEM, "mount cgroup on %s", dest);
  return hull_bind_onto (source, rootfd, dest, (flags & ~MS_REMOUNT) | MS_BIND | MS_REC, err);
}

static int
mount_cgroup_v2 (int rootfd, const char *dest, unsigned long flags, bool cgroupns,
                 const char *host_dir, const char *cg_path, hull_error *err)
{
  if (cgroupns)
    {
      if (mount_fs_at (rootfd, dest, "cgroup2", "cgroup2", flags, NULL, err) == 0)
        return 0;
      if (err->errnum != EPERM)
        return -1;
      hull_debug ("mounting cgroup2 on %s refused, binding the host's cgroup instead", dest);
    }
  return bind_own_cgroup (rootfd, dest, host_dir, cg_path, flags, err);
}

static int
mount_cgroup_hierarchy (int rootfd, const char *dest, const cgroup_line *l, unsigned long flags,
                        bool cgroupns, hull_error *err)
{
  const char *name = hierarchy_dir (l);
  cleanup_free char *sub = hull_path_join (dest, name);
  cleanup_free char *host_dir = hull_path_join (HOST_CGROUP_ROOT, name);
  if (sub == NULL || host_dir == NULL)
    return hull_fail (err, ENOMEM, "mount cgroup on %s", dest);
  if (!cgroupns && access (host_dir, F_OK) < 0)
    {
      /* Nothing of ours to bind: the host did not mount this hierarchy. */
      hull_debug ("cgroup hierarchy %s is not mounted on the host, skipped", name);
      return 0;
    }
  cleanup_close int fd = hull_safe_mkpath (rootfd, sub, true, 0755, err);
  if (fd < 0)
    return -1;

  if (l->unified)
    return mount_cgroup_v2 (rootfd, sub, flags, cgroupns, host_dir, l->path, err);
  if (cgroupns)
    {
      /* Same controllers as the host's hierarchy: the kernel attaches to it,
         rooted at our cgroup namespace. */
      if (mount_fs_at (rootfd, sub, "cgroup", "cgroup", flags, l->controllers, err) == 0)
        return 0;
      if (err->errnum != EPERM)
        return -1;
      hull_debug ("mounting cgroup %s refused, binding the host's cgroup instead", l->controllers);
    }
  return bind_own_cgroup (rootfd, sub, host_dir, l->path, flags, err);
}

/* Co-mounted controllers get a symlink each: cpu -> cpu,cpuacct. */
static int
link_comounted (int rootfd, const char *dest, const char *dir, hull_error *err)
{
  if (strchr (dir, ',') == NULL)
    return 0;
  cleanup_close int dfd = hull_safe_openat (rootfd, dest, O_PATH | O_DIRECTORY, 0);
  if (dfd < 0)
    return hull_fail_errno (err, "open %s", dest);
  cleanup_free char *copy = strdup (dir);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "mount cgroup on %s", dest);
  char *save = NULL;
  for (char *c = strtok_r (copy, ",", &save); c; c = strtok_r (NULL, ",", &save))
    if (symlinkat (dir, dfd, c) < 0 && errno != EEXIST)
      return hull_fail_errno (err, "symlink %s/%s", dest, c);
  return 0;
}

/* Host v2-only: one cgroup2 mount. Otherwise (v1 or hybrid): a tmpfs with
   one mount per hierarchy of /proc/self/cgroup plus "unified" when the host
   has it. With a cgroup namespace these are fresh mounts; without one, or
   when the kernel refuses, binds of our own cgroup directories. */
static int
mount_cgroup (int rootfd, const hull_rootfs_opts *opts, const char *dest,
              const hull_mount_flags *f, hull_error *err)
{
  bool cgroupns = hull_spec_namespace (opts->spec, HULL_NS_CGROUP) != NULL;
  unsigned long flags = f->flags & ~MS_REMOUNT;
  cleanup_free char *self = NULL;
  if (hull_read_file ("/proc/self/cgroup", &self, NULL, err) < 0)
    return -1;

  cleanup_close int fd = hull_safe_mkpath (rootfd, dest, true, 0755, err);
  if (fd < 0)
    return -1;

  cgroup_line lines[64];
  size_t n = 0;
  char *save = NULL;
  for (char *line = strtok_r (self, "\n", &save); line && n < 64; line = strtok_r (NULL, "\n", &save))
    {
      char *c1 = strchr (line, ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c1 = *c2 = '\0';
      lines[n] = (cgroup_line) { c1 + 1, c2 + 1, strcmp (line, "0") == 0 };
      if (lines[n].unified || *lines[n].controllers != '\0')
        n++;
    }

  if (is_cgroup2 (HOST_CGROUP_ROOT))
    {
      for (size_t i = 0; i < n; i++)
        if (lines[i].unified)
          return mount_cgroup_v2 (rootfd, dest, flags, cgroupns, HOST_CGROUP_ROOT,
                                  lines[i].path, err);
      return hull_fail (err, ENOENT, "mount cgroup on %s: no cgroup2 entry in /proc/self/cgroup", dest);
    }

  /* The tmpfs stays writable until the hierarchy directories exist. */
  if (mount_fs_at (rootfd, dest, "tmpfs", "tmpfs", flags & ~MS_RDONLY, "mode=755", err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      if (lines[i].unified && !is_cgroup2 (HOST_CGROUP_ROOT "/unified"))
        continue;
      if (mount_cgroup_hierarchy (rootfd, dest, &lines[i], flags, cgroupns, err) < 0
          || link_comounted (rootfd, dest, hierarchy_dir (&lines[i]), err) < 0)
        return -1;
    }
  if (flags & MS_RDONLY)
    return remount_bind (rootfd, dest, flags, err);
  return 0;
}

/* ---- one spec mount ---- */

bool
hull_is_dev_path (const char *path)
{
  while (*path == '/')
    path++;
  if (strncmp (path, "dev", 3) != 0)
    return false;
  for (path += 3; *path == '/'; path++)
    ;
  return *path == '\0';
}

/* A new tmpfs, or anything new at /dev: later steps create files in it
   (submount points, device nodes, the copy of tmpcopyup), so "ro" waits
   for hull_mounts_finalize_readonly. */
static bool
delays_readonly (const hull_mount *m, const hull_mount_flags *f)
{
  if (hull_mount_is_bind (m) || (f->flags & MS_REMOUNT) || m->type == NULL)
    return false;
  return strcmp (m->type, "tmpfs") == 0 || hull_is_dev_path (m->destination);
}

int
hull_mounts_finalize_readonly (const hull_spec *spec, hull_error *err)
{
  cleanup_close int rootfd = -1;
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const hull_mount *m = &spec->mounts[i];
      __attribute__ ((cleanup (hull_mount_flags_free))) hull_mount_flags f = { 0 };
      if (m->destination == NULL || hull_mount_flags_parse (&m->options, &f, err) < 0)
        continue; /* Reported when it was mounted. */
      if (!(f.flags & MS_RDONLY) || !delays_readonly (m, &f))
        continue;
      /* After pivot: "/" is the container's root. */
      if (rootfd < 0 && (rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return hull_fail_errno (err, "open /");
      if (remount_bind (rootfd, m->destination, f.flags, err) < 0)
        return hull_error_prefix (err, "config.json: .mounts[%zu]: ", i);
    }
  return 0;
}

static bool
selinux_enabled (void)
{
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* linux.mountLabel goes into the data of filesystems that take a context=
   (tmpfs, devpts, mqueue, ...), not proc/sysfs/cgroup, as runc does. */
static int
add_mount_label (const hull_rootfs_opts *opts, const char *type, char **data)
{
  const hull_linux *l = opts->spec->linux_;
  if (l == NULL || l->mount_label == NULL || *l->mount_label == '\0' || !selinux_enabled ())
    return 0;
  static const char *const skip[] = { "proc", "sysfs", "cgroup", "cgroup2", "bind" };
  for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
    if (strcmp (type, skip[i]) == 0)
      return 0;
  cleanup_free char *ctx = NULL;
  if (asprintf (&ctx, "context=\"%s\"", l->mount_label) < 0)
    return -1;
  return append_data (data, ctx);
}

/* Relative bind sources are relative to the bundle, not our cwd. */
static char *
bind_source_path (const char *bundle, const char *source)
{
  if (source[0] != '/' && bundle)
    return hull_path_join (bundle, source);
  return strdup (source);
}

static size_t
mount_index (const hull_spec *spec, const hull_mount *m)
{
  uintptr_t first = (uintptr_t) spec->mounts, at = (uintptr_t) m;
  return at >= first ? (at - first) / sizeof *m : SIZE_MAX;
}

int
hull_mount_open_sources (const hull_spec *spec, const char *bundle, int **fds, hull_error *err)
{
  *fds = NULL;
  if (hull_spec_namespace (spec, HULL_NS_USER) == NULL || spec->n_mounts == 0)
    return 0;
  int *v = malloc (spec->n_mounts * sizeof *v);
  if (v == NULL)
    return hull_fail (err, ENOMEM, "mount sources");
  for (size_t i = 0; i < spec->n_mounts; i++)
    v[i] = -1;
  *fds = v;
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const hull_mount *m = &spec->mounts[i];
      __attribute__ ((cleanup (hull_mount_flags_free))) hull_mount_flags f = { 0 };
      if (!hull_mount_is_bind (m) || hull_idmap_wanted (m) || m->source == NULL
          || *m->source == '\0' || hull_mount_flags_parse (&m->options, &f, err) < 0)
        continue; /* Not a source to open, or reported by init. */
      if (f.flags & MS_REMOUNT)
        continue;
      cleanup_free char *path = bind_source_path (bundle, m->source);
      if (path == NULL)
        {
          hull_mount_close_sources (spec, fds);
          return hull_fail (err, ENOMEM, "config.json: .mounts[%zu]", i);
        }
      cleanup_close int src = open (path, O_PATH | O_CLOEXEC);
      /* A detached copy: a bind of the path itself would be refused in
         init's mount namespace (the fd's mount is ours). */
      if (src >= 0)
        v[i] = open_tree (src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH
                                   | ((f.flags & MS_REC) || !(f.flags & MS_BIND) ? AT_RECURSIVE : 0));
      if (src >= 0 && v[i] < 0 && errno == EPERM)
        continue; /* Unprivileged runtime: init resolves it, as without a user namespace. */
      if (v[i] < 0)
        {
          hull_fail_errno (err, "config.json: .mounts[%zu]: bind mount %s on %s: %s %s", i,
                           m->source, m->destination ? m->destination : "",
                           src < 0 ? "open" : "clone", path);
          hull_mount_close_sources (spec, fds);
          return -1;
        }
    }
  return 0;
}

void
hull_mount_close_sources (const hull_spec *spec, int **fds)
{
  if (*fds == NULL)
    return;
  for (size_t i = 0; i < spec->n_mounts; i++)
    hull_closep (&(*fds)[i]);
  free (*fds);
  *fds = NULL;
}

static int
mount_bind_entry (int rootfd, const hull_rootfs_opts *opts, const hull_mount *m,
                  const hull_mount_flags *f, hull_error *err)
{
  const char *dest = m->destination;
  if (m->source == NULL || *m->source == '\0')
    return hull_fail (err, EINVAL, "bind mount on %s: no source", dest);
  size_t index = mount_index (opts->spec, m);
  int tree = opts->mount_fds && index < opts->spec->n_mounts ? opts->mount_fds[index] : -1;
  cleanup_free char *source = NULL;
  struct stat st;
  if (tree >= 0)
    {
      if (fstat (tree, &st) < 0)
        return hull_fail_errno (err, "bind mount %s on %s: stat", m->source, dest);
    }
  else
    {
      source = bind_source_path (opts->bundle, m->source);
      if (source == NULL)
        return hull_fail (err, ENOMEM, "bind mount %s on %s", m->source, dest);
      if (stat (source, &st) < 0)
        return hull_fail_errno (err, "bind mount %s on %s: stat %s", m->source, dest, source);
    }

  cleanup_close int fd = hull_safe_mkpath (rootfd, dest, S_ISDIR (st.st_mode),
                                           S_ISDIR (st.st_mode) ? 0755 : 0644, err);
  if (fd < 0)
    return hull_error_prefix (err, "bind mount %s on %s: ", m->source, dest);
  if (tree < 0)
    return hull_bind_onto (source, rootfd, dest, f->flags, err);
  /* Privileged: attach the copy of the source the runtime made. */
  if (move_mount (tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_fail_errno (err, "bind mount %s on %s", m->source, dest);
  if (f->flags & ~(MS_BIND | MS_REC | MS_REMOUNT | PROPAGATION_FLAGS))
    return remount_bind (rootfd, dest, f->flags, err);
  return 0;
}

/* Attaches the tree the runtime built (idmapped, flags applied). */
static int
mount_idmapped (int rootfd, const hull_rootfs_opts *opts, const hull_mount *m, hull_error *err)
{
  const char *dest = m->destination;
  /* Trees are keyed by the entry's index in spec->mounts. */
  cleanup_close int tree = hull_idmap_take (mount_index (opts->spec, m));
  if (tree < 0)
    return hull_fail (err, EINVAL, "idmapped mount %s on %s: not prepared by the runtime",
                      m->source, dest);
  struct stat st;
  if (fstat (tree, &st) < 0)
    return hull_fail_errno (err, "idmapped mount %s on %s: stat", m->source, dest);
  cleanup_close int fd = hull_safe_mkpath (rootfd, dest, S_ISDIR (st.st_mode),
                                           S_ISDIR (st.st_mode) ? 0755 : 0644, err);
  if (fd < 0)
    return hull_error_prefix (err, "idmapped mount %s on %s: ", m->source, dest);
  /* Privileged: attach the detached idmapped tree at the destination. */
  if (move_mount (tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_fail_errno (err, "idmapped mount %s on %s", m->source, dest);
  return 0;
}

int
hull_mount_entry (int rootfd, const hull_rootfs_opts *opts, const hull_mount *m, hull_error *err)
{
  const char *dest = m->destination;
  if (dest == NULL || *dest == '\0')
    return hull_fail (err, EINVAL, "mount: no destination");

  __attribute__ ((cleanup (hull_mount_flags_free))) hull_mount_flags f = { 0 };
  if (hull_mount_flags_parse (&m->options, &f, err) < 0)
    return hull_error_prefix (err, "mount on %s: ", dest);

  bool bind = hull_mount_is_bind (m);
  /* Type "bind" without bind/rbind: recursive, as runc and crun do. */
  if (bind && !(f.flags & MS_BIND))
    f.flags |= MS_BIND | MS_REC;
  const char *type = bind ? NULL : m->type;
  const char *source = m->source && *m->source ? m->source : (type ? type : "none");
  if (delays_readonly (m, &f))
    f.flags &= ~(unsigned long) MS_RDONLY;

  int r;
  if (hull_idmap_wanted (m) && !(f.flags & MS_REMOUNT))
    r = mount_idmapped (rootfd, opts, m, err);
  else if (f.flags & MS_REMOUNT)
    {
      if (bind)
        r = remount_bind (rootfd, dest, f.flags, err);
      else
        r = mount_fs_at (rootfd, dest, source, type, f.flags, f.data, err);
    }
  else if (bind)
    r = mount_bind_entry (rootfd, opts, m, &f, err);
  else if (type == NULL || *type == '\0')
    return hull_fail (err, EINVAL, "mount %s on %s: no filesystem type", source, dest);
  else if (strcmp (type, "cgroup") == 0)
    r = mount_cgroup (rootfd, opts, dest, &f, err);
  else
    {
      cleanup_close int fd = hull_safe_mkpath (rootfd, dest, true, 0755, err);
      if (fd < 0)
        return hull_error_prefix (err, "mount %s on %s: ", source, dest);
      if (add_mount_label (opts, type, &f.data) < 0)
        return hull_fail (err, ENOMEM, "mount %s on %s", source, dest);
      if (f.tmpcopyup && strcmp (type, "tmpfs") == 0)
        r = mount_tmpfs_copyup (rootfd, dest, source, &f, err);
      else
        r = mount_fs_at (rootfd, dest, source, type, f.flags, f.data, err);
      if (r < 0 && err->errnum == EPERM && opts->in_userns && strcmp (type, "sysfs") == 0)
        {
          /* sysfs needs a network namespace owned by our user namespace;
             without one, bind the host's /sys like runc. */
          hull_debug ("mounting sysfs on %s refused, binding /sys instead", dest);
          r = hull_bind_onto ("/sys", rootfd, dest, f.flags | MS_BIND | MS_REC, err);
        }
    }
  if (r < 0)
    return -1;
  if (f.propagation && set_propagation (rootfd, dest, f.propagation, err) < 0)
    return -1;
  if ((f.rec_attr_set || f.rec_attr_clr) && set_recursive_attrs (rootfd, dest, &f, err) < 0)
    return -1;
  return 0;
}
