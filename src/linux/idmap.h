/* Idmapped bind mounts (mount_setattr(2) MOUNT_ATTR_IDMAP).
 *
 * The kernel only idmaps a mount for a caller with CAP_SYS_ADMIN over the
 * source filesystem's user namespace (the host's, for host filesystems):
 * the container's init, created inside its new user namespace, never has
 * that. So the runtime (host root) builds each idmapped tree before clone3,
 * detached (open_tree OPEN_TREE_CLONE), and init only attaches it with
 * move_mount(2), in spec order, inside its own mount namespace.
 *
 * Handing the trees to init: they travel as SCM_RIGHTS messages queued on
 * a socketpair whose receiving end rides in the mount-namespace slot of the
 * namespace fds (unused when the mount namespace is created, the only case
 * where init mounts anything), which init keeps and hull_ns_join drains.
 *
 * The user namespace given to mount_setattr has the mount's own mappings,
 * or for a bare idmap/ridmap option the container's: a transient twin
 * (same maps) when the container creates its namespace, as it does not
 * exist yet, or the joined one by path. Relative sources are refused: the
 * bundle is not known where the trees are built.
 */
#ifndef HULL_LINUX_IDMAP_H
#define HULL_LINUX_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <hull/error.h>
#include <hull/spec.h>

/* True when the mount asks to be idmapped: own uid/gid mappings, or the
 * idmap/ridmap option. */
bool hull_idmap_wanted (const hull_mount *m);

/* In the runtime, before clone3: builds every idmapped tree the spec asks
 * for and queues them on a socket. *carrier is its receiving end, or -1
 * when nothing is idmapped. */
int hull_idmap_prepare (const hull_spec *spec, int *carrier, hull_error *err);

/* In init: takes the trees off the carrier (and closes it). */
int hull_idmap_receive (const hull_spec *spec, int carrier, hull_error *err);

/* In init: the tree for spec mount number `index` (ownership passes to
 * the caller), or -1 when none was received for it. */
int hull_idmap_take (size_t index);

/* Whether idmapped mounts work here: the kernel knows MOUNT_ATTR_IDMAP
 * and we have the privilege it requires. For `features`. */
bool hull_idmap_supported (void);

#endif
