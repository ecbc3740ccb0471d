/* linux.sysctl: only keys the kernel namespaces, and only when the
 * container has that namespace to itself, so a config can never change
 * the host's settings. Written to the container's own /proc/sys. */
#include "config.h"
#include "linux/security.h"
#include "linux/procfs.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

typedef enum { SYSCTL_NONE, SYSCTL_IPC, SYSCTL_NET, SYSCTL_UTS } sysctl_ns;

/* The path under /proc/sys for a key, in sysctl(8)'s two spellings:
 * "net.ipv4.conf.eth0/1.forwarding" (dots separate, a slash stands for a
 * dot in a name) or "net/ipv4/ip_forward". NULL for a key that is empty
 * or has empty, "." or ".." components. */
static char *
key_to_path (const char *key)
{
  char *path = strdup (key);
  if (path == NULL)
    return NULL;
  const char *sep = strpbrk (key, "./");
  if (sep && *sep == '.')
    for (char *p = path; *p; p++)
      *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
  for (const char *c = path;;)
    {
      const char *end = strchrnul (c, '/');
      size_t n = (size_t) (end - c);
      if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
        {
          free (path);
          errno = EINVAL;
          return NULL;
        }
      if (*end == '\0')
        return path;
      c = end + 1;
    }
}

static sysctl_ns
classify (const char *path)
{
  /* The IPC limits live in struct ipc_namespace; everything else under
     kernel/ is global (see ipc/ipc_sysctl.c, ipc/mq_sysctl.c). */
  static const char *const ipc[] = {
    "kernel/msgmax", "kernel/msgmnb", "kernel/msgmni", "kernel/sem", "kernel/shmall",
    "kernel/shmmax", "kernel/shmmni", "kernel/shm_rmid_forced", NULL,
  };
  for (size_t i = 0; ipc[i]; i++)
    if (strcmp (path, ipc[i]) == 0)
      return SYSCTL_IPC;
  if (strncmp (path, "fs/mqueue/", 10) == 0)
    return SYSCTL_IPC;
  if (strncmp (path, "net/", 4) == 0)
    return SYSCTL_NET;
  if (strcmp (path, "kernel/hostname") == 0 || strcmp (path, "kernel/domainname") == 0)
    return SYSCTL_UTS;
  return SYSCTL_NONE;
}

/* The container has this namespace to itself: a new one, or (ipc, net) a
 * joined one that is not the runtime's own, as runc's validator allows
 * for net. A path that cannot be stat'ed is left to the join to report. */
static bool
owns_ns (const hull_spec *spec, hull_ns_type type, bool joined_ok)
{
  const hull_namespace *ns = hull_spec_namespace (spec, type);
  if (ns == NULL)
    return false;
  if (ns->path == NULL)
    return true;
  if (!joined_ok)
    return false;
  const char *name = type == HULL_NS_NETWORK ? "net" : hull_ns_type_name (type);
  char self[64];
  struct stat a, b;
  snprintf (self, sizeof self, "/proc/self/ns/%s", name);
  if (stat (ns->path, &a) < 0 || stat (self, &b) < 0)
    return true;
  return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

int
hull_sysctl_check (const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec->linux_;
  if (l == NULL)
    return 0;
  for (size_t i = 0; i < l->sysctl.n; i++)
    {
      const char *key = l->sysctl.items[i].key;
      cleanup_free char *path = key_to_path (key);
      if (path == NULL && errno == ENOMEM)
        return hull_fail_errno (err, "config.json: .linux.sysctl");
      if (path == NULL)
        return hull_fail (err, 0, "config.json: .linux.sysctl[\"%s\"]: not a valid sysctl name",
                          key);
      switch (classify (path))
        {
        case SYSCTL_IPC:
          if (!owns_ns (spec, HULL_NS_IPC, true))
            return hull_fail (err, 0,
                              "config.json: .linux.sysctl[\"%s\"]: needs an ipc namespace of the "
                              "container's own (it would change the host's)",
                              key);
          break;
        case SYSCTL_NET:
          if (!owns_ns (spec, HULL_NS_NETWORK, true))
            return hull_fail (err, 0,
                              "config.json: .linux.sysctl[\"%s\"]: needs a network namespace of "
                              "the container's own (it would change the host's)",
                              key);
          break;
        case SYSCTL_UTS:
          /* As for .hostname: new or joined by path, never the runtime's. */
          if (!owns_ns (spec, HULL_NS_UTS, true))
            return hull_fail (err, 0,
                              "config.json: .linux.sysctl[\"%s\"]: needs a uts namespace of the "
                              "container's own (it would change the host's)",
                              key);
          break;
        case SYSCTL_NONE:
          return hull_fail (err, 0, "config.json: .linux.sysctl[\"%s\"]: not a namespaced sysctl",
                            key);
        }
    }
  return 0;
}

/* Opens a sysctl file below /proc/sys for writing without leaving that
 * procfs: no symlinks, no mounts crossed. */
static int
open_sysctl (int sysdir, const char *path, hull_error *err)
{
  struct open_how how = {
    .flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };
  int fd = (int) syscall (SYS_openat2, sysdir, path, &how, sizeof how);
  if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
    return hull_procfs_open (sysdir, path, O_WRONLY, err);
  if (fd < 0)
    return hull_fail_errno (err, "open /proc/sys/%s", path);
  if (!hull_fd_is_procfs (fd))
    {
      close (fd);
      return hull_fail (err, EXDEV, "/proc/sys/%s is not on procfs, refusing to write it", path);
    }
  return fd;
}

int
hull_sysctl_apply (const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec->linux_;
  if (l == NULL || l->sysctl.n == 0)
    return 0;
  /* After pivot: this is the container's procfs, whose net/ and ipc
     entries are those of init's namespaces. */
  cleanup_close int sysdir = hull_procfs_open (AT_FDCWD, "/proc/sys", O_PATH | O_DIRECTORY, err);
  if (sysdir < 0)
    return hull_error_prefix (err, "config.json: .linux.sysctl: ");
  for (size_t i = 0; i < l->sysctl.n; i++)
    {
      const hull_kv *kv = &l->sysctl.items[i];
      cleanup_free char *path = key_to_path (kv->key);
      if (path == NULL)
        return hull_fail_errno (err, "config.json: .linux.sysctl[\"%s\"]", kv->key);
      cleanup_close int fd = open_sysctl (sysdir, path, err);
      if (fd < 0)
        return hull_error_prefix (err, "config.json: .linux.sysctl[\"%s\"]: ", kv->key);
      size_t len = strlen (kv->value);
      ssize_t n;
      do
        n = write (fd, kv->value, len);
      while (n < 0 && errno == EINTR);
      if (n < 0 || (size_t) n != len)
        return hull_fail (err, n < 0 ? errno : EIO,
                          "config.json: .linux.sysctl[\"%s\"]: write \"%s\" to /proc/sys/%s",
                          kv->key, kv->value, path);
    }
  return 0;
}
