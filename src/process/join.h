/* exec: a new process in a running container's namespaces and cgroup. */
#ifndef HULL_PROCESS_JOIN_H
#define HULL_PROCESS_JOIN_H

#include <signal.h>
#include <sys/types.h>
#include <hull/cgroup.h>
#include <hull/error.h>
#include <hull/spec.h>

typedef struct {
  const hull_spec *spec;     /* the container's config, process replaced by the exec'd one */
  const char *id;
  const char *bundle;        /* absolute */
  const char *status;        /* the container's, for a seccomp listener: "running"... */
  pid_t init_pid;            /* the container's init (host pid) */
  int init_pidfd;            /* a pidfd on it: its namespaces are joined through it */
  const hull_cgroup *cg;     /* the cgroup to join (sub-cgroup applied), NULL for none */
  int cgroup_v2_fd;          /* O_DIRECTORY fd on the v2 directory, or -1 */
  int preserve_fds;
  const sigset_t *sigmask;   /* the caller's mask before it blocked signals, for the program */
} hull_join_args;

/* Runs spec->process inside the container: a short-lived child joins the
 * cgroup (clone3 CLONE_INTO_CGROUP on v2, cgroup.procs on v1), enters all
 * of init's namespaces at once (setns on its pidfd) and clone3()s the
 * process as our own child (CLONE_PARENT), so that it really is in the pid
 * namespace; that process applies the settings init applies and execve()s.
 * Returns once the program runs, *pid its host pid; on failure (the
 * process's own error, e.g. no such program, comes back over the sync
 * channel) nothing is left. With spec->process->terminal the process gets
 * a pty of the container's devpts as stdio and *console the master (else
 * -1), for the caller to pass on or relay. */
int hull_join_start (const hull_join_args *a, pid_t *pid, int *console, hull_error *err);

#endif
