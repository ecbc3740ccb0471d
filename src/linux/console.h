/* The container's side of a terminal (process.terminal; exec --tty).
 *
 * A pty pair comes from the container's own devpts instance: /dev/ptmx is
 * opened after pivot_root, resolved inside "/" (a symlink to pts/ptmx, as
 * hull and runc make it, is followed; nothing outside the root is). The
 * slave is reached with TIOCGPTPEER, never by name, so no path race can
 * substitute another device. The master goes to the runtime (sync channel,
 * SCM_RIGHTS) and must be closed here afterwards: only the slave stays.
 *
 * Typical use in a process that is already a session leader (setsid) and
 * still privileged (mount, chown):
 *
 *   hull_pty pty;
 *   hull_pty_open (proc, &pty, err);          // consoleSize, owner
 *   hull_console_mount (&pty, err);           // init only: /dev/console
 *   hull_pty_become_stdio (&pty, err);        // 0,1,2 + controlling tty
 *   send pty.master, then close it
 *
 * hull_console_setup does all of it for the container's init. */
#ifndef HULL_LINUX_CONSOLE_H
#define HULL_LINUX_CONSOLE_H

#include <hull/error.h>
#include <hull/spec.h>

typedef struct {
  int master;          /* close-on-exec */
  int slave;           /* close-on-exec until made stdio */
  unsigned int index;  /* N of /dev/pts/N, for messages */
} hull_pty;

/* Allocates the pair from the container's /dev/ptmx, sets proc's
 * consoleSize (when given) and gives the slave to proc->user.uid (runc's
 * fixStdioPermissions: a non-root process must own its terminal; the group
 * stays what devpts chose, "tty" with gid=5). On failure nothing is left
 * open. */
int hull_pty_open (const hull_process *proc, hull_pty *pty, hull_error *err);

/* Bind-mounts the slave over /dev/console, which is created (an empty
 * regular file, mode 0666) when missing. A symlink, directory or anything
 * but a regular file or character device there is refused. */
int hull_console_mount (const hull_pty *pty, hull_error *err);

/* Makes the slave fds 0, 1 and 2 and the controlling terminal of the
 * calling session leader (TIOCSCTTY). Closes pty->slave. */
int hull_pty_become_stdio (hull_pty *pty, hull_error *err);

/* Closes whatever of the pair is still open. */
void hull_pty_close (hull_pty *pty);

/* The container's init: open, /dev/console, stdio. *master receives the
 * master for the runtime; the caller closes it once sent. */
int hull_console_setup (const hull_process *proc, int *master, hull_error *err);

#endif
