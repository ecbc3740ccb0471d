/* Foreground terminal relay (include/hull/tty.h): one poll loop, no
 * threads, over stdin, the pty master and a signalfd of the signals a
 * foreground runtime forwards. */
#include "config.h"
#include <hull/tty.h>
#include <hull/cleanup.h>
#include "container/internal.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads per drain after the process exited: a leftover process (no pid
 * namespace of its own) that keeps writing must not keep us here; delete
 * kills it right after. */
#define DRAIN_MAX_READS 1024

void
hull_tty_relay_finish (hull_tty_relay *r)
{
  if (r->raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &r->saved);
  r->raw = false;
  hull_closep (&r->master);
  hull_closep (&r->sigfd);
}

int
hull_tty_relay_prepare (hull_tty_relay *r, int master, hull_error *err)
{
  *r = (hull_tty_relay){ .master = master, .sigfd = -1, .host = -1 };
  sigset_t set;
  hull_signals_forwarded (&set);
  int fl = fcntl (master, F_GETFL);
  if (fl < 0 || fcntl (master, F_SETFL, fl | O_NONBLOCK) < 0)
    {
      hull_fail_errno (err, "make the container's terminal non-blocking");
      goto fail;
    }
  if (hull_tty_clear_onlcr (master, err) < 0)
    goto fail;
  r->sigfd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (r->sigfd < 0)
    {
      hull_fail_errno (err, "signalfd");
      goto fail;
    }
  /* As runc: the size comes from whichever of our stdio is a terminal. */
  for (int fd = 0; fd <= 2 && r->host < 0; fd++)
    if (isatty (fd))
      r->host = fd;
  if (r->host >= 0)
    hull_tty_copy_winsize (r->host, master);
  /* Raw only when we read the keyboard: keys (^C included) go to the
   * container's terminal, whose line discipline interprets them. */
  if (isatty (STDIN_FILENO))
    {
      if (hull_tty_set_raw (STDIN_FILENO, &r->saved, err) < 0)
        goto fail;
      r->raw = true;
    }
  return 0;

fail:
  hull_tty_relay_finish (r);
  return -1;
}

/* Blocking write of all of buf, also on an fd someone made non-blocking. */
static bool
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EAGAIN)
        {
          struct pollfd p = { .fd = fd, .events = POLLOUT };
          poll (&p, 1, -1);
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return false;
      buf += n;
      len -= (size_t) n;
    }
  return true;
}

typedef struct {
  char in[4096];
  size_t in_len, in_off;   /* read from stdin, not yet written to the master */
  bool in_open;            /* stdin not at EOF */
  bool master_open;        /* a slave is still open: no EIO yet */
  bool out_ok;             /* stdout still takes data */
} relay_io;

/* One read of the master onto stdout. False once nothing is left for now
 * (EAGAIN) or for good (EIO). */
static bool
pump_out (hull_tty_relay *r, relay_io *io)
{
  char buf[8192];
  ssize_t n = read (r->master, buf, sizeof buf);
  if (n > 0)
    {
      /* Once stdout is gone, the output is still read (and dropped) so the
       * process never blocks on a full terminal. */
      if (io->out_ok && !write_all (STDOUT_FILENO, buf, (size_t) n))
        io->out_ok = false;
      return true;
    }
  if (n < 0 && errno == EINTR)
    return true;
  if (n < 0 && errno == EAGAIN)
    return false;
  /* EIO (or 0): every slave fd is closed and nothing is left to read. */
  io->master_open = false;
  return false;
}

static void
pump_in (hull_tty_relay *r, relay_io *io)
{
  ssize_t n = write (r->master, io->in + io->in_off, io->in_len - io->in_off);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n < 0)
    {
      /* No slave any more: input has nowhere to go. */
      io->in_len = io->in_off = 0;
      io->in_open = false;
      return;
    }
  io->in_off += (size_t) n;
  if (io->in_off == io->in_len)
    io->in_len = io->in_off = 0;
}

static void
read_stdin (relay_io *io)
{
  ssize_t n = read (STDIN_FILENO, io->in, sizeof io->in);
  if (n > 0)
    {
      io->in_len = (size_t) n;
      io->in_off = 0;
    }
  else if (n == 0 || (errno != EINTR && errno != EAGAIN))
    io->in_open = false; /* EOF, or a terminal we may not read (EIO) */
}

static void
handle_signals (hull_tty_relay *r, pid_t pid, pid_t self)
{
  struct signalfd_siginfo si;
  while (read (r->sigfd, &si, sizeof si) == (ssize_t) sizeof si)
    {
      int sig = (int) si.ssi_signo;
      if (sig == SIGCHLD || sig == SIGURG)
        continue;
      /* As runc with a terminal: a resize of ours is the pty's resize
       * (the kernel then signals the container's foreground group). */
      if (sig == SIGWINCH)
        {
          if (r->host >= 0)
            hull_tty_copy_winsize (r->host, r->master);
          continue;
        }
      /* Our own write to a closed stdout, not the user's signal. */
      if (sig == SIGPIPE && (pid_t) si.ssi_pid == self)
        continue;
      kill (pid, sig);
    }
}

int
hull_tty_relay_run (hull_tty_relay *r, pid_t pid)
{
  relay_io io = { .in_open = true, .master_open = true, .out_ok = true };
  pid_t self = getpid ();
  int status;
  for (;;)
    {
      pid_t w = waitpid (pid, &status, WNOHANG);
      if (w == pid)
        break;
      if (w < 0 && errno != EINTR)
        return 255;
      struct pollfd p[3] = {
        { .fd = r->sigfd, .events = POLLIN },
        { .fd = io.master_open ? r->master : -1,
          .events = (short) (POLLIN | (io.in_len > 0 ? POLLOUT : 0)) },
        { .fd = io.in_open && io.in_len == 0 ? STDIN_FILENO : -1, .events = POLLIN },
      };
      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return 255;
        }
      if (p[0].revents)
        handle_signals (r, pid, self);
      if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
        pump_out (r, &io);
      if (io.master_open && io.in_len > 0 && (p[1].revents & POLLOUT))
        pump_in (r, &io);
      if (p[2].revents)
        read_stdin (&io);
    }
  /* The process is gone, but what it wrote last may still be in the pty:
   * a read flushes the line discipline first, so non-blocking reads until
   * EAGAIN (or EIO: no writer left) get all of it. */
  for (int i = 0; io.master_open && i < DRAIN_MAX_READS; i++)
    if (!pump_out (r, &io))
      break;
  return hull_exit_status (status);
}
