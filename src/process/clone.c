#include "config.h"
#include "process/clone.h"
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/keyctl.h>

pid_t
hull_clone3 (struct clone_args *ca)
{
  return (pid_t) syscall (SYS_clone3, ca, sizeof *ca);
}

void
hull_kill_and_reap (pid_t pid)
{
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

int
hull_join_session_keyring (hull_error *err)
{
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) < 0 && errno != ENOSYS)
    return hull_fail_errno (err, "keyctl: join a new session keyring");
  return 0;
}
