/* Writing to /proc without being fooled by what is mounted over it.
 *
 * A container config (or an image, via a symlink) can put a tmpfs or a bind
 * mount over /proc/sys, /proc/self/attr... A runtime that writes a sysctl,
 * an LSM label or oom_score_adj there would then silently write into the
 * decoy and the setting would never reach the kernel (CVE-2019-19921,
 * CVE-2019-16884 class). These helpers open the file, check with fstatfs
 * that the opened file itself lives on procfs, and only then write. */
#ifndef HULL_LINUX_PROCFS_H
#define HULL_LINUX_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <hull/error.h>

/* Opens `path` (relative to dirfd, or AT_FDCWD) with `flags` | O_CLOEXEC |
 * O_NOFOLLOW | O_NOCTTY, and fails with EXDEV, "... is not on procfs", when
 * the opened file is not on a procfs superblock. Returns the fd or -1 with
 * err set. */
int hull_procfs_open (int dirfd, const char *path, int flags, hull_error *err);

/* hull_procfs_open (O_WRONLY) then writes `len` bytes of `data` in one
 * write(2), as the kernel's proc handlers want. Returns 0 or -1 with err
 * set; err->errnum is the write's errno (e.g. EINVAL for a bad value). */
int hull_procfs_write (int dirfd, const char *path, const char *data, size_t len,
                       hull_error *err);

/* True when fd is on procfs; false (errno set on fstatfs failure) if not. */
bool hull_fd_is_procfs (int fd);

#endif
