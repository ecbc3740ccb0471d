/* seccomp_enosys.c: the stub that makes syscalls newer than a profile
 * fail with ENOSYS, as runc does. */
#ifndef HULL_LINUX_SECCOMP_ENOSYS_H
#define HULL_LINUX_SECCOMP_ENOSYS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <hull/error.h>
#include <hull/spec.h>

#define HULL_SECCOMP_MAX_ARCHS 32

/* Writes into out (cap instructions) the stub to put before the filter
 * compiled from s, whose default action is default_action (libseccomp's
 * value) and architectures archs (libseccomp tokens, as listed). *n is 0
 * when no stub is wanted. The stub ends by falling into the filter. */
int hull_seccomp_enosys_stub (const hull_seccomp *s, uint32_t default_action,
                              const uint32_t *archs, size_t n_archs,
                              struct sock_filter *out, size_t cap, size_t *n, hull_error *err);

#endif
