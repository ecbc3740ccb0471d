/* Private pieces of the cgroup manager, split so the path logic stays pure
 * (text in, paths out) and unit tests can drive it without a real host. */
#ifndef HULL_CGROUP_INTERNAL_H
#define HULL_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <hull/cgroup.h>
#include <hull/error.h>
#include <hull/spec.h>

#define HULL_CG_ROOT "/sys/fs/cgroup"
#define HULL_CG_UNIFIED_HYBRID HULL_CG_ROOT "/unified"

/* One mounted hierarchy. */
typedef struct {
  char *controllers;  /* "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
  char *mount_point;  /* where it is mounted, e.g. /sys/fs/cgroup/memory */
  char *root;         /* mountinfo's root: the hierarchy path seen there */
  bool v2;
} hull_cg_hierarchy;

void hull_cg_hierarchies_free (hull_cg_hierarchy *h, size_t n);

/* ---- cgroup.c ---- */

/* True when the comma-separated list contains name. */
bool hull_cg_list_has (const char *list, const char *name);

/* Whether top is path or one of its ancestors (a created chain's top). */
bool hull_cg_is_ancestor_or_self (const char *top, const char *path);

/* ---- path.c: mountinfo and the pure path mapping ---- */

/* One /proc/self/mountinfo line split into what the cgroup code needs;
 * pointers into a caller buffer, octal escapes (\040) decoded. */
typedef struct {
  const char *root;
  const char *mount_point;
  const char *fstype;
  const char *super_opts;
} hull_cg_mount;

/* Iterates mountinfo text: *cursor starts at the text, buf is scratch of at
 * least strlen (text) + 1 bytes. Returns 1 per entry, 0 at the end. Lines
 * that do not parse are skipped. */
int hull_cg_mountinfo_next (const char **cursor, char *buf, hull_cg_mount *m);

/* The in-hierarchy path of "slice:prefix:name" as systemd would place it
 * ("system.slice:hull:abc" -> "/system.slice/hull-abc.scope"). */
int hull_cg_systemd_path (const char *cgroups_path, char **out, hull_error *err);

/* The pure mapping: given /proc/self/cgroup's text, the hierarchies, the
 * spec's cgroupsPath (NULL or "" = "hull/<id>") and whether the systemd
 * manager is in use, computes one absolute directory per hierarchy
 * (*dirs has n entries, free each and the array). */
int hull_cg_compute_dirs (const char *proc_cgroup, const hull_cg_hierarchy *h, size_t n,
                          const char *cgroups_path, const char *id, bool systemd,
                          char ***dirs, hull_error *err);

/* Frees the first n strings of v, and v. */
void hull_cg_free_strs (char **v, size_t n);

/* ---- v1.c ---- */

/* Every cgroup v1 hierarchy in mountinfo, one entry per hierarchy (bind
 * mounts of the same one deduplicated, a mount under /sys/fs/cgroup
 * preferred), in mount order. */
int hull_cg_v1_hierarchies (const char *mountinfo, hull_cg_hierarchy **out, size_t *n,
                            hull_error *err);

/* A new v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems and
 * no task can join it. Walks from the hierarchy's mount point down to dir
 * and copies each empty value from the parent, top-down (as runc does). */
int hull_cg_v1_cpuset_fill (const char *mount_point, const char *dir, hull_error *err);

/* ---- freeze.c ---- */

/* Fails with runc's "container's cgroup unexpectedly frozen" when the
 * container's freezer cgroup is frozen or freezing, by itself or through
 * an ancestor (an init put there would hang). */
int hull_cg_check_not_frozen (const hull_cgroup *cg, hull_error *err);

/* ---- v2.c ---- */

/* The cgroup2 hierarchy mounted at mount_point (root from mountinfo; "/" if
 * mountinfo does not list it). */
int hull_cg_v2_hierarchy (const char *mountinfo, const char *mount_point,
                          hull_cg_hierarchy *out, hull_error *err);

/* Whether path is a cgroup2 mount (statfs). */
bool hull_cg_v2_is_cgroup2 (const char *path);

/* ---- devices_v2.c ---- */

/* Builds the eBPF device program for linux.resources.devices (n > 0),
 * attaches it to dir and then detaches the programs attached before. */
int hull_cg_v2_set_devices (const char *dir, const hull_device_cgroup *rules, size_t n,
                            hull_error *err);

#endif
