/* What init and an exec'd process share between their own setup and
 * execve: the runtime fds closed, the process's attributes, LSM labels,
 * cwd, identity, capabilities and seccomp, in one order. */
#ifndef HULL_PROCESS_APPLY_H
#define HULL_PROCESS_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <hull/error.h>
#include <hull/spec.h>
#include "linux/security.h"

typedef struct {
  const hull_spec *spec;       /* spec->process: the process to run */
  hull_seccomp_ctx *seccomp;   /* prepared filter, NULL without linux.seccomp */
  const struct stat *self_exe; /* the runtime binary (CVE-2019-5736 check), or NULL */
  int preserve_fds;            /* fds 3..3+N-1 reach the program */
} hull_apply_args;

/* Closes every fd from 3 on except keep[] (n of them) and the
 * preserve_fds range; in that range, close-on-exec fds are the runtime's
 * own and are closed too. */
int hull_close_fds_except (const int *keep, size_t n, int preserve_fds, hull_error *err);

/* Every fd from first on made close-on-exec (close_range, with a
 * fallback where it is unavailable). */
int hull_fds_cloexec_from (unsigned int first, hull_error *err);

/* From the process attributes to the program found and checked: rlimits
 * and the other attributes while privileged, LSM labels, cwd, identity and
 * capabilities, the program looked up in the container's PATH; then every
 * fd but stdio and the preserved ones is made close-on-exec. *exe points
 * into static storage. */
int hull_process_apply (const hull_apply_args *a, const char **exe, hull_error *err);

/* The last steps before execve: the program is checked again (it may have
 * changed), execCPUAffinity.final, then the seccomp filter. After it, the
 * caller runs only what runc runs inside the filter (startContainer
 * hooks) and hull_process_execve. */
int hull_process_seal (const hull_apply_args *a, const char *exe, hull_error *err);

/* execve. Returns only on failure, err filled. */
int hull_process_execve (const hull_apply_args *a, const char *exe, hull_error *err);

#endif
