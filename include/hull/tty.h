/* The runtime's side of a container terminal (process.terminal; exec
 * --tty). The container's process allocates the pty (src/linux/console.h)
 * and sends the master over the sync channel; the runtime then either
 * hands it on to a --console-socket or, in the foreground, relays between
 * its own stdio and the master until the process exits.
 *
 * Console socket (runc's protocol, what containerd's shim and conmon
 * expect): the runtime connects to the AF_UNIX stream socket and sends one
 * message whose data is the master's name ("/dev/ptmx") and whose single
 * SCM_RIGHTS cmsg carries the master. No reply is read.
 *
 * Foreground relay:
 *
 *   hull_tty_relay r;
 *   hull_signals_block ();                    // (src/container/internal.h)
 *   hull_tty_relay_prepare (&r, master, err); // takes master; raw mode
 *   ... let the process run ...
 *   status = hull_tty_relay_run (&r, pid);    // until pid exits
 *   hull_tty_relay_finish (&r);               // restores the terminal
 *
 * hull_tty_relay_finish must be called on every path after a successful
 * prepare: it is what puts the caller's terminal back in cooked mode. */
#ifndef HULL_TTY_H
#define HULL_TTY_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>
#include <hull/error.h>

/* The name sent with the master, as runc does. */
#define HULL_CONSOLE_NAME "/dev/ptmx"

/* Connects to the --console-socket at path (close-on-exec fd). */
int hull_console_socket_connect (const char *path, hull_error *err);

/* Sends master over the connected sock (runc's protocol above). */
int hull_console_socket_send (int sock, int master, hull_error *err);

/* Puts the terminal on fd in raw mode as runc does (cfmakeraw, but output
 * post-processing kept so "\n" still returns the carriage), saving the
 * current settings in *saved. */
int hull_tty_set_raw (int fd, struct termios *saved, hull_error *err);

/* Clears ONLCR on a pty (through its master): the relayed stream carries
 * the process's "\n" as is, and the caller's own terminal adds the "\r". */
int hull_tty_clear_onlcr (int fd, hull_error *err);

/* Copies the window size of the terminal `from` to `to` (TIOCGWINSZ,
 * TIOCSWINSZ); the pty then signals SIGWINCH to its foreground group. A
 * 0x0 size (never set) is not copied. */
int hull_tty_copy_winsize (int from, int to);

typedef struct {
  int master;              /* owned; non-blocking */
  int sigfd;               /* signalfd of the forwarded signals */
  int host;                /* our terminal (stdin, stdout or stderr), or -1 */
  bool raw;                /* stdin was put in raw mode: restore `saved` */
  struct termios saved;
} hull_tty_relay;

/* Before the process runs: takes ownership of master, clears its ONLCR,
 * gives it our terminal's size, puts stdin in raw mode when it is a
 * terminal. The signals to forward must already be blocked. On failure
 * everything is undone (master closed). */
int hull_tty_relay_prepare (hull_tty_relay *r, int master, hull_error *err);

/* Copies stdin -> master and master -> stdout (stdin need not be a
 * terminal; its EOF just ends that direction), resizes the pty on
 * SIGWINCH, forwards the other signals to pid, until pid exits; then
 * drains what the process wrote. Returns its exit status (128+N when
 * killed by signal N). */
int hull_tty_relay_run (hull_tty_relay *r, pid_t pid);

/* Restores our terminal and closes the relay's fds. Idempotent. */
void hull_tty_relay_finish (hull_tty_relay *r);

#endif
