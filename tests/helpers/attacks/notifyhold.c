/* notifyhold SOCKET HELDFILE: a seccomp notify agent that freezes a
 * runtime's exec'd process in its last steps before execve, so a test can
 * attack it there.
 *
 * Listens on SOCKET (bound under SOCKET.tmp and renamed: its existence
 * means ready) and serves each connection (runtime process state + notify
 * fd, SCM_RIGHTS) in a child of its own. The first connection (the
 * container's init, at create) gets SECCOMP_USER_NOTIF_FLAG_CONTINUE for
 * every notification, and so does every connection after the second. On
 * the second (the first exec), the first notification is never answered: the pid it names (in our pid namespace) is written to
 * HELDFILE (atomically) and the calling thread stays blocked in that
 * syscall until we are killed. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/seccomp.h>

static int
die (const char *what)
{
  fprintf (stderr, "notifyhold: %s: %s\n", what, strerror (errno));
  return 1;
}

static int
serve (int c, int hold, const char *held)
{
  static char buf[65536];
  union {
    char b[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = u.b, .msg_controllen = sizeof u.b };
  ssize_t len = recvmsg (c, &msg, MSG_CMSG_CLOEXEC);
  if (len < 0)
    return die ("recvmsg");
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    {
      errno = EPROTO;
      return die ("no fd received");
    }
  int fd;
  memcpy (&fd, CMSG_DATA (cm), sizeof fd);

  struct seccomp_notif_sizes sz;
  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
    return die ("SECCOMP_GET_NOTIF_SIZES");
  struct seccomp_notif *req = calloc (1, sz.seccomp_notif);
  struct seccomp_notif_resp *resp = calloc (1, sz.seccomp_notif_resp);
  if (req == NULL || resp == NULL)
    return die ("calloc");
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (poll (&p, 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return die ("poll");
        }
      if (p.revents & POLLHUP)
        return 0;
      memset (req, 0, sz.seccomp_notif);
      if (ioctl (fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        {
          if (errno == EINTR || errno == ENOENT)
            continue;
          return die ("SECCOMP_IOCTL_NOTIF_RECV");
        }
      if (hold)
        {
          char tmp[4096];
          snprintf (tmp, sizeof tmp, "%s.json", held);
          FILE *j = fopen (tmp, "w");
          if (j == NULL || fwrite (buf, 1, (size_t) len, j) != (size_t) len || fclose (j) != 0)
            return die ("write HELDFILE.json");
          snprintf (tmp, sizeof tmp, "%s.tmp", held);
          FILE *f = fopen (tmp, "w");
          if (f == NULL || fprintf (f, "%u\n", req->pid) < 0 || fclose (f) != 0
              || rename (tmp, held) < 0)
            return die ("write HELDFILE");
          for (;;)
            pause ();
        }
      memset (resp, 0, sz.seccomp_notif_resp);
      resp->id = req->id;
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      if (ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
        return die ("SECCOMP_IOCTL_NOTIF_SEND");
    }
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: notifyhold SOCKET HELDFILE\n");
      return 2;
    }
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char tmp[sizeof addr.sun_path];
  if (snprintf (tmp, sizeof tmp, "%s.tmp", argv[1]) >= (int) sizeof tmp)
    return die ("socket path too long");
  memcpy (addr.sun_path, tmp, sizeof tmp);
  int lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind (lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (lfd, 8) < 0)
    return die ("listen");
  if (rename (tmp, argv[1]) < 0)
    return die ("rename");
  /* Children are reaped by the kernel: nobody waits for them. */
  signal (SIGCHLD, SIG_IGN);
  for (int n = 0;; n++)
    {
      int c = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
      if (c < 0)
        {
          if (errno == EINTR)
            continue;
          return die ("accept");
        }
      pid_t pid = fork ();
      if (pid == 0)
        _exit (serve (c, n == 1, argv[2]));
      close (c);
    }
}
