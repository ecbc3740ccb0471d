/* The container's init process: everything between clone3 and execve. */
#ifndef HULL_PROCESS_INIT_H
#define HULL_PROCESS_INIT_H

#include <stdbool.h>
#include <hull/container.h>
#include <hull/spec.h>
#include "linux/namespaces.h"

typedef struct {
  const hull_spec *spec;
  const char *id;
  const char *rootfs;        /* absolute */
  const char *bundle;        /* absolute */
  bool no_pivot;
  bool no_new_keyring;
  bool cgroupns_late;        /* unshare the cgroup namespace after joining the cgroup */
  int preserve_fds;
  int sync_fd;               /* init's end of the sync channel */
  int fifo_fd;               /* read end of exec.fifo: start writes one byte */
  int *ns_fds;               /* [HULL_NS_COUNT] namespaces to join by path */
  int idmap_fd;              /* idmapped mount trees queued by the runtime, or -1 */
  int *mount_fds;            /* bind sources opened by the runtime (hull/rootfs.h), or NULL */
  /* Hooks: the state they are given (pid and status set per hook), NULL
   * to run none; start_fd (when > 2) reports to `start` (container/hooks.h). */
  const hull_state *hook_state;
  int start_fd;
} hull_init_args;

/* A config.json without process (OPTIONAL, config.md) makes a container
 * all the same; its init, released by start, runs nothing (runtime.md:
 * start "MUST generate an error if process was not set"). It writes
 * HULL_INIT_NOTHING_STARTED and this message to start_fd and exits: the
 * container is stopped, not destroyed, as after a program that exited. */
#define HULL_NO_PROCESS_MSG "config.json: .process: not set, nothing to start"
#define HULL_INIT_NOTHING_STARTED "\001"

/* Whether init stops before pivot_root for the runtime's prestart and
 * createRuntime hooks (HULL_SYNC_HOOKS). */
bool hull_init_has_runtime_hooks (const hull_init_args *args);

/* Runs in the child right after clone3. Only returns on failure, after
 * sending the error to the parent; the caller then _exit()s. */
void hull_init_main (const hull_init_args *args);

#endif
