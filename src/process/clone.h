/* Process primitives shared by the container's init (spawn.c, init.c) and
 * exec's joined process (join.c). */
#ifndef HULL_PROCESS_CLONE_H
#define HULL_PROCESS_CLONE_H

#include <sys/types.h>
#include <hull/error.h>
#include <linux/sched.h>

/* clone3(2) as a fork: returns 0 in the child, its pid in the parent. */
pid_t hull_clone3 (struct clone_args *ca);

/* SIGKILL and reap a child of ours. */
void hull_kill_and_reap (pid_t pid);

/* A fresh anonymous session keyring, so the host's keys are out of reach
 * (ENOSYS, no keyrings in the kernel, is fine). */
int hull_join_session_keyring (hull_error *err);

#endif
