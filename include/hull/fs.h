/* Small filesystem helpers shared by the runtime. */
#ifndef HULL_FS_H
#define HULL_FS_H

#include <stddef.h>
#include <sys/types.h>
#include <hull/error.h>

/* Reads a whole file (NUL-terminated; *len excludes the NUL). */
int hull_read_file (const char *path, char **out, size_t *len, hull_error *err);

/* Same, relative to dirfd. */
int hull_read_file_at (int dirfd, const char *path, char **out, size_t *len, hull_error *err);

/* Writes data to path atomically: a temporary file in the same directory,
 * fsync-free (state is runtime data on tmpfs), then rename(2). */
int hull_write_file_atomic (const char *path, const char *data, size_t len, mode_t mode, hull_error *err);

/* Creates name in dirfd (it must not exist) holding data. */
int hull_create_file_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                         hull_error *err);

/* Writes data to an existing file (for /proc and /sys knobs). */
int hull_write_file (const char *path, const char *data, size_t len, hull_error *err);
int hull_write_file_at (int dirfd, const char *path, const char *data, size_t len, hull_error *err);

/* mkdir -p; existing directories are fine. */
int hull_mkdir_p (const char *path, mode_t mode, hull_error *err);

/* rm -rf of a directory tree on one filesystem, without following symlinks. */
int hull_remove_tree (const char *path, hull_error *err);

/* Joins a and b with exactly one '/', malloc'd; NULL on ENOMEM. */
char *hull_path_join (const char *a, const char *b);

#endif
