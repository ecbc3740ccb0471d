/* Capability sets of process.capabilities as bit masks, and the syscalls
 * that put them in place. */
#ifndef HULL_LINUX_CAPS_H
#define HULL_LINUX_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <hull/error.h>
#include <hull/spec.h>

typedef struct {
  uint64_t bounding, effective, inheritable, permitted, ambient;
} hull_cap_masks;

/* The highest capability number the running kernel knows. */
int hull_caps_last_cap (void);

/* Resolves the five name lists into masks. Unknown names fail; names that
 * libcap knows but the kernel does not are left out (with a warning when
 * `warn`). Also rejects what the kernel would refuse later: a capability
 * outside our own bounding set, effective beyond permitted, inheritable
 * beyond bounding, ambient beyond inheritable or permitted. caps may be
 * NULL: all masks are then empty. */
int hull_caps_resolve (const hull_capabilities *caps, bool warn, hull_cap_masks *out,
                       hull_error *err);

/* Drops from the bounding set everything not in m->bounding. Needs
 * CAP_SETPCAP: run it before the uid change. */
int hull_caps_apply_bounding (const hull_cap_masks *m, hull_error *err);

/* Sets effective, permitted and inheritable exactly, then the ambient set.
 * After the uid change (with PR_SET_KEEPCAPS, so permitted survived it). */
int hull_caps_apply_sets (const hull_cap_masks *m, hull_error *err);

#endif
