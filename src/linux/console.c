#include "config.h"
#include "linux/console.h"
#include "linux/safe_path.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

/* Both /dev/ptmx and devpts's own pts/ptmx are this node. */
#define PTMX_DEV makedev (5, 2)

static int
open_root (hull_error *err)
{
  int fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "open /");
  return fd;
}

/* The container's /dev/ptmx, checked to be the multiplexer before it is
 * opened for real (opening an arbitrary device read-write can have effects)
 * and again after (the name may have been swapped in between). */
static int
open_ptmx (int root, hull_error *err)
{
  struct stat st, st2;
  {
    cleanup_close int probe = hull_safe_openat (root, "/dev/ptmx", O_PATH, 0);
    if (probe < 0)
      return hull_fail_errno (err, "open /dev/ptmx in the container%s",
                              errno == ENOENT ? " (is devpts mounted on /dev/pts?)" : "");
    if (fstat (probe, &st) < 0)
      return hull_fail_errno (err, "stat /dev/ptmx");
  }
  if (!S_ISCHR (st.st_mode) || st.st_rdev != PTMX_DEV)
    return hull_fail (err, 0, "/dev/ptmx in the container is not the pty multiplexer "
                      "(char 5:2)");
  cleanup_close int fd = hull_safe_openat (root, "/dev/ptmx", O_RDWR | O_NOCTTY, 0);
  if (fd < 0)
    return hull_fail_errno (err, "open /dev/ptmx in the container");
  if (fstat (fd, &st2) < 0)
    return hull_fail_errno (err, "stat /dev/ptmx");
  if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
    return hull_fail (err, EAGAIN, "/dev/ptmx in the container changed while being opened");
  return steal_fd (fd);
}

/* An fd above 2: when our caller ran with stdio closed, a new fd can land
 * on 0-2, where hull_pty_become_stdio would overwrite it. */
static int
above_stdio (int fd)
{
  if (fd < 0 || fd > 2)
    return fd;
  int moved = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  int saved = errno;
  close (fd);
  errno = saved;
  return moved;
}

void
hull_pty_close (hull_pty *pty)
{
  hull_closep (&pty->master);
  hull_closep (&pty->slave);
}

