/* linux.resources.devices as an eBPF device program (cgroup v2). Pure: rules
 * in, instructions out, so unit tests check the program's decisions without
 * a kernel. Loading and attaching live in devices_v2.c. */
#ifndef HULL_CGROUP_DEVICES_BPF_H
#define HULL_CGROUP_DEVICES_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hull/error.h>
#include <hull/spec.h>

/* Access bits, as the kernel passes them in bpf_cgroup_dev_ctx.access_type
 * (upper 16 bits). */
#define HULL_DEV_ACC_MKNOD BPF_DEVCG_ACC_MKNOD
#define HULL_DEV_ACC_READ BPF_DEVCG_ACC_READ
#define HULL_DEV_ACC_WRITE BPF_DEVCG_ACC_WRITE
#define HULL_DEV_ACC_ALL (HULL_DEV_ACC_MKNOD | HULL_DEV_ACC_READ | HULL_DEV_ACC_WRITE)

typedef struct {
  bool allow;
  char type;           /* 'a' (block and char), 'b', 'c' */
  int64_t major, minor; /* -1: any */
  unsigned access;     /* HULL_DEV_ACC_* bits, never 0 */
} hull_dev_rule;

/* The effective rule list: rules in order, and what applies when none
 * matches. */
typedef struct {
  hull_dev_rule *v;
  size_t n;
  bool default_allow;
} hull_dev_rules;

/* Devices every container gets (runc's AllowedDevices): mknod of any node
 * and the standard nodes; v1 writes the same list. */
typedef struct {
  char type;
  int64_t major, minor;
  const char *access;
} hull_cg_default_device;
extern const hull_cg_default_device hull_cg_default_devices[];
extern const size_t hull_cg_n_default_devices;

/* Whether a spec rule is "deny a *:* rwm" (the leading one of a whitelist). */
bool hull_cg_device_is_deny_all (const hull_device_cgroup *d);

/* linux.resources.devices as hull applies them on every layout: a leading
 * deny-all makes the default deny (else allow, like a v1 child inheriting
 * its parent's list), then the default devices, then the spec's rules in
 * order. Out-of-range numbers are refused. n == 0 in: out->n == 0 and no
 * program is needed. */
int hull_cg_device_rules (const hull_device_cgroup *rules, size_t n, hull_dev_rules *out,
                          hull_error *err);
void hull_cg_device_rules_clear (hull_dev_rules *r);

/* Reference semantics, per access bit: a requested bit is granted by the
 * last rule that matches the device and names that bit, else by the
 * default; the request is allowed when every bit is. */
bool hull_cg_device_decide (const hull_dev_rules *r, char type, uint32_t major, uint32_t minor,
                            unsigned access);

/* The BPF_PROG_TYPE_CGROUP_DEVICE program implementing those semantics
 * (malloc'd). */
int hull_cg_device_program (const hull_dev_rules *r, struct bpf_insn **insns, size_t *n,
                            hull_error *err);

#endif
