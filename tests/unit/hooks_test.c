/* Unit tests for running hooks (src/process/hooks.c) and recording them in
 * the state dir (src/container/hooks.c). TAP. */
#include "config.h"
#include "tap.h"
#include "container/hooks.h"
#include "process/hooks.h"
#include <hull/fs.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *sh_argv[5];

/* A /bin/sh -c SCRIPT hook with the given env (NULL-terminated, or NULL). */
static hull_hook
sh_hook (const char *script, char **env, int64_t timeout)
{
  sh_argv[0] = (char *) "sh";
  sh_argv[1] = (char *) "-c";
  sh_argv[2] = (char *) script;
  sh_argv[3] = NULL;
  size_t n_env = 0;
  while (env && env[n_env])
    n_env++;
  return (hull_hook){
    .path = (char *) "/bin/sh",
    .args = { sh_argv, 3 },
    .env = { env, n_env },
    .timeout = { timeout > 0, timeout },
  };
}

static const char *
run (const hull_hook *h, const char *input, hull_error *err)
{
  memset (err, 0, sizeof *err);
  return hull_hook_exec (h, input, strlen (input), err) == 0 ? "ok" : err->msg;
}

static void
test_exec (void)
{
  hull_error err;
  hull_hook h = sh_hook ("read -r x; [ \"$x\" = '{\"id\": 1}' ]", NULL, 0);
  ok (streq (run (&h, "{\"id\": 1}\n", &err), "ok"), "stdin carries the input");

  h = sh_hook ("echo out; echo err >&2; exit 3", NULL, 0);
  ok (streq (run (&h, "", &err), "error running hook /bin/sh: exited with status 3: out err"),
      "exit status and output, on one line");

  h = sh_hook ("exit 4", NULL, 0);
  ok (streq (run (&h, "", &err), "error running hook /bin/sh: exited with status 4"),
      "no output, no trailing colon");

  h = sh_hook ("i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done; exit 1", NULL, 0);
  const char *msg = run (&h, "", &err);
  ok (strncmp (msg, "error running hook /bin/sh: exited with status 1: ...", 52) == 0
          && strlen (msg) < 500 && strcmp (msg + strlen (msg) - 8, " line299") == 0,
      "long output: its tail, bounded (%zu chars)", strlen (msg));

  char *env[] = { (char *) "ONLY=1", NULL };
  h = sh_hook ("[ \"$(tr '\\0' ' ' </proc/$$/environ)\" = 'ONLY=1 ' ]", env, 0);
  ok (streq (run (&h, "", &err), "ok"), "exactly the hook's env");

  h = sh_hook ("echo hanging; exec sleep 100", NULL, 1);
  ok (streq (run (&h, "", &err),
             "error running hook /bin/sh: ran past specified timeout of 1s, killed: hanging"),
      "timeout");

  h = sh_hook ("kill -USR1 $$", NULL, 0);
  ok (streq (run (&h, "", &err), "error running hook /bin/sh: killed by signal 10 (SIGUSR1)"),
      "killed by a signal");

  /* A hook writing without end still meets its timeout. */
  h = sh_hook ("exec yes", NULL, 1);
  msg = run (&h, "", &err);
  ok (strncmp (msg, "error running hook /bin/sh: ran past specified timeout of 1s, killed: ...y y",
               76) == 0,
      "timeout of a hook that never stops writing");

  /* SIGCHLD ignored (inherited from a parent) must not lose the status. */
  signal (SIGCHLD, SIG_IGN);
  h = sh_hook ("exit 5", NULL, 0);
  ok (streq (run (&h, "", &err), "error running hook /bin/sh: exited with status 5"),
      "exit status with SIGCHLD ignored");
  ok (signal (SIGCHLD, SIG_DFL) == SIG_IGN, "SIGCHLD's disposition is restored");

  hull_hook missing = { .path = (char *) "/nonexistent/hook" };
  ok (streq (run (&missing, "", &err),
             "error running hook /nonexistent/hook: No such file or directory"),
      "missing program");

  /* With our stdin closed, the pipes land on fd 0: the hook must still
   * get its input on 0 and its output captured. */
  int saved = dup (0);
  close (0);
  h = sh_hook ("read -r x; echo \"got $x\"; exit 1", NULL, 0);
  msg = run (&h, "abc\n", &err);
  dup2 (saved, 0);
  close (saved);
  ok (streq (msg, "error running hook /bin/sh: exited with status 1: got abc"),
      "runtime with stdin closed");
}

