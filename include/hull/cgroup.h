/* Cgroups behind one interface: v1, v2 and hybrid hosts.
 * A hull_cgroup records the directories hull created for one container,
 * so delete removes exactly those and never one it did not create. */
#ifndef HULL_CGROUP_H
#define HULL_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <hull/error.h>
#include <hull/spec.h>

typedef enum {
  HULL_CGROUP_LAYOUT_V1,     /* only v1 hierarchies */
  HULL_CGROUP_LAYOUT_V2,     /* cgroup2 at /sys/fs/cgroup */
  HULL_CGROUP_LAYOUT_HYBRID, /* v1 controllers plus cgroup2 at /sys/fs/cgroup/unified */
} hull_cgroup_layout;

typedef struct {
  char *controller;          /* "memory", "cpu,cpuacct", "name=systemd", "" for unified */
  char *path;                /* absolute directory */
  bool created;              /* hull made it (and so may remove it) */
  char *top;                 /* topmost directory hull made on the way to path
                              * (path itself or an ancestor); destroy removes
                              * path..top, deepest first. NULL unless created. */
  char *mount_point;         /* the hierarchy's; only between plan and make */
  bool v2;                   /* the cgroup2 hierarchy; only between plan and make */
} hull_cgroup_dir;

typedef struct hull_cgroup {
  hull_cgroup_layout layout;
  hull_cgroup_dir *dirs;
  size_t n_dirs;
} hull_cgroup;

/* Host layout, detected at run time from /sys/fs/cgroup's filesystem type. */
int hull_cgroup_detect (hull_cgroup_layout *layout, hull_error *err);

/* Computes the container's cgroup directories from linux.cgroupsPath
 * (relative: under the caller's own cgroup, read from /proc/self/cgroup, per
 * hierarchy; absolute: as given; missing: "hull/<id>" relative) without
 * creating anything: each dir is marked created (with the topmost missing
 * directory as top) when it does not exist yet. Recorded before make, the
 * plan lets delete find what a runtime killed during make left. manager
 * "disabled" yields an empty cgroup (no dirs). */
int hull_cgroup_plan (const hull_spec *spec, const char *id, const char *manager,
                      hull_cgroup **out, hull_error *err);

/* Creates the planned directories and records what was really made. A
 * pre-existing cgroup that holds processes is a warning (as runc 1.1.5); a
 * frozen one is refused ("container's cgroup unexpectedly frozen"). On
 * failure nothing made is left behind and cg records nothing created. An
 * unprivileged runtime that may not create cgroups (and needs no limits)
 * gets an empty cg. */
int hull_cgroup_make (hull_cgroup *cg, const hull_spec *spec, hull_error *err);

/* An O_DIRECTORY fd on the v2 directory for clone3(CLONE_INTO_CGROUP), or -1
 * when not pure v2 (the caller then uses hull_cgroup_enter). */
int hull_cgroup_v2_fd (const hull_cgroup *cg);

/* Moves pid into every directory (cgroup.procs). */
int hull_cgroup_enter (const hull_cgroup *cg, pid_t pid, hull_error *err);

/* Every pid in the container's cgroup and the cgroups below it (from the
 * first directory that has cgroup.procs), malloc'd array. */
int hull_cgroup_pids (const hull_cgroup *cg, pid_t **pids, size_t *n, hull_error *err);

/* kill --all: sends sig to every process in the container's cgroup. SIGKILL
 * on v2 writes cgroup.kill (atomic, kernel >= 5.14); else, as runc, SIGKILL
 * freezes the cgroup, signals each pid and thaws, so a forking process
 * cannot escape; other signals go to each pid. Returns 1 when signalled,
 * 0 when the cgroup is gone (the caller falls back to the init pid). */
int hull_cgroup_kill (const hull_cgroup *cg, int sig, hull_error *err);

/* Removes the directories hull created (deepest first, retrying briefly on
 * EBUSY while the last processes exit). */
int hull_cgroup_destroy (const hull_cgroup *cg, hull_error *err);

/* ---- resources (linux.resources) ---- */

/* Checks resources against the host layout before any side effect: values
 * in range, controllers present, unified keys valid. Messages name the JSON
 * path (prefix: "config.json: .linux.resources" or the update's source). */
int hull_cgroup_check_resources (hull_cgroup_layout layout, const hull_resources *res,
                                 const char *where, hull_error *err);

/* Writes the resources into the container's directories: at create before
 * the process joins (no window where it runs unlimited), and on update. */
int hull_cgroup_apply_resources (const hull_cgroup *cg, const hull_resources *res, bool update,
                                 hull_error *err);

