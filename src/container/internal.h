/* Pieces shared by the lifecycle operations. */
#ifndef HULL_CONTAINER_INTERNAL_H
#define HULL_CONTAINER_INTERNAL_H

#include <signal.h>
#include <sys/types.h>
#include <hull/cgroup.h>
#include <hull/container.h>

/* In the state dir: init reads one byte from it before execve; its presence
 * also marks the container as "created". */
#define HULL_EXEC_FIFO "exec.fifo"

/* In the state dir: the config.json the container was created from. */
#define HULL_STATE_CONFIG "config.json"

/* Checks of the spec against what this host and runtime can do, made
 * before anything is created. */
int hull_check_runtime_spec (const hull_context *ctx, const hull_spec *spec, hull_error *err);

/* Lets a created container's init execve (start's core): writes to
 * exec.fifo and removes it. */
int hull_release_init (int dirfd, hull_error *err);

/* Writes pid to path (relative to the cwd) atomically: --pid-file. */
int hull_write_pid_file (const char *path, pid_t pid, hull_error *err);

/* SIGKILL + waitpid for an init that is still our child. */
void hull_reap_init (pid_t pid);

/* Foreground run: block the signals to forward, then wait for the
 * container, forwarding them; returns the exit status or 128+signal. */
void hull_signals_block (void);
int hull_wait_forwarding_signals (pid_t pid);

/* The set hull_signals_block blocks (what a foreground runtime forwards). */
void hull_signals_forwarded (sigset_t *set);

/* A waitpid status as an exit status: the code, or 128+signal. */
int hull_exit_status (int status);

/* Removes a stopped container's cgroup and state dir. */
int hull_cleanup_stopped (const hull_context *ctx, const char *id, int dirfd,
                          const hull_cgroup *cg, hull_error *err);

/* Socket activation: the number of fds hull was handed with LISTEN_FDS
 * (LISTEN_PID must be hull itself), 0 when none; and the env the container
 * process then gets (LISTEN_FDS=N, LISTEN_PID=1, replacing any). */
int hull_listen_fds (void);
int hull_listen_fds_env (hull_strv *env, int n, hull_error *err);

/* runc's checks of a terminal against --console-socket and --detach
 * (create and run -d are detached; a foreground run or exec relays). */
int hull_check_terminal (bool terminal, const char *console_socket, bool detached,
                         hull_error *err);

#endif
