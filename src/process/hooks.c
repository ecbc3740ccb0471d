/* Running OCI hook programs: state JSON on stdin, output captured for the
 * error message, a timeout that kills. */
#include "config.h"
#include "process/hooks.h"
#include <hull/cleanup.h>
#include <hull/log.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How much of a failed hook's output the error message carries: its end,
 * where the reason usually is. */
#define OUTPUT_TAIL 400

static const char *const names[HULL_HOOK_KINDS] = {
  [HULL_HOOK_PRESTART] = "prestart",
  [HULL_HOOK_CREATE_RUNTIME] = "createRuntime",
  [HULL_HOOK_CREATE_CONTAINER] = "createContainer",
  [HULL_HOOK_START_CONTAINER] = "startContainer",
  [HULL_HOOK_POSTSTART] = "poststart",
  [HULL_HOOK_POSTSTOP] = "poststop",
};

const char *
hull_hook_name (hull_hook_kind kind)
{
  return kind < HULL_HOOK_KINDS ? names[kind] : "unknown";
}

const hull_hook_list *
hull_hook_list_of (const hull_hooks *hooks, hull_hook_kind kind)
{
  switch (kind)
    {
    case HULL_HOOK_PRESTART: return &hooks->prestart;
    case HULL_HOOK_CREATE_RUNTIME: return &hooks->create_runtime;
    case HULL_HOOK_CREATE_CONTAINER: return &hooks->create_container;
    case HULL_HOOK_START_CONTAINER: return &hooks->start_container;
    case HULL_HOOK_POSTSTART: return &hooks->poststart;
    default: return &hooks->poststop;
    }
}

/* ---- output tail ---- */

typedef struct {
  char buf[OUTPUT_TAIL];
  size_t len;
  bool truncated;
} tail_buf;

static void
tail_add (tail_buf *t, const char *data, size_t n)
{
  if (n >= sizeof t->buf)
    {
      t->truncated = t->truncated || t->len > 0 || n > sizeof t->buf;
      memcpy (t->buf, data + n - sizeof t->buf, sizeof t->buf);
      t->len = sizeof t->buf;
      return;
    }
  if (t->len + n > sizeof t->buf)
    {
      size_t drop = t->len + n - sizeof t->buf;
      memmove (t->buf, t->buf + drop, t->len - drop);
      t->len -= drop;
      t->truncated = true;
    }
  memcpy (t->buf + t->len, data, n);
  t->len += n;
}

/* Reads what is there without blocking, a bounded amount so a hook (or
 * what it left behind) writing without end cannot keep us from its
 * timeout; returns false at EOF or error. */
static bool
drain (int fd, tail_buf *t)
{
  char chunk[4096];
  for (int rounds = 0; rounds < 16; rounds++)
    {
      ssize_t n = read (fd, chunk, sizeof chunk);
      if (n > 0)
        {
          tail_add (t, chunk, (size_t) n);
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      return n < 0 && errno == EAGAIN;
    }
  return true;
}

/* The output on one line (the CLI prints one line per error): control
 * characters and runs of blanks become one space. */
static void
format_tail (const tail_buf *t, char *out, size_t size)
{
  size_t o = 0;
  if (t->truncated && size > 4)
    {
      memcpy (out, "...", 3);
      o = 3;
    }
  bool space = true; /* swallows leading blanks */
  for (size_t i = 0; i < t->len && o + 1 < size; i++)
    {
      unsigned char ch = (unsigned char) t->buf[i];
      if (ch <= ' ' || ch == 0x7f)
        {
          if (!space)
            out[o++] = ' ';
          space = true;
          continue;
        }
      out[o++] = (char) ch;
      space = false;
    }
  while (o > 0 && out[o - 1] == ' ')
    o--;
  out[o] = '\0';
}

/* ---- one hook ---- */

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A pipe whose ends are all above stdio: the child's dup2s onto 0, 1, 2
 * must not overwrite one another when the runtime runs with stdio closed. */
static int
pipe_above_stdio (int fds[2])
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return -1;
  for (int i = 0; i < 2; i++)
    if (fds[i] < 3)
      {
        int moved = fcntl (fds[i], F_DUPFD_CLOEXEC, 3);
        if (moved < 0)
          {
            close (fds[0]);
            close (fds[1]);
            return -1;
          }
        close (fds[i]);
        fds[i] = moved;
      }
  return 0;
}

