#include "config.h"
#include "process/sync.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int
hull_sync_pair (int fds[2], hull_error *err)
{
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return hull_fail_errno (err, "socketpair");
  return 0;
}

/* One message; with passfd >= 0 the fd rides along in an SCM_RIGHTS cmsg. */
static int
send_msg (int fd, hull_sync_type type, const hull_error *payload, int32_t value, int passfd,
          hull_error *err)
{
  hull_sync_msg m = { .type = type, .value = value };
  size_t len = offsetof (hull_sync_msg, msg);
  if (payload)
    {
      m.errnum = payload->errnum;
      size_t n = strnlen (payload->msg, sizeof m.msg - 1);
      memcpy (m.msg, payload->msg, n);
      len += n + 1;
    }
  struct iovec iov = { .iov_base = &m, .iov_len = len };
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } ctl;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (passfd >= 0)
    {
      memset (&ctl, 0, sizeof ctl);
      mh.msg_control = ctl.buf;
      mh.msg_controllen = sizeof ctl.buf;
      struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &passfd, sizeof (int));
    }
  ssize_t r;
  do
    r = sendmsg (fd, &mh, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hull_fail_errno (err, "sync: send");
  return 0;
}

int
hull_sync_send (int fd, hull_sync_type type, const hull_error *payload, hull_error *err)
{
  return send_msg (fd, type, payload, 0, -1, err);
}

int
hull_sync_send_value (int fd, hull_sync_type type, int32_t value, hull_error *err)
{
  return send_msg (fd, type, NULL, value, -1, err);
}

int
hull_sync_send_fd (int fd, hull_sync_type type, int passfd, hull_error *err)
{
  return send_msg (fd, type, NULL, 0, passfd, err);
}

/* The fd of an SCM_RIGHTS cmsg in mh, or -1. Any other fd that came along
 * is closed: nothing may leak from a confused or hostile peer. */
static int
take_passed_fd (struct msghdr *mh)
{
  int got = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (mh); c; c = CMSG_NXTHDR (mh, c))
    {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        continue;
      size_t n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      for (size_t i = 0; i < n; i++)
        {
          int f;
          memcpy (&f, CMSG_DATA (c) + i * sizeof (int), sizeof f);
          if (got < 0)
            got = f;
          else
            close (f);
        }
    }
  return got;
}

static int
wait_msg (int fd, hull_sync_type want, const char *peer, int32_t *value, int *passed,
          hull_error *err)
{
  hull_sync_msg m;
  memset (&m, 0, sizeof m);
  struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } ctl;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
  ssize_t r;
  do
    r = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hull_fail_errno (err, "sync: waiting for %s", peer);
  cleanup_close int got = take_passed_fd (&mh);
  if (r == 0)
    return hull_fail (err, 0, "sync: %s exited before it was ready", peer);
  if (m.type == HULL_SYNC_ERROR)
    {
      m.msg[sizeof m.msg - 1] = '\0';
      err->errnum = m.errnum;
      memcpy (err->msg, m.msg, sizeof err->msg);
      return -1;
    }
  if (m.type != (uint32_t) want)
    return hull_fail (err, EPROTO, "sync: unexpected message %u from %s", m.type, peer);
  if (passed)
    {
      if (got < 0)
        return hull_fail (err, EPROTO, "sync: message %u from %s carries no fd%s", m.type,
                          peer, (mh.msg_flags & MSG_CTRUNC) ? " (truncated)" : "");
      *passed = steal_fd (got);
    }
  if (value)
    *value = m.value;
  return 0;
}

int
hull_sync_wait_value (int fd, hull_sync_type want, const char *peer, int32_t *value,
                      hull_error *err)
{
  return wait_msg (fd, want, peer, value, NULL, err);
}

int
hull_sync_wait (int fd, hull_sync_type want, const char *peer, hull_error *err)
{
  return wait_msg (fd, want, peer, NULL, NULL, err);
}

int
hull_sync_wait_fd (int fd, hull_sync_type want, const char *peer, int *passed, hull_error *err)
{
  return wait_msg (fd, want, peer, NULL, passed, err);
}

int
hull_sync_wait_eof (int fd, const char *peer, hull_error *err)
{
  hull_sync_msg m;
  ssize_t r;
  memset (&m, 0, sizeof m);
  do
    r = recv (fd, &m, sizeof m, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hull_fail_errno (err, "sync: waiting for %s", peer);
  if (r == 0)
    return 0;
  if (m.type == HULL_SYNC_ERROR)
    {
      m.msg[sizeof m.msg - 1] = '\0';
      err->errnum = m.errnum;
      memcpy (err->msg, m.msg, sizeof err->msg);
      return -1;
    }
  return hull_fail (err, EPROTO, "sync: unexpected message %u from %s", m.type, peer);
}