/* pause/resume: v1 freezer.state, v2 cgroup.freeze; waits until frozen. */
int hull_cgroup_freeze (const hull_cgroup *cg, bool frozen, hull_error *err);
/* Whether the container's cgroup is frozen (false when there is no freezer). */
bool hull_cgroup_is_frozen (const hull_cgroup *cg);

/* Persistence inside state.json: an opaque JSON text and back. */
char *hull_cgroup_to_json (const hull_cgroup *cg);
int hull_cgroup_from_json (const char *json, hull_cgroup **out, hull_error *err);

void hull_cgroup_free (hull_cgroup *cg);

/* ---- stats and OOM notifications (events; src/cgroup/stats*.c, oom.c) ---- */

/* runc's types.Stats, field for field (units: bytes, nanoseconds). */
typedef struct { uint64_t limit, usage, max, failcnt; } hull_cg_mem_entry;
typedef struct { double avg10, avg60, avg300; uint64_t total; } hull_cg_psi_data;
typedef struct { bool present; hull_cg_psi_data some, full; } hull_cg_psi;
typedef struct { uint64_t major, minor; char op[16]; uint64_t value; } hull_cg_blkio_entry;
typedef struct { hull_cg_blkio_entry *v; size_t n; } hull_cg_blkio_list;
typedef struct { uint64_t *v; size_t n; } hull_cg_u64_list;
typedef struct { uint16_t *v; size_t n; } hull_cg_u16_list;
typedef struct { char *key; uint64_t value; } hull_cg_stat_kv;
typedef struct { char size[16]; uint64_t usage, max, failcnt; } hull_cg_hugetlb_stat;

/* blkio lists, in runc's JSON order. */
enum {
  HULL_CG_BLKIO_SERVICE_BYTES,
  HULL_CG_BLKIO_SERVICED,
  HULL_CG_BLKIO_QUEUED,
  HULL_CG_BLKIO_SERVICE_TIME,
  HULL_CG_BLKIO_WAIT_TIME,
  HULL_CG_BLKIO_MERGED,
  HULL_CG_BLKIO_TIME,
  HULL_CG_BLKIO_SECTORS,
  HULL_CG_BLKIO_N
};

typedef struct hull_cgroup_stats {
  struct {
    uint64_t total, kernel, user;
    hull_cg_u64_list percpu, percpu_kernel, percpu_user;
    uint64_t periods, throttled_periods, throttled_time;
    hull_cg_psi psi;
  } cpu;
  struct {
    hull_cg_u16_list cpus, mems;
    uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate, memory_spread_page,
      memory_spread_slab, memory_pressure, sched_load_balance;
    int64_t sched_relax_domain_level;
  } cpuset;
  struct {
    uint64_t cache;
    hull_cg_mem_entry usage, swap, kernel, kernel_tcp;
    hull_cg_stat_kv *raw;    /* memory.stat, sorted by key after finish */
    size_t n_raw;
    hull_cg_psi psi;
    bool have_stat;          /* memory.stat was read (v2 derives swap from it) */
  } memory;
  struct { uint64_t current, limit; } pids;
  struct {
    hull_cg_blkio_list lists[HULL_CG_BLKIO_N];
    hull_cg_psi psi;
  } blkio;
  hull_cg_hugetlb_stat *hugetlb;
  size_t n_hugetlb;
} hull_cgroup_stats;

/* Reads the container's statistics from every directory of cg (v1, v2 or
 * hybrid: v1 controllers plus hugetlb from the unified tree). Files a
 * kernel lacks are left at zero; a missing directory is an error. */
int hull_cgroup_stats_read (const hull_cgroup *cg, hull_cgroup_stats *s, hull_error *err);
void hull_cgroup_stats_clear (hull_cgroup_stats *s);

/* Emits s as runc's "data" object (omitempty as runc's encoding/json). */
struct yajl_gen_t;
int hull_cgroup_stats_gen (struct yajl_gen_t *g, const hull_cgroup_stats *s);

/* OOM notifications: v1 an eventfd on memory.oom_control, v2 inotify on
 * memory.events. open gives *out NULL when the container has no memory
 * cgroup. The fd becomes readable on an OOM (or the cgroup's removal);
 * check then counts the new OOMs (non-blocking) and sets *gone once the
 * cgroup no longer exists. */
typedef struct hull_cgroup_oom hull_cgroup_oom;
int hull_cgroup_oom_open (const hull_cgroup *cg, hull_cgroup_oom **out, hull_error *err);
int hull_cgroup_oom_fd (const hull_cgroup_oom *w);
int hull_cgroup_oom_check (hull_cgroup_oom *w, uint64_t *n, bool *gone, hull_error *err);
void hull_cgroup_oom_close (hull_cgroup_oom *w);

#endif
