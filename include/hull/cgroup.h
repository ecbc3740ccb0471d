/* Cgroups behind one interface: v1, v2 and hybrid hosts.
 * A hull_cgroup records the directories hull created for one container,
 * so delete removes exactly those and never one it did not create. */
#ifndef HULL_CGROUP_H
#define HULL_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <hull/error.h>
#include <hull/spec.h>

typedef enum {
  HULL_CGROUP_LAYOUT_V1,     /* only v1 hierarchies */
  HULL_CGROUP_LAYOUT_V2,     /* cgroup2 at /sys/fs/cgroup */
  HULL_CGROUP_LAYOUT_HYBRID, /* v1 controllers plus cgroup2 at /sys/fs/cgroup/unified */
} hull_cgroup_layout;

typedef struct {
  char *controller;          /* "memory", "cpu,cpuacct", "name=systemd", "" for unified */
  char *path;                /* absolute directory */
  bool created;              /* hull made it (and so may remove it) */
  char *top;                 /* topmost directory hull made on the way to path
                              * (path itself or an ancestor); destroy removes
                              * path..top, deepest first. NULL unless created. */
} hull_cgroup_dir;

/* A node of linux.devices: allowed (rwm) after the device rules, at create
 * and when an update on v2 replaces the rules (as runc). */
typedef struct {
  char type;                 /* 'b' or 'c' */
  int64_t major, minor;
} hull_cgroup_node;

typedef struct hull_cgroup {
  hull_cgroup_layout layout;
  hull_cgroup_dir *dirs;
  size_t n_dirs;
  hull_cgroup_node *nodes;
  size_t n_nodes;
} hull_cgroup;

/* Host layout, detected at run time from /sys/fs/cgroup's filesystem type. */
int hull_cgroup_detect (hull_cgroup_layout *layout, hull_error *err);

/* Computes the container's cgroup directories from linux.cgroupsPath
 * (relative: under the caller's own cgroup, read from /proc/self/cgroup, per
 * hierarchy; absolute: as given; missing: "hull/<id>" relative) and creates
 * them. manager "disabled" yields an empty cgroup (no dirs). On failure
 * nothing created is left behind. */
int hull_cgroup_prepare (const hull_spec *spec, const char *id, const char *manager,
                         hull_cgroup **out, hull_error *err);

/* An O_DIRECTORY fd on the v2 directory for clone3(CLONE_INTO_CGROUP), or -1
 * when not pure v2 (the caller then uses hull_cgroup_enter). */
int hull_cgroup_v2_fd (const hull_cgroup *cg);

/* Moves pid into every directory (cgroup.procs). */
int hull_cgroup_enter (const hull_cgroup *cg, pid_t pid, hull_error *err);

/* Every pid in the container's cgroup and the cgroups below it (from the
 * first directory that has cgroup.procs), malloc'd array. */
int hull_cgroup_pids (const hull_cgroup *cg, pid_t **pids, size_t *n, hull_error *err);

/* kill --all: sends sig to every process in the container's cgroup. SIGKILL
 * on v2 writes cgroup.kill (atomic, kernel >= 5.14); else, as runc, SIGKILL
 * freezes the cgroup, signals each pid and thaws, so a forking process
 * cannot escape; other signals go to each pid. Returns 1 when signalled,
 * 0 when the cgroup is gone (the caller falls back to the init pid). */
int hull_cgroup_kill (const hull_cgroup *cg, int sig, hull_error *err);

/* Removes the directories hull created (deepest first, retrying briefly on
 * EBUSY while the last processes exit). */
int hull_cgroup_destroy (const hull_cgroup *cg, hull_error *err);

/* ---- resources (linux.resources) ---- */

/* Checks resources against the host layout before any side effect: values
 * in range, controllers present, unified keys valid. Messages name the JSON
 * path (prefix: "config.json: .linux.resources" or the update's source). */
int hull_cgroup_check_resources (hull_cgroup_layout layout, const hull_resources *res,
                                 const char *where, hull_error *err);

/* Writes the resources into the container's directories: at create before
 * the process joins (no window where it runs unlimited), and on update. */
int hull_cgroup_apply_resources (const hull_cgroup *cg, const hull_resources *res, bool update,
                                 hull_error *err);

/* pause/resume: v1 freezer.state, v2 cgroup.freeze; waits until frozen. */
int hull_cgroup_freeze (const hull_cgroup *cg, bool frozen, hull_error *err);
/* Whether the container's cgroup is frozen (false when there is no freezer). */
bool hull_cgroup_is_frozen (const hull_cgroup *cg);

/* Persistence inside state.json: an opaque JSON text and back. */
char *hull_cgroup_to_json (const hull_cgroup *cg);
int hull_cgroup_from_json (const char *json, hull_cgroup **out, hull_error *err);

void hull_cgroup_free (hull_cgroup *cg);

#endif