/* The whole state goes into the pipe before the hook starts, so a hook
 * that never reads stdin cannot block us, and one that closes it cannot
 * SIGPIPE us. Grows the pipe when the state is bigger than its buffer. */
static int
fill_stdin (int wr, const char *input, size_t len, hull_error *err)
{
  int size = fcntl (wr, F_GETPIPE_SZ);
  if (size >= 0 && (size_t) size < len
      && (len > INT32_MAX || fcntl (wr, F_SETPIPE_SZ, (int) len) < 0))
    return hull_fail_errno (err, "the container state (%zu bytes) does not fit in the stdin "
                                 "pipe",
                            len);
  size_t off = 0;
  while (off < len)
    {
      ssize_t n = write (wr, input + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return hull_fail_errno (err, "write the state to stdin");
      off += (size_t) n;
    }
  return 0;
}

static int
spawn_hook (const hull_hook *h, int in_fd, int out_fd, pid_t *pid, hull_error *err)
{
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset (&none);
  sigfillset (&all);
  int r = posix_spawn_file_actions_init (&fa);
  if (r != 0)
    return hull_fail (err, r, "error running hook %s", h->path);
  r = posix_spawnattr_init (&attr);
  if (r != 0)
    {
      posix_spawn_file_actions_destroy (&fa);
      return hull_fail (err, r, "error running hook %s", h->path);
    }
  /* Its own process group, so a timeout also kills what it started; the
   * runtime's blocked signals (a foreground run forwards them) and caught
   * ones are not the hook's business. */
  if ((r = posix_spawn_file_actions_adddup2 (&fa, in_fd, 0)) == 0
      && (r = posix_spawn_file_actions_adddup2 (&fa, out_fd, 1)) == 0
      && (r = posix_spawn_file_actions_adddup2 (&fa, out_fd, 2)) == 0
      && (r = posix_spawn_file_actions_addclosefrom_np (&fa, 3)) == 0
      && (r = posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
                                                   | POSIX_SPAWN_SETSIGDEF)) == 0
      && (r = posix_spawnattr_setpgroup (&attr, 0)) == 0
      && (r = posix_spawnattr_setsigmask (&attr, &none)) == 0)
    r = posix_spawnattr_setsigdefault (&attr, &all);
  if (r == 0)
    {
      char *default_argv[] = { h->path, NULL };
      char *empty_env[] = { NULL };
      r = posix_spawn (pid, h->path, &fa, &attr, h->args.n > 0 ? h->args.v : default_argv,
                       h->env.v ? h->env.v : empty_env);
    }
  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&fa);
  if (r != 0)
    return hull_fail (err, r, "error running hook %s", h->path);
  return 0;
}

/* Waits for the hook to exit, collecting its output; 1 when it ran past
 * the deadline (it is then killed and reaped). */
static int
wait_hook (pid_t pid, int out_fd, long long deadline, tail_buf *out, int *status, hull_error *err)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    {
      hull_fail_errno (err, "pidfd_open");
      kill (-pid, SIGKILL);
      kill (pid, SIGKILL);
      while (waitpid (pid, status, 0) < 0 && errno == EINTR)
        ;
      return -1;
    }
  bool out_open = true;
  int timed_out = 0;
  for (;;)
    {
      struct pollfd p[2] = {
        { .fd = pidfd, .events = POLLIN },
        { .fd = out_open ? out_fd : -1, .events = POLLIN },
      };
      int ms = -1;
      if (deadline >= 0)
        {
          long long left = deadline - now_ms ();
          ms = left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int) left;
        }
      int r = poll (p, 2, ms);
      if (r < 0 && errno == EINTR)
        continue;
      if (r == 0 && deadline >= 0 && now_ms () >= deadline)
        {
          kill (-pid, SIGKILL);
          kill (pid, SIGKILL);
          timed_out = 1;
          break;
        }
      if (p[1].revents)
        out_open = drain (out_fd, out);
      if (p[0].revents)
        break;
    }
  while (waitpid (pid, status, 0) < 0 && errno == EINTR)
    ;
  if (out_open)
    drain (out_fd, out);
  return timed_out;
}

