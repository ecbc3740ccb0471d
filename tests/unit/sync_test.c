/* Unit tests for the sync channel's fd passing (src/process/sync.c) and the
 * console-socket message (src/util/tty.c): what crosses, what is refused,
 * and that no stray fd is left behind. */
#include "config.h"
#include "process/sync.h"
#include <hull/tty.h>
#include "tap.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static bool
same_file (int a, int b)
{
  struct stat sa, sb;
  return fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

/* The lowest free fd: an fd leaked by a test shows as a higher one. */
static int
next_fd (void)
{
  int fd = dup (0);
  close (fd);
  return fd;
}

static void
test_fd_crosses (void)
{
  int sp[2], pipefd[2];
  hull_error err = { 0 };
  if (hull_sync_pair (sp, &err) < 0 || pipe (pipefd) < 0)
    return ok (false, "setup");
  ok (hull_sync_send_fd (sp[1], HULL_SYNC_CONSOLE, pipefd[0], &err) == 0, "send an fd");
  int got = -1;
  ok (hull_sync_wait_fd (sp[0], HULL_SYNC_CONSOLE, "peer", &got, &err) == 0, "receive it");
  ok (got >= 0 && same_file (got, pipefd[0]), "the received fd is the same pipe");
  ok (got >= 0 && (fcntl (got, F_GETFD) & FD_CLOEXEC), "and close-on-exec");
  close (got);
  close (pipefd[0]);
  close (pipefd[1]);
  close (sp[0]);
  close (sp[1]);
}

static void
test_fd_missing_or_unexpected (void)
{
  int sp[2], pipefd[2];
  hull_error err = { 0 };
  if (hull_sync_pair (sp, &err) < 0 || pipe (pipefd) < 0)
    return ok (false, "setup");
  int before = next_fd ();
  /* An fd where none is expected is closed, the message still accepted. */
  hull_sync_send_fd (sp[1], HULL_SYNC_READY, pipefd[0], &err);
  ok (hull_sync_wait (sp[0], HULL_SYNC_READY, "peer", &err) == 0, "fd on a plain message: accepted");
  ok (next_fd () == before, "and the stray fd closed");
  /* A message that must carry an fd but does not. */
  hull_sync_send (sp[1], HULL_SYNC_CONSOLE, NULL, &err);
  int got = -1;
  ok (hull_sync_wait_fd (sp[0], HULL_SYNC_CONSOLE, "peer", &got, &err) < 0 && got == -1,
      "a CONSOLE message without an fd is refused");
  ok (strstr (err.msg, "carries no fd") != NULL, "naming it: %s", err.msg);
  /* An error from the peer wins over the fd wait. */
  hull_error peer = { .errnum = 0 };
  snprintf (peer.msg, sizeof peer.msg, "process.terminal: boom");
  hull_sync_send (sp[1], HULL_SYNC_ERROR, &peer, &err);
  ok (hull_sync_wait_fd (sp[0], HULL_SYNC_CONSOLE, "peer", &got, &err) < 0
          && streq (err.msg, "process.terminal: boom"),
      "the peer's error is reported");
  ok (next_fd () == before, "no fd left behind");
  close (sp[1]);
  ok (hull_sync_wait_fd (sp[0], HULL_SYNC_CONSOLE, "init", &got, &err) < 0
          && strstr (err.msg, "init exited") != NULL,
      "EOF: %s", err.msg);
  close (pipefd[0]);
  close (pipefd[1]);
  close (sp[0]);
}

/* runc's protocol: data "/dev/ptmx", one SCM_RIGHTS cmsg of one fd,
 * CMSG_SPACE(4) of control data (go-runc checks that length exactly). */
static void
test_console_socket_message (void)
{
  int sp[2], pipefd[2];
  hull_error err = { 0 };
  if (socketpair (AF_UNIX, SOCK_STREAM, 0, sp) < 0 || pipe (pipefd) < 0)
    return ok (false, "setup");
  ok (hull_console_socket_send (sp[0], pipefd[1], &err) == 0, "send");
  char name[4096];
  char ctl[CMSG_SPACE (sizeof (int)) * 4];
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                       .msg_controllen = sizeof ctl };
  ssize_t n = recvmsg (sp[1], &mh, MSG_CMSG_CLOEXEC);
  ok (n == 9 && memcmp (name, "/dev/ptmx", 9) == 0, "data: the name /dev/ptmx");
  ok (mh.msg_controllen == CMSG_SPACE (sizeof (int)), "control length CMSG_SPACE(4)");
  struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
  int fd = -1;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
      && c->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (&fd, CMSG_DATA (c), sizeof fd);
  ok (fd >= 0 && same_file (fd, pipefd[1]) && CMSG_NXTHDR (&mh, c) == NULL,
      "one SCM_RIGHTS cmsg with the fd");
  close (fd);
  close (pipefd[0]);
  close (pipefd[1]);
  close (sp[0]);
  close (sp[1]);
}

static void
test_console_socket_connect_errors (void)
{
  hull_error err = { 0 };
  char longpath[200];
  memset (longpath, 'x', sizeof longpath - 1);
  longpath[sizeof longpath - 1] = '\0';
  ok (hull_console_socket_connect (longpath, &err) < 0 && strstr (err.msg, "--console-socket"),
      "a path too long for sun_path: %s", err.msg);
  ok (hull_console_socket_connect ("/nonexistent/sock", &err) < 0
          && streq (err.msg, "--console-socket /nonexistent/sock: connect: No such file or directory"),
      "a missing socket");
}

int
main (void)
{
  test_fd_crosses ();
  test_fd_missing_or_unexpected ();
  test_console_socket_message ();
  test_console_socket_connect_errors ();
  return tap_done ();
}
