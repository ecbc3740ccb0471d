/* The runtime's side of creating the container's init. */
#ifndef HULL_PROCESS_SPAWN_H
#define HULL_PROCESS_SPAWN_H

#include <sys/types.h>
#include <hull/cgroup.h>
#include <hull/error.h>
#include "process/init.h"

/* clone3()s init with all new namespaces at once (into its cgroup directly
 * on cgroup v2), writes its id maps, moves it into its cgroups on v1, and
 * waits until it is ready to exec. On failure the child is killed and
 * reaped. args->sync_fd and ns_fds are filled in here; *sync_fd receives
 * the runtime's end of the channel for hull_spawn_release. *console
 * receives the pty master init allocated for process.terminal (-1
 * without a terminal); the caller owns it. */
int hull_spawn_init (hull_init_args *args, const hull_cgroup *cg, pid_t *pid, int *sync_fd,
                     int *console, hull_error *err);

/* spawn keeps the channel open for this last step: once state.json holds
 * init, tell it to outlive us and wait until it has. Closes sync_fd. */
int hull_spawn_release (int sync_fd, hull_error *err);

#endif
