#include "config.h"
#include "container/internal.h"
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

/* Everything a user or supervisor may send, except what the kernel raises
 * synchronously in us and what cannot be caught. */
void
hull_signals_forwarded (sigset_t *set)
{
  sigfillset (set);
  static const int keep[] = { SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS };
  for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
    sigdelset (set, keep[i]);
}

void
hull_signals_block (void)
{
  sigset_t set;
  hull_signals_forwarded (&set);
  sigprocmask (SIG_BLOCK, &set, NULL);
}

void
hull_reap_init (pid_t pid)
{
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

int
hull_exit_status (int status)
{
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEXITSTATUS (status);
}

int
hull_wait_forwarding_signals (pid_t pid)
{
  sigset_t set;
  hull_signals_forwarded (&set);
  for (;;)
    {
      int status;
      pid_t r = waitpid (pid, &status, WNOHANG);
      if (r == pid)
        return hull_exit_status (status);
      if (r < 0 && errno != EINTR)
        return 255;
      siginfo_t info;
      int sig = sigwaitinfo (&set, &info);
      if (sig < 0 || sig == SIGCHLD || sig == SIGURG)
        continue;
      kill (pid, sig);
    }
}
