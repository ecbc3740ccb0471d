/* Resolving paths inside the container's rootfs from the host side.
 *
 * The rootfs is untrusted: any component may be a symlink to "/etc" or
 * "../../..". Every lookup goes through openat2(2) with RESOLVE_IN_ROOT, so
 * absolute symlinks and ".." stay inside the tree rooted at rootfd, and
 * RESOLVE_NO_MAGICLINKS so /proc/self/fd-style links cannot jump out.
 * Operations then act on the returned O_PATH fd (mount(2) onto
 * hull_fd_path(), *at(2) calls on a parent fd), never on a joined string. */
#ifndef HULL_SAFE_PATH_H
#define HULL_SAFE_PATH_H

#include <stdbool.h>
#include <sys/types.h>
#include <hull/error.h>

/* Large enough for "/proc/self/fd/<int>". */
#define HULL_FD_PATH_MAX 32

/* openat2(rootfd, path, flags|O_CLOEXEC, mode) scoped to rootfd. `path` may
 * be absolute (taken relative to rootfd) or relative. Returns an fd, or -1
 * with errno set; the caller words the error. */
int hull_safe_openat (int rootfd, const char *path, int flags, mode_t mode);

/* mkdir -p of `path` inside rootfd. A dangling symlink on the way is
 * followed inside the root and its target created there. Returns an O_PATH
 * fd of the directory, or < 0 with err set. */
int hull_safe_mkdir_p (int rootfd, const char *path, mode_t mode, hull_error *err);

/* Opens `path` as O_PATH, creating it when missing: a directory (is_dir) or
 * an empty regular file with `mode`. An existing object of either kind is
 * accepted as is (mount(2) reports a mismatch). Returns the fd or < 0. */
int hull_safe_mkpath (int rootfd, const char *path, bool is_dir, mode_t mode, hull_error *err);

/* Opens the parent directory of `path` (creating it) and returns its O_PATH
 * fd; *base receives the malloc'd last component, for mknodat/symlinkat/...
 * Fails with EINVAL when the last component is "", "." or "..". */
int hull_safe_parent (int rootfd, const char *path, char **base, hull_error *err);

/* "/proc/self/fd/N": what mount(2) and friends take to act on an O_PATH fd.
 * Valid while the host's /proc is at /proc, i.e. until pivot_root. */
const char *hull_fd_path (char buf[HULL_FD_PATH_MAX], int fd);

#endif
