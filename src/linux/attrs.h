/* Internal to the process attributes (attrs.c, sched.c, mempolicy.c): each
 * part has a check, run in the runtime on the spec, and an apply, run in
 * init. Messages name the JSON path. */
#ifndef HULL_LINUX_ATTRS_H
#define HULL_LINUX_ATTRS_H

#include <stddef.h>
#include <sys/types.h>
#include <hull/error.h>
#include <hull/spec.h>

/* Parses a Linux id list ("0-3,5", as in cpuset.cpus) into mask, nbits
 * wide (a multiple of the bits in a long). what names the ids in messages
 * ("CPU", "node"). */
int hull_id_list_parse (const char *list, const char *what, unsigned long *mask, size_t nbits,
                        hull_error *err);

/* Adds " (why)" after the errno text hull_fail appended; returns -1. */
int hull_error_hint (hull_error *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* sched.c: process.scheduler, process.ioPriority, process.execCPUAffinity. */
int hull_sched_check (const hull_process *proc, hull_error *err);
int hull_sched_apply (const hull_process *proc, hull_error *err);
int hull_ioprio_apply (const hull_process *proc, hull_error *err);
int hull_affinity_check (const hull_process *proc, hull_error *err);
int hull_affinity_apply_initial (const hull_process *proc, hull_error *err);

/* mempolicy.c: linux.memoryPolicy. */
int hull_mempolicy_check (const hull_linux *l, hull_error *err);
int hull_mempolicy_apply (const hull_linux *l, hull_error *err);

#endif
