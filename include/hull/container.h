/* Container lifecycle: the operations the CLI commands map onto. */
#ifndef HULL_CONTAINER_H
#define HULL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>
#include <hull/error.h>
#include <hull/spec.h>

typedef enum {
  HULL_STATUS_CREATING,
  HULL_STATUS_CREATED,
  HULL_STATUS_RUNNING,
  HULL_STATUS_PAUSED,
  HULL_STATUS_STOPPED,
} hull_status;

const char *hull_status_name (hull_status status);

/* Global options every command sees. */
typedef struct {
  const char *root;          /* state root, default /run/hull */
  const char *cgroup_manager; /* "cgroupfs" (default) or "disabled"; "systemd" rejected */
  bool systemd_cgroup;
  bool debug;
} hull_context;

typedef struct {
  const char *id;
  const char *bundle;        /* NULL = cwd */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool detach;               /* run only */
  bool keep;                 /* run only: a foreground container stays, stopped */
} hull_create_opts;

/* create: leaves the container process waiting before execve. */
int hull_container_create (const hull_context *ctx, const hull_create_opts *opts, hull_error *err);

/* run: create + start. In the foreground, *exit_status is the container's
 * status (or 128+signal); with opts->detach it is 0. */
int hull_container_run (const hull_context *ctx, const hull_create_opts *opts, int *exit_status,
                        hull_error *err);

/* start: releases a created container into execve. */
int hull_container_start (const hull_context *ctx, const char *id, hull_error *err);

/* exec: a new process in a created or running container (runc's flags). */
typedef struct {
  const char *id;
  const char *process_file;  /* --process: a runtime-spec process object */
  char **args;               /* COMMAND ARGS (replace process.args) */
  size_t n_args;
  const char *cwd;
  char **env;                /* NAME=VALUE, replacing or added */
  size_t n_env;
  bool user_set, gid_set;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;    /* added to process.user.additionalGids */
  size_t n_additional_gids;
  char **caps;               /* added to bounding, effective, permitted */
  size_t n_caps;
  bool no_new_privs;
  const char *apparmor;
  const char *process_label;
  bool tty;                  /* refused: terminals are not supported yet */
  const char *console_socket;
  bool detach;
  const char *pid_file;
  int preserve_fds;
  char **cgroups;            /* --cgroup [CONTROLLER:]PATH */
  size_t n_cgroups;
  bool ignore_paused;
} hull_exec_opts;

/* In the foreground, waits for the process (forwarding signals to it) and
 * sets *exit_status to its status, 128+N when killed by signal N; with
 * detach, returns once it runs. */
int hull_container_exec (const hull_context *ctx, const hull_exec_opts *opts, int *exit_status,
                         hull_error *err);

int hull_container_kill (const hull_context *ctx, const char *id, int signum, bool all, hull_error *err);

int hull_container_delete (const hull_context *ctx, const char *id, bool force, hull_error *err);

/* ---- persisted state (src/container/state.c) ---- */

typedef struct hull_state {
  char *oci_version;
  char *id;
  hull_status status;        /* computed at load time from the process */
  pid_t pid;                 /* host pid of the container's init, 0 if never started */
  unsigned long long pid_start_time; /* /proc/PID/stat starttime: detects pid reuse */
  char *bundle;              /* absolute */
  char *rootfs;              /* absolute */
  char *created;             /* RFC 3339 with nanoseconds, UTC */
  char *owner;               /* "" unless rootless */
  hull_kvmap annotations;
  char *cgroup_json;         /* opaque cgroup record (hull_cgroup_to_json), may be NULL */
  bool own_pid_ns;           /* the container has its own pid namespace */
} hull_state;

/* Validates a container ID: 1..1024 chars of [A-Za-z0-9_.+-] (like runc), not "." or "..". */
int hull_id_validate (const char *id, hull_error *err);

/* <root>/<id>, malloc'd. */
char *hull_state_dir (const hull_context *ctx, const char *id);

