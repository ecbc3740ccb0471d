/* Terminal and console-socket primitives of the runtime (include/hull/tty.h). */
#include "config.h"
#include <hull/tty.h>
#include <hull/cleanup.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
hull_console_socket_connect (const char *path, hull_error *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (path[0] == '\0' || strlen (path) >= sizeof sa.sun_path)
    return hull_fail (err, ENAMETOOLONG, "--console-socket %s: expected a socket path of 1 to "
                      "%zu bytes", path, sizeof sa.sun_path - 1);
  strcpy (sa.sun_path, path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return hull_fail_errno (err, "--console-socket: socket");
  int r;
  do
    r = connect (fd, (struct sockaddr *) &sa, sizeof sa);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hull_fail_errno (err, "--console-socket %s: connect", path);
  return steal_fd (fd);
}

int
hull_console_socket_send (int sock, int master, hull_error *err)
{
  char name[] = HULL_CONSOLE_NAME;
  struct iovec iov = { .iov_base = name, .iov_len = strlen (name) };
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } ctl;
  memset (&ctl, 0, sizeof ctl);
  struct msghdr mh = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf,
  };
  struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &master, sizeof (int));
  ssize_t r;
  do
    r = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hull_fail_errno (err, "--console-socket: send the terminal");
  return 0;
}

int
hull_tty_set_raw (int fd, struct termios *saved, hull_error *err)
{
  if (tcgetattr (fd, saved) < 0)
    return hull_fail_errno (err, "tcgetattr fd %d", fd);
  struct termios raw = *saved;
  cfmakeraw (&raw);
  raw.c_oflag |= OPOST;
  if (tcsetattr (fd, TCSANOW, &raw) < 0)
    return hull_fail_errno (err, "set fd %d's terminal to raw mode", fd);
  return 0;
}

int
hull_tty_clear_onlcr (int fd, hull_error *err)
{
  struct termios t;
  if (tcgetattr (fd, &t) < 0)
    return hull_fail_errno (err, "tcgetattr the container's terminal");
  t.c_oflag &= ~(tcflag_t) ONLCR;
  if (tcsetattr (fd, TCSANOW, &t) < 0)
    return hull_fail_errno (err, "clear onlcr on the container's terminal");
  return 0;
}

int
hull_tty_copy_winsize (int from, int to)
{
  struct winsize ws;
  if (ioctl (from, TIOCGWINSZ, &ws) < 0)
    return -1;
  /* 0x0 is a terminal that never had a size (a bare pty): it would only
     replace process.consoleSize with nothing. */
  if (ws.ws_row == 0 && ws.ws_col == 0)
    return 0;
  return ioctl (to, TIOCSWINSZ, &ws);
}
