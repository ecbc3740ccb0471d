#include "config.h"
#include "process/sync.h"
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

static int
send_msg (int fd, hull_sync_type type, const hull_error *payload, int32_t value, hull_error *err)
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
  ssize_t r;
  do
    r = send (fd, &m, len, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hull_fail_errno (err, "sync: send");
  return 0;
}

int
hull_sync_send (int fd, hull_sync_type type, const hull_error *payload, hull_error *err)
{
  return send_msg (fd, type, payload, 0, err);
}

int
hull_sync_send_value (int fd, hull_sync_type type, int32_t value, hull_error *err)
{
  return send_msg (fd, type, NULL, value, err);
}

int
hull_sync_wait_value (int fd, hull_sync_type want, const char *peer, int32_t *value,
                      hull_error *err)
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
  if (value)
    *value = m.value;
  return 0;
}

int
hull_sync_wait (int fd, hull_sync_type want, const char *peer, hull_error *err)
{
  return hull_sync_wait_value (fd, want, peer, NULL, err);
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
