/* Idmapped bind mounts: built by the runtime, attached by init. The design
 * (why the runtime and not init, how the trees reach init) is in idmap.h. */
#include "config.h"
#include "linux/idmap.h"
#include "linux/namespaces.h"
#include "linux/rootfs_internal.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

static bool
has_option (const hull_mount *m, const char *opt)
{
  for (size_t i = 0; i < m->options.n; i++)
    if (strcmp (m->options.v[i], opt) == 0)
      return true;
  return false;
}

bool
hull_idmap_wanted (const hull_mount *m)
{
  return m->n_uid_mappings || m->n_gid_mappings || has_option (m, "idmap")
         || has_option (m, "ridmap");
}

/* ---- runtime side ---- */

/* A user namespace with the given maps, as an fd. The kernel hands one out
   only through a process inside it: fork a child into a new one that just
   waits, write its maps from here (host root may map anything), open its
   ns file, then kill it. The namespace lives on through the fd. */
static int
userns_with_maps (const hull_id_mapping *uid, size_t nu, const hull_id_mapping *gid, size_t ng,
                  hull_error *err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return hull_fail_errno (err, "pipe");
  cleanup_close int rd = p[0];
  cleanup_close int wr = p[1];
  struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
  pid_t pid = (pid_t) syscall (SYS_clone3, &ca, sizeof ca);
  if (pid < 0)
    return hull_fail_errno (err, "clone3 a user namespace");
  if (pid == 0)
    {
      char c;
      close (wr);
      /* Returns at EOF if the runtime dies before killing us. */
      if (read (rd, &c, 1) < 0)
        _exit (1);
      _exit (0);
    }
  hull_closep (&rd);
  int fd = -1;
  if (hull_ns_write_map (pid, "uid_map", uid, nu, err) == 0
      && hull_ns_write_map (pid, "gid_map", gid, ng, err) == 0)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/user", (int) pid);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        hull_fail_errno (err, "open %s", path);
    }
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return fd;
}

/* The user namespace whose mapping the mount gets: its own mappings, else
   (idmap/ridmap alone) the container's, as runc does. */
static int
mount_userns (const hull_spec *spec, const hull_mount *m, hull_error *err)
{
  if (m->n_uid_mappings || m->n_gid_mappings)
    {
      if (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)
        return hull_fail (err, EINVAL, "uidMappings and gidMappings must both be given");
      return userns_with_maps (m->uid_mappings, m->n_uid_mappings, m->gid_mappings,
                               m->n_gid_mappings, err);
    }
  const hull_namespace *ns = hull_spec_namespace (spec, HULL_NS_USER);
  if (ns == NULL)
    return hull_fail (err, EINVAL,
                      "option idmap without uidMappings/gidMappings needs a user namespace");
  if (ns->path == NULL)
    {
      /* Same maps as the container's namespace, which does not exist yet:
         the kernel translates by the maps alone, so a twin does. */
      const hull_linux *l = spec->linux_;
      return userns_with_maps (l->uid_mappings, l->n_uid_mappings, l->gid_mappings,
                               l->n_gid_mappings, err);
    }
  int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "open %s", ns->path);
  return fd;
}

