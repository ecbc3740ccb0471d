/* The one channel between the runtime and the container's init: a
 * SOCK_SEQPACKET socketpair, so each message arrives whole or not at all. */
#ifndef HULL_PROCESS_SYNC_H
#define HULL_PROCESS_SYNC_H

#include <stdint.h>
#include <hull/error.h>

typedef enum {
  HULL_SYNC_GO = 1,    /* parent -> init: id maps written, cgroups joined; value: init's pid */
  HULL_SYNC_READY,     /* init -> parent: set up, waiting on exec.fifo */
  HULL_SYNC_ERROR,     /* init -> parent: setup failed, message attached */
  HULL_SYNC_PID,       /* joiner -> parent: init's pid (user namespace joined by path) */
  HULL_SYNC_RECORDED,  /* parent -> init: state.json holds you; outlive me */
  HULL_SYNC_ACK,       /* init -> parent: no longer tied to the runtime's life */
  HULL_SYNC_HOOKS,     /* init -> parent: mounts set up, run prestart/createRuntime hooks */
  HULL_SYNC_HOOKS_DONE, /* parent -> init: they succeeded, go on to pivot_root */
  HULL_SYNC_CONSOLE,   /* init -> parent: the pty master (process.terminal), SCM_RIGHTS */
} hull_sync_type;

typedef struct {
  uint32_t type;
  int32_t errnum;
  int32_t value;       /* HULL_SYNC_PID, HULL_SYNC_GO: the pid */
  char msg[HULL_ERROR_MSG_MAX];
} hull_sync_msg;

/* fds[0] for the parent, fds[1] for init; both close-on-exec. */
int hull_sync_pair (int fds[2], hull_error *err);

int hull_sync_send (int fd, hull_sync_type type, const hull_error *payload, hull_error *err);
int hull_sync_send_value (int fd, hull_sync_type type, int32_t value, hull_error *err);
/* A message carrying the fd `passfd` (SCM_RIGHTS); the sender keeps its copy. */
int hull_sync_send_fd (int fd, hull_sync_type type, int passfd, hull_error *err);

/* Waits for a message of type `want`. An ERROR message is turned into *err
 * (returns -1); EOF means the peer died: returns -1 with "peer" in the text. */
int hull_sync_wait (int fd, hull_sync_type want, const char *peer, hull_error *err);
/* Same, returning the message's value. */
int hull_sync_wait_value (int fd, hull_sync_type want, const char *peer, int32_t *value,
                          hull_error *err);
/* Same, for a message that must carry an fd: *passed receives it (close-on-exec). */
int hull_sync_wait_fd (int fd, hull_sync_type want, const char *peer, int *passed,
                       hull_error *err);

/* Waits for the peer to close its end (execve closes it: success) or to
 * send an ERROR (turned into *err, -1). */
int hull_sync_wait_eof (int fd, const char *peer, hull_error *err);

#endif