int
hull_hook_exec (const hull_hook *h, const char *input, size_t len, hull_error *err)
{
  int in[2], out[2];
  if (pipe_above_stdio (in) < 0)
    return hull_fail_errno (err, "error running hook %s: pipe", h->path);
  cleanup_close int in_rd = in[0];
  cleanup_close int in_wr = in[1];
  if (pipe_above_stdio (out) < 0)
    return hull_fail_errno (err, "error running hook %s: pipe", h->path);
  cleanup_close int out_rd = out[0];
  cleanup_close int out_wr = out[1];
  if (fill_stdin (in_wr, input, len, err) < 0)
    return hull_error_prefix (err, "error running hook %s: ", h->path);
  hull_closep (&in_wr);
  if (fcntl (out_rd, F_SETFL, O_NONBLOCK) < 0)
    return hull_fail_errno (err, "error running hook %s: fcntl", h->path);

  long long deadline = h->timeout.set ? now_ms () + h->timeout.v * 1000 : -1;
  /* SIGCHLD ignored (inherited through exec from a careless parent) would
   * have the kernel reap the hook and take its exit status with it. */
  struct sigaction dfl = { .sa_handler = SIG_DFL }, old_chld;
  sigemptyset (&dfl.sa_mask);
  sigaction (SIGCHLD, &dfl, &old_chld);
  pid_t pid;
  int r = spawn_hook (h, in_rd, out_wr, &pid, err);
  hull_closep (&in_rd);
  hull_closep (&out_wr);
  tail_buf tail = { .len = 0 };
  int status = 0;
  if (r == 0 && (r = wait_hook (pid, out_rd, deadline, &tail, &status, err)) < 0)
    hull_error_prefix (err, "error running hook %s: ", h->path);
  sigaction (SIGCHLD, &old_chld, NULL);
  if (r < 0)
    return -1;
  char output[OUTPUT_TAIL + 4];
  format_tail (&tail, output, sizeof output);
  const char *sep = output[0] ? ": " : "";
  if (r > 0)
    return hull_fail (err, 0, "error running hook %s: ran past specified timeout of %llds, "
                              "killed%s%s",
                      h->path, (long long) h->timeout.v, sep, output);
  if (WIFSIGNALED (status))
    {
      const char *name = sigabbrev_np (WTERMSIG (status));
      return hull_fail (err, 0, "error running hook %s: killed by signal %d (SIG%s)%s%s",
                        h->path, WTERMSIG (status), name ? name : "?", sep, output);
    }
  if (WEXITSTATUS (status) != 0)
    return hull_fail (err, 0, "error running hook %s: exited with status %d%s%s", h->path,
                      WEXITSTATUS (status), sep, output);
  return 0;
}

/* ---- lists ---- */

static int
run_one (const hull_hook_list *list, size_t i, hull_hook_kind kind, const char *json,
         hull_error *err)
{
  /* No hull_debug here: in init the log fd is gone (and its number may
   * be reused). */
  if (hull_hook_exec (&list->items[i], json, strlen (json), err) < 0)
    return hull_error_prefix (err, "config.json: .hooks.%s[%zu]: ", hull_hook_name (kind), i);
  return 0;
}

int
hull_hooks_run (const hull_hooks *hooks, hull_hook_kind kind, const hull_state *st,
                hull_error *err)
{
  const hull_hook_list *list = hull_hook_list_of (hooks, kind);
  if (list->n == 0)
    return 0;
  cleanup_free char *json = hull_state_to_oci_json (st);
  if (json == NULL)
    return hull_fail (err, ENOMEM, "config.json: .hooks.%s: state", hull_hook_name (kind));
  for (size_t i = 0; i < list->n; i++)
    if (run_one (list, i, kind, json, err) < 0)
      return -1;
  return 0;
}

void
hull_hooks_run_warn (const hull_hooks *hooks, hull_hook_kind kind, const hull_state *st)
{
  const hull_hook_list *list = hull_hook_list_of (hooks, kind);
  if (list->n == 0)
    return;
  cleanup_free char *json = hull_state_to_oci_json (st);
  if (json == NULL)
    {
      hull_warn ("config.json: .hooks.%s: state: out of memory", hull_hook_name (kind));
      return;
    }
  for (size_t i = 0; i < list->n; i++)
    {
      hull_error err = { 0 };
      if (run_one (list, i, kind, json, &err) < 0)
        hull_warn ("%s", err.msg);
    }
}