/* Per-mount flags as mount_setattr(2) attributes. */
static void
flags_to_attr (unsigned long flags, struct mount_attr *a)
{
  static const struct { unsigned long ms; uint64_t attr; } map[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY },         { MS_NOSUID, MOUNT_ATTR_NOSUID },
    { MS_NODEV, MOUNT_ATTR_NODEV },           { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
    { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (flags & map[i].ms)
      a->attr_set |= map[i].attr;
  /* The atime modes are one field: clear it to set one. */
  if (flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
    {
      a->attr_clr |= MOUNT_ATTR__ATIME;
      if (flags & MS_NOATIME)
        a->attr_set |= MOUNT_ATTR_NOATIME;
      else if (flags & MS_STRICTATIME)
        a->attr_set |= MOUNT_ATTR_STRICTATIME;
      else
        a->attr_set |= MOUNT_ATTR_RELATIME;
    }
}

/* A detached, idmapped copy of the mount's source with its flags applied:
   init has nothing left to do but attach it. */
static int
idmapped_tree (const hull_spec *spec, const hull_mount *m, hull_error *err)
{
  if (!hull_mount_is_bind (m))
    return hull_fail (err, EINVAL, "only bind mounts can be idmapped");
  /* The bundle (for relative sources) is not known here. */
  if (m->source == NULL || m->source[0] != '/')
    return hull_fail (err, EINVAL, "the source of an idmapped mount must be an absolute path");

  __attribute__ ((cleanup (hull_mount_flags_free))) hull_mount_flags f;
  if (hull_mount_flags_parse (&m->options, &f, err) < 0)
    return -1;
  /* Type "bind" without bind/rbind is recursive, as in mounts.c. */
  if (!(f.flags & MS_BIND))
    f.flags |= MS_BIND | MS_REC;
  bool ridmap = has_option (m, "ridmap");

  cleanup_close int userns = mount_userns (spec, m, err);
  if (userns < 0)
    return -1;
  unsigned int clone_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if ((f.flags & MS_REC) || ridmap)
    clone_flags |= AT_RECURSIVE;
  cleanup_close int tree = open_tree (AT_FDCWD, m->source, clone_flags);
  if (tree < 0)
    return hull_fail_errno (err, "open_tree %s", m->source);

  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns };
  if (mount_setattr (tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return hull_fail_errno (err, "idmap %s%s", m->source,
                            errno == EINVAL ? " (does its filesystem support idmapped mounts?)"
                                            : "");
  /* Like the remount of a plain bind: the top mount only. */
  struct mount_attr flags = { 0 };
  flags_to_attr (f.flags, &flags);
  if ((flags.attr_set || flags.attr_clr)
      && mount_setattr (tree, "", AT_EMPTY_PATH, &flags, sizeof flags) < 0)
    return hull_fail_errno (err, "set the flags of %s", m->source);
  int ret = tree;
  tree = -1;
  return ret;
}

static int
send_tree (int sock, uint32_t index, int tree, hull_error *err)
{
  union { struct cmsghdr h; char buf[CMSG_SPACE (sizeof (int))]; } c;
  memset (&c, 0, sizeof c);
  struct iovec iov = { .iov_base = &index, .iov_len = sizeof index };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = c.buf, .msg_controllen = sizeof c.buf };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &tree, sizeof tree);
  /* Nobody reads until init runs: fail rather than block on a full queue. */
  while (sendmsg (sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    if (errno != EINTR)
      return hull_fail_errno (err, "queue an idmapped mount for init");
  return 0;
}

int
hull_idmap_prepare (const hull_spec *spec, int *carrier, hull_error *err)
{
  *carrier = -1;
  cleanup_close int rx = -1;
  cleanup_close int tx = -1;
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      const hull_mount *m = &spec->mounts[i];
      if (!hull_idmap_wanted (m))
        continue;
      if (geteuid () != 0)
        return hull_fail (err, EPERM,
                          "config.json: .mounts[%zu] (%s): idmapped mounts need a privileged "
                          "runtime (CAP_SYS_ADMIN over the source's filesystem)",
                          i, m->destination);
      if (rx < 0)
        {
          int sv[2];
          if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
            return hull_fail_errno (err, "socketpair");
          rx = sv[0];
          tx = sv[1];
          /* The queue holds every tree until init runs: room for
             thousands rather than the default's couple of hundred. */
          int size = 8 << 20;
          setsockopt (tx, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
        }
      cleanup_close int tree = idmapped_tree (spec, m, err);
      if (tree < 0 || send_tree (tx, (uint32_t) i, tree, err) < 0)
        return hull_error_prefix (err, "config.json: .mounts[%zu] (%s): ", i, m->destination);
    }
  /* Closing tx now makes init's reads end at EOF; the queued trees stay. */
  *carrier = rx;
  rx = -1;
  return 0;
}

/* ---- init side ---- */

static int *trees;
static size_t n_trees;

int
hull_idmap_receive (const hull_spec *spec, int carrier, hull_error *err)
{
  n_trees = spec->n_mounts;
  trees = malloc ((n_trees ? n_trees : 1) * sizeof *trees);
  if (trees == NULL)
    return hull_fail (err, ENOMEM, "idmapped mounts");
  for (size_t i = 0; i < n_trees; i++)
    trees[i] = -1;
  for (;;)
    {
      uint32_t index;
      union { struct cmsghdr h; char buf[CMSG_SPACE (sizeof (int))]; } c;
      struct iovec iov = { .iov_base = &index, .iov_len = sizeof index };
      struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                            .msg_control = c.buf, .msg_controllen = sizeof c.buf };
      ssize_t n = recvmsg (carrier, &msg, MSG_CMSG_CLOEXEC);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hull_fail_errno (err, "receive the idmapped mounts");
      if (n == 0)
        return 0;
      struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
      int fd = -1;
      if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
        memcpy (&fd, CMSG_DATA (cm), sizeof fd);
      if (fd < 0 || n != sizeof index || index >= n_trees || trees[index] >= 0)
        {
          hull_closep (&fd);
          return hull_fail (err, EPROTO, "receive the idmapped mounts: bad message");
        }
      trees[index] = fd;
    }
}

int
hull_idmap_take (size_t index)
{
  if (index >= n_trees)
    return -1;
  int fd = trees[index];
  trees[index] = -1;
  return fd;
}

/* ---- features ---- */

bool
hull_idmap_supported (void)
{
  /* The kernel checks the attribute before the fd: with MOUNT_ATTR_IDMAP
     known, a closed userns fd gives EBADF; unknown gives EINVAL, no
     mount_setattr ENOSYS, and no privilege (rootless) EPERM. */
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = INT_MAX };
  if (geteuid () != 0)
    return false;
  return mount_setattr (-1, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0 && errno == EBADF;
}