int
hull_pty_open (const hull_process *proc, hull_pty *pty, hull_error *err)
{
  pty->master = pty->slave = -1;
  pty->index = 0;
  cleanup_close int root = open_root (err);
  if (root < 0)
    return -1;
  pty->master = open_ptmx (root, err);
  if (pty->master < 0)
    return -1;
  if ((pty->master = above_stdio (pty->master)) < 0)
    return hull_fail_errno (err, "/dev/ptmx: dup");

  int unlock = 0;
  if (ioctl (pty->master, TIOCGPTN, &pty->index) < 0)
    {
      hull_fail_errno (err, "/dev/ptmx in the container: TIOCGPTN");
      goto fail;
    }
  if (ioctl (pty->master, TIOCSPTLCK, &unlock) < 0)
    {
      hull_fail_errno (err, "unlock /dev/pts/%u", pty->index);
      goto fail;
    }
  /* The peer of this very master: no lookup of /dev/pts/N by name. */
  pty->slave = above_stdio (ioctl (pty->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (pty->slave < 0)
    {
      hull_fail_errno (err, "open /dev/pts/%u (TIOCGPTPEER)", pty->index);
      goto fail;
    }
  if (proc->console_height.set && proc->console_width.set)
    {
      struct winsize ws = {
        .ws_row = (unsigned short) proc->console_height.v,
        .ws_col = (unsigned short) proc->console_width.v,
      };
      if (ioctl (pty->master, TIOCSWINSZ, &ws) < 0)
        {
          hull_fail_errno (err, "process.consoleSize: TIOCSWINSZ");
          goto fail;
        }
    }
  /* Privileged: CAP_CHOWN hands the terminal to the process's user. As
   * runc: an unmapped owner (EINVAL, EPERM) or a read-only devpts (EROFS)
   * leaves the terminal as it is rather than failing. */
  if (fchown (pty->slave, proc->user.uid, (gid_t) -1) < 0 && errno != EINVAL
      && errno != EPERM && errno != EROFS)
    {
      hull_fail_errno (err, "chown /dev/pts/%u to uid %u", pty->index,
                       (unsigned) proc->user.uid);
      goto fail;
    }
  return 0;

fail:
  hull_pty_close (pty);
  return -1;
}

/* /dev/console as an O_PATH fd, created as an empty file when missing; its
 * last component is never followed. */
static int
open_console_target (int root, hull_error *err)
{
  int fd = hull_safe_openat (root, "/dev/console", O_PATH | O_NOFOLLOW, 0);
  if (fd < 0 && errno == ENOENT)
    {
      cleanup_close int dev = hull_safe_openat (root, "/dev", O_PATH | O_DIRECTORY, 0);
      if (dev < 0)
        return hull_fail_errno (err, "open /dev in the container");
      /* 0666 exactly, as runc: the umask must not narrow it. */
      mode_t old = umask (0);
      int c = openat (dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
      int saved = errno;
      umask (old);
      if (c < 0 && saved != EEXIST)
        return hull_fail (err, saved, "create /dev/console");
      if (c >= 0)
        close (c);
      fd = hull_safe_openat (root, "/dev/console", O_PATH | O_NOFOLLOW, 0);
    }
  if (fd < 0)
    return hull_fail_errno (err, "open /dev/console");
  struct stat st;
  if (fstat (fd, &st) < 0)
    {
      hull_fail_errno (err, "stat /dev/console");
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode) && !S_ISCHR (st.st_mode))
    {
      close (fd);
      return hull_fail (err, 0, "/dev/console in the container is %s, refusing to "
                        "mount the terminal over it",
                        S_ISLNK (st.st_mode) ? "a symlink" : "not a file or device");
    }
  return fd;
}

int
hull_console_mount (const hull_pty *pty, hull_error *err)
{
  cleanup_close int root = open_root (err);
  if (root < 0)
    return -1;
  cleanup_close int target = open_console_target (root, err);
  if (target < 0)
    return -1;
  /* fd-based: neither name is looked up again, and no /proc is needed. */
  cleanup_close int tree = open_tree (pty->slave, "",
                                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return hull_fail_errno (err, "bind /dev/pts/%u on /dev/console: open_tree", pty->index);
  /* Privileged: the container's console is its terminal, as in runc. */
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hull_fail_errno (err, "bind /dev/pts/%u on /dev/console: move_mount", pty->index);
  return 0;
}

int
hull_pty_become_stdio (hull_pty *pty, hull_error *err)
{
  for (int fd = 0; fd <= 2; fd++)
    {
      /* dup2 onto itself would keep close-on-exec. */
      if (fd == pty->slave ? fcntl (fd, F_SETFD, 0) < 0 : dup2 (pty->slave, fd) < 0)
        return hull_fail_errno (err, "make /dev/pts/%u fd %d", pty->index, fd);
    }
  if (pty->slave > 2)
    close (pty->slave);
  pty->slave = -1;
  /* We lead a session without a terminal (setsid): it becomes ours. */
  if (ioctl (0, TIOCSCTTY, 0) < 0)
    return hull_fail_errno (err, "make /dev/pts/%u the controlling terminal (TIOCSCTTY)",
                            pty->index);
  return 0;
}

int
hull_console_setup (const hull_process *proc, int *master, hull_error *err)
{
  hull_pty pty;
  if (hull_pty_open (proc, &pty, err) < 0)
    return hull_error_prefix (err, "process.terminal: ");
  if (hull_console_mount (&pty, err) < 0 || hull_pty_become_stdio (&pty, err) < 0)
    {
      hull_pty_close (&pty);
      return hull_error_prefix (err, "process.terminal: ");
    }
  *master = steal_fd (pty.master);
  return 0;
}
