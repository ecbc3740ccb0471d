/* Process identity and security: who the container's process is and what it
 * may do. Each *_check runs in the runtime before any side effect (so bad
 * input is rejected with nothing created); each *_apply runs in init, in the
 * order hull_init_main gives. */
#ifndef HULL_LINUX_SECURITY_H
#define HULL_LINUX_SECURITY_H

#include <stdbool.h>
#include <sys/types.h>
#include <hull/error.h>
#include <hull/spec.h>

/* identity.c: capability names, user. */
int hull_identity_check (const hull_spec *spec, hull_error *err);
/* Supplementary groups, gid, uid, the five capability sets, umask,
 * no_new_privs. After this init may no longer be privileged, except that
 * keep_sys_admin leaves CAP_SYS_ADMIN permitted and effective, for a
 * seccomp filter loaded without no_new_privs right before execve (which
 * computes the program's sets without regard to these two). */
int hull_identity_apply (const hull_spec *spec, bool keep_sys_admin, hull_error *err);

/* attrs.c: rlimits, oomScoreAdj, personality, ioPriority, scheduler,
 * execCPUAffinity.initial, memoryPolicy. Applied while still privileged. */
int hull_process_attrs_check (const hull_spec *spec, hull_error *err);
int hull_process_attrs_apply (const hull_spec *spec, hull_error *err);
/* In the runtime, on init (pid) before it lets init go: init is
 * non-dumpable, so in a user namespace its /proc/self files belong to the
 * host's root and it cannot write its own oom_score_adj (runc sets it from
 * outside too). A no-op without process.oomScoreAdj. */
int hull_process_oom_score_adj_set (const hull_spec *spec, pid_t pid, hull_error *err);
/* execCPUAffinity.final, right before execve. */
int hull_process_affinity_final (const hull_spec *spec, hull_error *err);

/* sysctl.c: only namespaced keys, checked against the namespaces the
 * container has; written to the container's own procfs. */
int hull_sysctl_check (const hull_spec *spec, hull_error *err);
int hull_sysctl_apply (const hull_spec *spec, hull_error *err);

/* masked.c: linux.maskedPaths and linux.readonlyPaths, after pivot. */
int hull_protect_paths (const hull_spec *spec, hull_error *err);

/* lsm.c: AppArmor profile and SELinux labels, when the LSM is enabled. */
int hull_lsm_check (const hull_spec *spec, hull_error *err);
int hull_lsm_apply (const hull_spec *spec, hull_error *err);

/* seccomp.c */
typedef struct hull_seccomp_ctx hull_seccomp_ctx;
int hull_seccomp_check (const hull_spec *spec, hull_error *err);
/* In init, before the rootfs is entered: compiles the filter and, for
 * SCMP_ACT_NOTIFY, connects to listenerPath (a host path). *out is NULL
 * when the spec has no seccomp. */
int hull_seccomp_prepare (const hull_spec *spec, const char *id, const char *bundle,
                          hull_seccomp_ctx **out, hull_error *err);
/* For a process prepared elsewhere than where it runs (exec): the pid
 * (as the runtime sees it) and container status the listener is told. */
int hull_seccomp_set_process (hull_seccomp_ctx *ctx, const hull_spec *spec, const char *id,
                              const char *bundle, pid_t pid, const char *status,
                              hull_error *err);
/* Loads the filter and sends the notify fd to the listener. */
int hull_seccomp_load (hull_seccomp_ctx *ctx, hull_error *err);
void hull_seccomp_free (hull_seccomp_ctx *ctx);
/* The linux.seccomp.flags hull knows: the i-th name (NULL past the end),
   and whether this kernel accepts it (features' knownFlags, supportedFlags). */
const char *hull_seccomp_flag_name (size_t i);
bool hull_seccomp_flag_supported (size_t i);

#endif
