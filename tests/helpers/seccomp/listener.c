/* A tiny seccomp notify agent for seccomp.bats (built by the test, not by
 * automake):
 *
 *   listener SOCKET STATEFILE ERRNO
 *
 * Listens on the unix socket SOCKET (created under a temporary name and
 * renamed once listening, so its existence means "ready"), accepts one
 * connection, receives the runtime's ContainerProcessState JSON plus the
 * notify fd (SCM_RIGHTS), writes the JSON to STATEFILE (atomically) and
 * then answers notifications: mkdir/mkdirat fail with ERRNO, anything else
 * continues. Appends the name of each handled syscall to STATEFILE.log.
 * Exits when the filter has no task left. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
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
  fprintf (stderr, "listener: %s: %s\n", what, strerror (errno));
  return 1;
}

static int
is_mkdir (int nr)
{
#ifdef SYS_mkdir
  if (nr == SYS_mkdir)
    return 1;
#endif
  return nr == SYS_mkdirat;
}

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: listener SOCKET STATEFILE ERRNO\n");
      return 2;
    }
  const char *sock = argv[1], *state = argv[2];
  int err_ret = atoi (argv[3]);
  char tmp[sizeof ((struct sockaddr_un *) 0)->sun_path];
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (snprintf (tmp, sizeof tmp, "%s.tmp", sock) >= (int) sizeof tmp)
    return die ("socket path too long");
  memcpy (addr.sun_path, tmp, sizeof tmp);

  int lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind (lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (lfd, 1) < 0)
    return die ("listen");
  if (rename (tmp, sock) < 0)
    return die ("rename");
  int c = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  if (c < 0)
    return die ("accept");

  static char buf[65536];
  union {
    char b[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = u.b, .msg_controllen = sizeof u.b };
  ssize_t n = recvmsg (c, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0)
    return die ("recvmsg");
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    {
      errno = EPROTO;
      return die ("no fd received");
    }
  int fd;
  memcpy (&fd, CMSG_DATA (cm), sizeof fd);

  char path[4096];
  snprintf (path, sizeof path, "%s.tmp", state);
  FILE *f = fopen (path, "w");
  if (f == NULL || fwrite (buf, 1, (size_t) n, f) != (size_t) n || fclose (f) != 0
      || rename (path, state) < 0)
    return die ("write the state");
  snprintf (path, sizeof path, "%s.log", state);

  struct seccomp_notif_sizes sz;
  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
    return die ("SECCOMP_GET_NOTIF_SIZES");
  struct seccomp_notif *req = malloc (sz.seccomp_notif);
  struct seccomp_notif_resp *resp = malloc (sz.seccomp_notif_resp);
  if (req == NULL || resp == NULL)
    return die ("malloc");
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
      memset (resp, 0, sz.seccomp_notif_resp);
      resp->id = req->id;
      if (is_mkdir (req->data.nr))
        resp->error = -err_ret;
      else
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      FILE *log = fopen (path, "a");
      if (log)
        {
          fprintf (log, "%s\n", is_mkdir (req->data.nr) ? "mkdir" : "other");
          fclose (log);
        }
      /* ENOENT: the task died or was interrupted meanwhile. */
      if (ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
        return die ("SECCOMP_IOCTL_NOTIF_SEND");
    }
}
