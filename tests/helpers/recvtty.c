/* A --console-socket receiver for the tests (like runc's contrib recvtty).
 *
 *   recvtty [-i INPUT] [-w ROWSxCOLS] [-n INFO] [-o OUT] [-p PIDFILE] SOCKET
 *
 * Listens on the AF_UNIX stream socket SOCKET, then forks: the parent
 * exits 0 once the socket accepts connections (so the caller may start
 * the runtime right away), the child serves one connection:
 *   - receives one message; writes to INFO "name=<data> cmsgs=<n> fds=<n>
 *     pts=<N>" (pts: TIOCGPTN of the fd, -1 if it is not a pty master) and
 *     "extra=<n>" (bytes/messages that followed before EOF);
 *   - with -w, resizes the terminal (the container sees SIGWINCH);
 *   - with -i, writes INPUT to the terminal ("\n" and octal "\ooo" escapes);
 *   - copies the terminal's output to OUT until EIO (no process holds
 *     the slave any more), then exits 0.
 * Errors go to stderr (of the child: OUT's directory gets "INFO.err"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include "unescape.h"

static void
die (const char *what)
{
  perror (what);
  exit (1);
}

int
main (int argc, char **argv)
{
  const char *input = NULL, *size = NULL, *info = "/dev/stderr", *out = "/dev/stdout",
             *pidfile = NULL;
  int c;
  while ((c = getopt (argc, argv, "i:w:n:o:p:")) != -1)
    switch (c)
      {
      case 'i': input = optarg; break;
      case 'w': size = optarg; break;
      case 'n': info = optarg; break;
      case 'o': out = optarg; break;
      case 'p': pidfile = optarg; break;
      default:
        fprintf (stderr, "usage: %s [-i INPUT] [-w RxC] [-n INFO] [-o OUT] [-p PIDFILE] SOCKET\n",
                 argv[0]);
        return 2;
      }
  if (optind != argc - 1)
    return 2;

  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf (sa.sun_path, sizeof sa.sun_path, "%s", argv[optind]);
  int ls = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (ls < 0)
    die ("socket");
  if (bind (ls, (struct sockaddr *) &sa, sizeof sa) < 0)
    die ("bind");
  if (listen (ls, 1) < 0)
    die ("listen");

  pid_t pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid > 0)
    {
      if (pidfile)
        {
          FILE *f = fopen (pidfile, "w");
          if (!f)
            die (pidfile);
          fprintf (f, "%d\n", (int) pid);
          fclose (f);
        }
      return 0;
    }
  setsid ();

  FILE *inf = fopen (info, "w");
  if (!inf)
    die (info);
  setvbuf (inf, NULL, _IONBF, 0);
  int o = open (out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (o < 0)
    die (out);
  int conn = accept4 (ls, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    die ("accept");
  close (ls);

  char name[4096];
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (4 * sizeof (int)) * 2];
  } ctl;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                       .msg_controllen = sizeof ctl.buf };
  ssize_t n = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);
  if (n < 0)
    die ("recvmsg");
  name[n] = '\0';
  int cmsgs = 0, nfds = 0, master = -1;
  for (struct cmsghdr *h = CMSG_FIRSTHDR (&mh); h; h = CMSG_NXTHDR (&mh, h))
    {
      cmsgs++;
      if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
        continue;
      size_t k = (h->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      for (size_t i = 0; i < k; i++)
        {
          int fd;
          memcpy (&fd, CMSG_DATA (h) + i * sizeof (int), sizeof fd);
          nfds++;
          if (master < 0)
            master = fd;
        }
    }
  int ptn = -1;
  if (master < 0 || ioctl (master, TIOCGPTN, &ptn) < 0)
    ptn = -1;
  fprintf (inf, "name=%s cmsgs=%d fds=%d pts=%d\n", name, cmsgs, nfds, ptn);
  /* The runtime expects no reply and closes its end. */
  char more[64];
  ssize_t extra = 0, r;
  while ((r = read (conn, more, sizeof more)) > 0)
    extra += r;
  fprintf (inf, "extra=%zd\n", extra);
  close (conn);
  if (master < 0)
    return 1;

  if (size)
    {
      struct winsize ws = { 0 };
      if (sscanf (size, "%hux%hu", &ws.ws_row, &ws.ws_col) != 2)
        return 2;
      if (ioctl (master, TIOCSWINSZ, &ws) < 0)
        die ("TIOCSWINSZ");
    }
  if (input)
    {
      char *in = unescape (input);
      if (in == NULL)
        die ("malloc");
      if (write (master, in, strlen (in)) < 0)
        die ("write");
      free (in);
    }

  char buf[4096];
  for (;;)
    {
      n = read (master, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break; /* EIO: no slave left */
      if (write (o, buf, (size_t) n) != n)
        die ("write output");
    }
  fprintf (inf, "done\n");
  return 0;
}
