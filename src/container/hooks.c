/* Hooks in the lifecycle commands that outlive create: what create records
 * for start and delete, start's wait for init, poststart and poststop. */
#include "config.h"
#include "container/hooks.h"
#include "container/internal.h"
#include "process/init.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

static void
gen_str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static void
gen_strv (yajl_gen g, const char *key, const hull_strv *v)
{
  if (v->v == NULL)
    return;
  gen_str (g, key);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < v->n; i++)
    gen_str (g, v->v[i]);
  yajl_gen_array_close (g);
}

static void
gen_list (yajl_gen g, hull_hook_kind kind, const hull_hook_list *list)
{
  if (list->n == 0)
    return;
  gen_str (g, hull_hook_name (kind));
  yajl_gen_array_open (g);
  for (size_t i = 0; i < list->n; i++)
    {
      const hull_hook *h = &list->items[i];
      yajl_gen_map_open (g);
      gen_str (g, "path");
      gen_str (g, h->path);
      gen_strv (g, "args", &h->args);
      gen_strv (g, "env", &h->env);
      if (h->timeout.set)
        {
          gen_str (g, "timeout");
          yajl_gen_integer (g, h->timeout.v);
        }
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static int
save_hooks (int dirfd, const hull_hooks *hooks, hull_error *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return hull_fail (err, ENOMEM, HULL_HOOKS_FILE);
  yajl_gen_map_open (g);
  gen_str (g, "hooks");
  yajl_gen_map_open (g);
  gen_list (g, HULL_HOOK_POSTSTART, &hooks->poststart);
  gen_list (g, HULL_HOOK_POSTSTOP, &hooks->poststop);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  const unsigned char *buf;
  size_t len;
  int r = 0;
  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    r = hull_fail (err, ENOMEM, HULL_HOOKS_FILE);
  /* The state dir is new and ours (locked): no one reads a half file. */
  if (r == 0)
    r = hull_create_file_at (dirfd, HULL_HOOKS_FILE, buf, len, 0600, err);
  yajl_gen_free (g);
  return r;
}

int
hull_hooks_prepare (int dirfd, const hull_spec *spec, int *init_fd, hull_error *err)
{
  const hull_hooks *h = &spec->hooks;
  *init_fd = -1;
  if ((h->poststart.n > 0 || h->poststop.n > 0) && save_hooks (dirfd, h, err) < 0)
    return -1;
  if (h->start_container.n == 0 && h->poststart.n == 0 && spec->process != NULL)
    return 0;
  if (mkfifoat (dirfd, HULL_START_FIFO, 0600) < 0)
    return hull_fail_errno (err, "mkfifo %s", HULL_START_FIFO);
  /* Read-write: opening cannot block, and init is a writer from the
   * start, so start sees EOF exactly when init's copy closes at execve. */
  *init_fd = openat (dirfd, HULL_START_FIFO, O_RDWR | O_CLOEXEC);
  if (*init_fd < 0)
    return hull_fail_errno (err, "open %s", HULL_START_FIFO);
  return 0;
}

int
hull_hooks_load (int dirfd, hull_hooks *out, hull_error *err)
{
  memset (out, 0, sizeof *out);
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (hull_read_file_at (dirfd, HULL_HOOKS_FILE, &text, &len, err) < 0)
    {
      if (err->errnum != ENOENT)
        return hull_error_prefix (err, "state: ");
      hull_error_clear (err);
      return 0;
    }
  return hull_spec_parse_hooks (text, len, "state: " HULL_HOOKS_FILE, out, err);
}

/* Init closes its end of the fifo at execve; before that it writes the
 * error that stopped it (startContainer hook, exec), or that it had
 * nothing to start (*nothing, process/init.h). */
static int
wait_for_exec (int fd, bool *nothing, hull_error *err)
{
  char msg[HULL_ERROR_MSG_MAX];
  size_t len = 0;
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (poll (&p, 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return hull_fail_errno (err, "poll %s", HULL_START_FIFO);
        }
      ssize_t n = read (fd, msg + len, sizeof msg - 1 - len);
      if (n > 0)
        {
          len += (size_t) n;
          if (len < sizeof msg - 1)
            continue;
        }
      else if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      else if (n < 0)
        return hull_fail_errno (err, "read %s", HULL_START_FIFO);
      break;
    }
  if (len == 0)
    return 0;
  msg[len] = '\0';
  size_t mark = strlen (HULL_INIT_NOTHING_STARTED);
  *nothing = strncmp (msg, HULL_INIT_NOTHING_STARTED, mark) == 0;
  return hull_fail (err, 0, "%s", msg + (*nothing ? mark : 0));
}

static int
poststart (int dirfd, const char *id, hull_error *err)
{
  hull_hooks hooks;
  if (hull_hooks_load (dirfd, &hooks, err) < 0)
    return -1;
  int r = 0;
  if (hooks.poststart.n > 0)
    {
      hull_state *st = NULL;
      r = hull_state_load (dirfd, id, &st, err);
      if (r == 0)
        {
          st->status = HULL_STATUS_RUNNING;
          r = hull_hooks_run (&hooks, HULL_HOOK_POSTSTART, st, err);
        }
      hull_state_free (st);
    }
  hull_hooks_clear (&hooks);
  return r;
}

int
hull_start_released (int dirfd, const char *id, hull_start_outcome *outcome, hull_error *err)
{
  hull_start_outcome ignored;
  if (outcome == NULL)
    outcome = &ignored;
  *outcome = HULL_START_HELD;
  /* Opened before the release: once init has exec'd, no writer is left
   * and the open would not tell "exec'd" from "never there". */
  cleanup_close int fd = openat (dirfd, HULL_START_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT)
    return hull_fail_errno (err, "open %s", HULL_START_FIFO);
  if (hull_release_init (dirfd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;
  *outcome = HULL_START_RELEASED;
  bool nothing = false;
  if (wait_for_exec (fd, &nothing, err) < 0)
    {
      if (nothing)
        {
          *outcome = HULL_START_NOTHING;
          unlinkat (dirfd, HULL_START_FIFO, 0);
        }
      return -1;
    }
  unlinkat (dirfd, HULL_START_FIFO, 0);
  /* runtime-spec 1.3, runtime.md Lifecycle step 9: "If any poststart hook
   * fails, the runtime MUST generate an error, stop the container, and
   * continue the lifecycle at step 12." (1.0 only logged a warning.) */
  return poststart (dirfd, id, err);
}

void
hull_hooks_poststop (const hull_hooks *hooks, const hull_state *st)
{
  if (hooks->poststop.n == 0)
    return;
  hull_state stopped = *st;
  stopped.status = HULL_STATUS_STOPPED;
  hull_hooks_run_warn (hooks, HULL_HOOK_POSTSTOP, &stopped);
}
