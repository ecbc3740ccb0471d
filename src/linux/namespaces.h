/* Namespaces: which to create with clone3, which to join with setns(). */
#ifndef HULL_LINUX_NAMESPACES_H
#define HULL_LINUX_NAMESPACES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <hull/error.h>
#include <hull/spec.h>

/* CLONE_NEW* flags of the namespaces the spec asks to create (no path).
 * Time namespaces with offsets and cgroup namespaces that must be created
 * after the cgroup is joined are left out: init creates those itself. */
uint64_t hull_ns_clone_flags (const hull_spec *spec, bool cgroupns_at_clone);

/* True when init must unshare the cgroup namespace itself (after the parent
 * moved it into its cgroup). */
bool hull_ns_cgroupns_late (const hull_spec *spec, bool cgroupns_at_clone);

/* Opens every namespace path up front, so a bad path fails before any side
 * effect. fds[type] is -1 for namespaces without a path, except a created
 * mount namespace's slot: it carries the idmapped mount trees built here
 * for init (idmap.h), -1 when there are none. */
int hull_ns_open_paths (const hull_spec *spec, int fds[HULL_NS_COUNT], hull_error *err);
void hull_ns_close_paths (int fds[HULL_NS_COUNT]);

/* In the parent: makes clone3's child land in the pid namespace fds[PID]
 * (setns on pid_for_children). *saved receives our own, for restoring. */
int hull_ns_enter_pid_for_children (int pidns_fd, int *saved, hull_error *err);

/* In init: joins the user namespace first, then the others (not pid, and
 * not mount: fds[MOUNT] stays open for hull_rootfs_private_begin, the
 * rootfs being built from the runtime's view of the bundle first). */
int hull_ns_join (const hull_spec *spec, int fds[HULL_NS_COUNT], hull_error *err);

/* In init: creates a time namespace with linux.timeOffsets and enters it. */
int hull_ns_setup_time (const hull_spec *spec, hull_error *err);

/* In the parent: writes /proc/PID/{uid,gid}_map for a new user namespace.
 * An unprivileged runtime only checks them (its own id, size 1): init then
 * denies setgroups and writes its own maps in hull_ns_join. */
int hull_ns_write_id_maps (pid_t pid, const hull_spec *spec, hull_error *err);

/* Writes /proc/PID/FILE (uid_map, gid_map) from the mappings. */
int hull_ns_write_map (pid_t pid, const char *file, const hull_id_mapping *m, size_t n,
                       hull_error *err);

/* True when the spec creates a new user namespace. */
bool hull_ns_new_userns (const hull_spec *spec);

#endif
