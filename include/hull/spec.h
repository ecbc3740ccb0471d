/* config.json as typed, validated, immutable structs (OCI runtime-spec 1.3, Linux).
 *
 * Conventions:
 *  - string lists are hull_strv: NULL-terminated v[] plus n, so v can go to execve;
 *  - optional scalars are hull_opt_* with a .set flag (absent != zero);
 *  - arrays are (pointer, n_ count) pairs;
 *  - an absent optional object is a NULL pointer;
 *  - everything is freed by hull_spec_free().
 */
#ifndef HULL_SPEC_H
#define HULL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <hull/error.h>

typedef struct { char **v; size_t n; } hull_strv;
typedef struct { bool set; int64_t v; } hull_opt_i64;
typedef struct { bool set; uint64_t v; } hull_opt_u64;
typedef struct { bool set; bool v; } hull_opt_bool;
typedef struct { char *key; char *value; } hull_kv;

typedef struct { hull_kv *items; size_t n; } hull_kvmap;

/* ---- process ---- */

typedef struct {
  char *type;          /* "RLIMIT_NOFILE"... */
  int resource;        /* RLIMIT_* value, resolved at parse time */
  uint64_t soft, hard;
} hull_rlimit;

typedef struct {
  hull_strv bounding, effective, inheritable, permitted, ambient;
} hull_capabilities;

typedef struct {
  char *policy;        /* SCHED_OTHER ... */
  hull_opt_i64 nice, priority;
  hull_strv flags;
  hull_opt_u64 runtime, deadline, period;
} hull_scheduler;

typedef struct {
  char *class_;        /* IOPRIO_CLASS_RT|BE|IDLE */
  int64_t priority;
} hull_io_priority;

typedef struct {
  char *initial, *final;
} hull_cpu_affinity;

typedef struct {
  uid_t uid;
  gid_t gid;
  hull_opt_u64 umask;
  gid_t *additional_gids;
  size_t n_additional_gids;
  char *username;
} hull_user;

typedef struct {
  bool terminal;
  hull_opt_u64 console_height, console_width;
  hull_user user;
  hull_strv args;
  char *command_line;  /* Windows only; kept, ignored */
  hull_strv env;
  char *cwd;
  hull_capabilities *capabilities;
  hull_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  hull_opt_i64 oom_score_adj;
  hull_scheduler *scheduler;
  char *selinux_label;
  hull_io_priority *io_priority;
  hull_cpu_affinity *exec_cpu_affinity;
} hull_process;

/* ---- root, mounts, hooks ---- */

typedef struct {
  uint32_t container_id, host_id, size;
} hull_id_mapping;

typedef struct {
  char *destination;
  char *source;
  char *type;
  hull_strv options;
  hull_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  hull_id_mapping *gid_mappings;
  size_t n_gid_mappings;
} hull_mount;

typedef struct {
  char *path;
  hull_strv args;
  hull_strv env;
  hull_opt_i64 timeout; /* seconds, > 0 when set */
} hull_hook;

typedef struct { hull_hook *items; size_t n; } hull_hook_list;

typedef struct {
  hull_hook_list prestart, create_runtime, create_container, start_container,
      poststart, poststop;
} hull_hooks;

/* ---- linux ---- */

typedef enum {
  HULL_NS_PID,
  HULL_NS_NETWORK,
  HULL_NS_MOUNT,
  HULL_NS_IPC,
  HULL_NS_UTS,
  HULL_NS_USER,
  HULL_NS_CGROUP,
  HULL_NS_TIME,
  HULL_NS_COUNT
} hull_ns_type;

typedef struct {
  hull_ns_type type;
  char *path;          /* NULL: create a new one; else setns() to it */
} hull_namespace;

typedef struct {
  char *path;
  char type;           /* 'c', 'b', 'u', 'p' */
  int64_t major, minor;
  hull_opt_u64 file_mode;
  hull_opt_u64 uid, gid;
} hull_device;

typedef struct {
  bool allow;
  char *type;          /* "a", "c", "b" or NULL (= all) */
  hull_opt_i64 major, minor; /* unset = wildcard */
  char *access;        /* "rwm" subset or NULL */
} hull_device_cgroup;

typedef struct {
  hull_opt_i64 limit, reservation, swap, kernel, kernel_tcp;
  hull_opt_u64 swappiness;
  hull_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
} hull_memory;

typedef struct {
  hull_opt_u64 shares;
  hull_opt_i64 quota;
  hull_opt_u64 burst, period;
  hull_opt_i64 realtime_runtime;
  hull_opt_u64 realtime_period;
  char *cpus, *mems;
  hull_opt_i64 idle;
} hull_cpu;

typedef struct {
  int64_t major, minor;
  hull_opt_u64 weight, leaf_weight;
} hull_blkio_weight_device;

typedef struct {
  int64_t major, minor;
  uint64_t rate;
} hull_blkio_throttle;

typedef struct {
  hull_blkio_throttle *items;
  size_t n;
} hull_blkio_throttle_list;

typedef struct {
  hull_opt_u64 weight, leaf_weight;
  hull_blkio_weight_device *weight_device;
  size_t n_weight_device;
  hull_blkio_throttle_list throttle_read_bps, throttle_write_bps,
      throttle_read_iops, throttle_write_iops;
} hull_blkio;

typedef struct {
  char *page_size;     /* "2MB", "1GB" */
  uint64_t limit;
} hull_hugepage_limit;