static void
test_list (void)
{
  hull_hook items[2];
  items[0] = sh_hook ("exit 0", NULL, 0);
  static char *argv2[] = { (char *) "sh", (char *) "-c", (char *) "grep -q '\"status\": \"running\"'",
                           NULL };
  items[1] = (hull_hook){ .path = (char *) "/bin/sh", .args = { argv2, 3 } };
  hull_hooks hooks = { .poststart = { items, 2 } };
  hull_state st = { .oci_version = (char *) "1.3.0", .id = (char *) "c1", .pid = 42,
                    .status = HULL_STATUS_RUNNING, .bundle = (char *) "/b",
                    .rootfs = (char *) "/b/rootfs", .created = (char *) "now",
                    .owner = (char *) "" };
  hull_error err = { 0 };
  ok (hull_hooks_run (&hooks, HULL_HOOK_POSTSTART, &st, &err) == 0, "a list, with the state");
  st.status = HULL_STATUS_CREATED;
  ok (hull_hooks_run (&hooks, HULL_HOOK_POSTSTART, &st, &err) < 0
          && streq (err.msg,
                    "config.json: .hooks.poststart[1]: error running hook /bin/sh: exited with "
                    "status 1"),
      "a failure names the hook's entry");
}

static void
test_record (void)
{
  char dir[] = "/tmp/hull-hooks-test.XXXXXX";
  if (mkdtemp (dir) == NULL)
    {
      ok (false, "mkdtemp");
      return;
    }
  int dirfd = open (dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  const char *json = "{\"hooks\": {"
                     " \"startContainer\": [{\"path\": \"/in\"}],"
                     " \"poststart\": [{\"path\": \"/a\", \"args\": [\"a\", \"x y\"], \"env\": [\"E=1\"],"
                     " \"timeout\": 7}],"
                     " \"poststop\": [{\"path\": \"/b\"}, {\"path\": \"/c\", \"env\": []}]}}";
  hull_hooks in = { 0 }, out = { 0 };
  hull_error err = { 0 };
  int init_fd = -1;
  ok (hull_spec_parse_hooks (json, strlen (json), "t", &in, &err) == 0, "parse hooks");
  ok (hull_hooks_prepare (dirfd, &(hull_spec){ .hooks = in }, &init_fd, &err) == 0 && init_fd > 2,
      "prepare: a start fifo for init");
  ok (hull_hooks_load (dirfd, &out, &err) == 0, "load the record %s", err.msg);
  ok (out.start_container.n == 0 && out.poststart.n == 1 && out.poststop.n == 2,
      "only poststart and poststop are recorded");
  const hull_hook *a = &out.poststart.items[0];
  ok (streq (a->path, "/a") && a->args.n == 2 && streq (a->args.v[1], "x y") && a->env.n == 1
          && streq (a->env.v[0], "E=1") && a->timeout.set && a->timeout.v == 7,
      "poststart hook round-trips");
  ok (out.poststop.items[0].args.v == NULL && out.poststop.items[1].env.v != NULL
          && out.poststop.items[1].env.n == 0,
      "absent and empty lists stay apart");
  close (init_fd);
  hull_hooks_clear (&in);
  hull_hooks_clear (&out);

  hull_hooks none = { 0 };
  close (dirfd);
  hull_remove_tree (dir, &err);
  mkdtemp (strcpy (dir, "/tmp/hull-hooks-test.XXXXXX"));
  dirfd = open (dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  hull_process proc = { 0 };
  ok (hull_hooks_prepare (dirfd, &(hull_spec){ .hooks = none, .process = &proc }, &init_fd, &err)
              == 0
          && init_fd == -1 && faccessat (dirfd, HULL_HOOKS_FILE, F_OK, 0) < 0
          && faccessat (dirfd, HULL_START_FIFO, F_OK, 0) < 0,
      "no hooks: nothing recorded");
  ok (hull_hooks_load (dirfd, &out, &err) == 0 && out.poststop.n == 0, "load without a record");
  close (dirfd);
  hull_remove_tree (dir, &err);

  /* Without a process init tells start, through the fifo, that it has
   * nothing to run (process/init.h). */
  mkdtemp (strcpy (dir, "/tmp/hull-hooks-test.XXXXXX"));
  dirfd = open (dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  ok (hull_hooks_prepare (dirfd, &(hull_spec){ .hooks = none }, &init_fd, &err) == 0
          && init_fd > 2 && faccessat (dirfd, HULL_HOOKS_FILE, F_OK, 0) < 0
          && faccessat (dirfd, HULL_START_FIFO, F_OK, 0) == 0,
      "no process: a start fifo for init, no record");
  close (init_fd);
  close (dirfd);
  hull_remove_tree (dir, &err);
}

int
main (void)
{
  test_exec ();
  test_list ();
  test_record ();
  return tap_done ();
}