/* Creates <root>/<id> exclusively and locks it: a second create of the same
 * ID fails with "container with id exists: ID". Returns a locked dirfd. */
int hull_state_dir_create (const hull_context *ctx, const char *id, hull_error *err);

/* Opens and locks <root>/<id> (flock LOCK_EX); "container does not exist" if missing. */
int hull_state_dir_lock (const hull_context *ctx, const char *id, hull_error *err);

/* Reads <dirfd>/state.json and computes the live status. */
int hull_state_load (int dirfd, const char *id, hull_state **out, hull_error *err);

/* Writes <dirfd>/state.json atomically. */
int hull_state_save (int dirfd, const hull_state *st, hull_error *err);

/* OCI state JSON as `hull state` prints it (malloc'd). */
char *hull_state_to_oci_json (const hull_state *st);

void hull_state_free (hull_state *st);

/* Live status of a recorded process: created (exec.fifo present), running, stopped. */
hull_status hull_state_status (int dirfd, const hull_state *st);

/* Reads field 22 of /proc/PID/stat; 0 if the process is gone. Also reports
 * whether it is a zombie. */
unsigned long long hull_proc_start_time (pid_t pid, bool *zombie);

/* Removes <root>/<id> (and its contents). */
int hull_state_dir_remove (const hull_context *ctx, const char *id, hull_error *err);

/* Current time as RFC 3339 with nanoseconds, malloc'd. */
char *hull_now_rfc3339 (void);

/* ---- pause, resume, ps, update (src/container/{pause,ps,update}.c) ---- */

struct hull_cgroup;

/* Loads a container's state without the state dir lock (a foreground run
 * holds it for the container's whole life): "container does not exist"
 * when missing. */
int hull_state_load_unlocked (const hull_context *ctx, const char *id, hull_state **out,
                              hull_error *err);

/* The recorded cgroup (NULL when none was recorded). */
int hull_state_cgroup (const hull_state *st, struct hull_cgroup **out, hull_error *err);

/* Whether the recorded cgroup is frozen (status "paused"). */
bool hull_state_frozen (const hull_state *st);

/* Thaws a paused container's cgroup so a SIGKILL just sent is delivered
 * (a v1 frozen task handles no signal until thawed). Best effort. */
void hull_state_thaw_after_kill (const hull_state *st);

/* pause: running or created -> paused ("container not running" otherwise);
 * resume: paused -> what it was ("container not paused" otherwise). */
int hull_container_pause (const hull_context *ctx, const char *id, hull_error *err);
int hull_container_resume (const hull_context *ctx, const char *id, hull_error *err);

/* The host pids of every process in the container's cgroup (just the
 * init when no cgroup was recorded), malloc'd. */
int hull_container_pids (const hull_context *ctx, const char *id, pid_t **pids, size_t *n,
                         hull_error *err);

/* update: checks and writes new resource limits into a live container's
 * cgroup; where names the source in messages ("update", a file). */
int hull_container_update (const hull_context *ctx, const char *id, const hull_resources *res,
                           const char *where, hull_error *err);

/* ---- events (src/container/events.c) ---- */

typedef struct {
  bool stats_only;           /* one stats event, then return (--stats) */
  long long interval_ns;     /* between stats events; > 0 */
} hull_events_opts;

/* Receives each event as one line of JSON text (no newline); returning
 * < 0 (with err set) ends events with that failure. */
typedef int (*hull_event_fn) (const char *json, size_t len, void *arg, hull_error *err);

/* runc's events: {"type":"stats","id":ID,"data":{...}} every interval and
 * {"type":"oom","id":ID} on each OOM, until the container's init exits or
 * its cgroup goes away (or one stats event with stats_only). "container
 * with id ID is not running" for a stopped one. */
int hull_container_events (const hull_context *ctx, const char *id, const hull_events_opts *opts,
                           hull_event_fn emit, void *arg, hull_error *err);

#endif