typedef struct {
  char *name;
  uint32_t priority;
} hull_net_priority;

typedef struct {
  hull_opt_u64 class_id;
  hull_net_priority *priorities;
  size_t n_priorities;
} hull_network;

typedef struct {
  char *device;
  hull_opt_u64 hca_handles, hca_objects;
} hull_rdma;

typedef struct {
  hull_device_cgroup *devices;
  size_t n_devices;
  hull_memory *memory;
  hull_cpu *cpu;
  hull_opt_i64 pids_limit;   /* set when .pids.limit given */
  hull_blkio *block_io;
  hull_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  hull_network *network;
  hull_rdma *rdma;
  size_t n_rdma;
  hull_kvmap unified;
} hull_resources;

typedef struct {
  uint32_t index;
  uint64_t value, value_two;
  char *op;            /* SCMP_CMP_* */
} hull_seccomp_arg;

typedef struct {
  hull_strv names;
  char *action;        /* SCMP_ACT_* */
  hull_opt_u64 errno_ret;
  hull_seccomp_arg *args;
  size_t n_args;
} hull_seccomp_syscall;

typedef struct {
  char *default_action;
  hull_opt_u64 default_errno_ret;
  hull_strv architectures;
  hull_strv flags;
  char *listener_path;
  char *listener_metadata;
  hull_seccomp_syscall *syscalls;
  size_t n_syscalls;
} hull_seccomp;

typedef struct {
  char *domain;        /* LINUX, LINUX32 */
  hull_strv flags;
} hull_personality;

typedef struct {
  char *mode;          /* MPOL_* */
  char *nodes;
  hull_strv flags;
} hull_memory_policy;

typedef struct {
  bool set;
  int64_t secs;
  uint32_t nanosecs;
} hull_time_offset;

typedef struct {
  char *name;          /* host device name */
  char *new_name;      /* .name inside the container, may be NULL */
} hull_net_device;

typedef struct {
  hull_namespace *namespaces;
  size_t n_namespaces;
  hull_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  hull_id_mapping *gid_mappings;
  size_t n_gid_mappings;
  hull_time_offset time_monotonic, time_boottime;
  hull_device *devices;
  size_t n_devices;
  char *cgroups_path;
  hull_resources *resources;
  char *rootfs_propagation;  /* shared, slave, private, unbindable, rshared... */
  hull_seccomp *seccomp;
  hull_kvmap sysctl;
  hull_strv masked_paths;
  hull_strv readonly_paths;
  char *mount_label;
  hull_personality *personality;
  hull_memory_policy *memory_policy;
  hull_net_device *net_devices;
  size_t n_net_devices;
  bool intel_rdt;            /* linux.intelRdt present: refused, unsupported */
  char *intel_rdt_clos_id;
} hull_linux;

/* ---- the whole config ---- */

typedef struct hull_spec {
  char *oci_version;
  hull_process *process;     /* required by hull for create/run */
  struct {
    char *path;              /* as written in config.json */
    bool readonly;
  } root;
  char *hostname;
  char *domainname;
  hull_mount *mounts;
  size_t n_mounts;
  hull_hooks hooks;
  hull_kvmap annotations;
  hull_linux *linux_;        /* NULL when absent */
} hull_spec;

/* Parses and validates a config.json file. On failure the message reads
 * "<name>: .json.path: what was expected", e.g.
 * "config.json: .process.args[0]: expected a string". `name` is used only
 * in messages (callers pass "config.json"). */
int hull_spec_load (const char *file, const char *name, hull_spec **out, hull_error *err);

/* Same, from a buffer. */
int hull_spec_parse (const char *json, size_t len, const char *name, hull_spec **out, hull_error *err);

void hull_spec_free (hull_spec *spec);

/* The "hooks" member of a JSON object (a config.json, or the copy hull
 * keeps in the state dir), into a zeroed *out; freed by hull_hooks_clear. */
int hull_spec_parse_hooks (const char *json, size_t len, const char *name, hull_hooks *out,
                           hull_error *err);
void hull_hooks_clear (hull_hooks *hooks);
/* Parses a lone runtime-spec process object (what `exec --process FILE`
 * takes), with the same checks as config.json's .process; messages read
 * "<name>: .args: expected a non-empty array". */
int hull_process_parse (const char *json, size_t len, const char *name, hull_process **out,
                        hull_error *err);
void hull_process_free (hull_process *proc);

/* Parses a LinuxResources JSON document (as `update --resources` takes). */
int hull_resources_parse (const char *json, size_t len, const char *name,
                          hull_resources **out, hull_error *err);
void hull_resources_free (hull_resources *res);

/* Returns the namespace entry of this type, or NULL when not requested. */
const hull_namespace *hull_spec_namespace (const hull_spec *spec, hull_ns_type type);

/* "pid", "network", ... -> HULL_NS_*; -1 if unknown. And back. */
int hull_ns_type_from_name (const char *name);
const char *hull_ns_type_name (hull_ns_type type);

/* The default config.json written by `hull spec` (rootless: user namespace,
 * mappings for the calling user, no cgroup-only mounts; cgroupns: a cgroup
 * namespace, which runc adds on a cgroup v2 host). Returns a malloc'd JSON
 * text that hull_spec_parse accepts and `hull run` runs. */
char *hull_spec_default_json (bool rootless, bool cgroupns, uid_t uid, gid_t gid);

#endif
