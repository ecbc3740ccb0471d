/* Signalling a recorded container process safely, for kill and delete. */
#ifndef HULL_CONTAINER_PROC_H
#define HULL_CONTAINER_PROC_H

#include <stdbool.h>
#include <sys/types.h>
#include <hull/container.h>

/* Sends sig to pid only if it is still the process that started at
 * start_time (0 = unknown, not checked). -1 with errno ESRCH when that
 * process is gone or the pid was reused. */
int hull_proc_signal (pid_t pid, unsigned long long start_time, int sig);

/* A pidfd for pid if it is still the process that started at start_time;
 * -1 (errno set) when it is gone, or without pidfd_open. */
int hull_proc_pidfd (pid_t pid, unsigned long long start_time);

/* The recorded process still exists, is the same one and is not a zombie. */
bool hull_proc_alive (pid_t pid, unsigned long long start_time);

/* kill's core: the init (all = false; "container not running" when
 * stopped), or every process of the container's cgroup (all = true,
 * falling back to the init when no cgroup was recorded). */
int hull_state_signal (const hull_state *st, int sig, bool all, hull_error *err);

#endif
