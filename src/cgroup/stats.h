/* The pure half of the stats: cgroup file texts in, hull_cgroup_stats out.
 * stats.c does the reading and feeds each file here, so unit tests can
 * drive every parser with texts captured from real v1 and v2 hosts. */
#ifndef HULL_CGROUP_STATS_H
#define HULL_CGROUP_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <hull/cgroup.h>
#include <hull/error.h>

/* Applies one file's text (file: its name in the cgroup directory, e.g.
 * "memory.stat", "hugetlb.2MB.current", "blkio.throttle.io_serviced_recursive").
 * v2 selects the cgroup2 meaning of names both versions have (cpu.stat,
 * memory.stat). Names it does not know are ignored. Errors name the file. */
int hull_cg_stats_parse (hull_cgroup_stats *s, bool v2, const char *file, const char *text,
                         hull_error *err);

/* After every file: the values runc derives (cache from memory.stat; on
 * v2 the v1-style memory+swap entry) and the raw map sorted by key. */
void hull_cg_stats_finish (hull_cgroup_stats *s, bool v2);

/* A cgroup integer as runc reads it: "max" is UINT64_MAX, a negative
 * number (v1's -1) is 0. */
int hull_cg_parse_u64 (const char *text, uint64_t *out);

/* "0-3,5" -> 0 1 2 3 5 (cpuset.cpus / cpuset.mems). */
int hull_cg_parse_id_list (const char *text, hull_cg_u16_list *out);

/* memory.events: the oom and oom_kill counters (0 when a line is missing). */
int hull_cg_parse_memory_events (const char *text, uint64_t *oom, uint64_t *oom_kill);

/* stats_blkio.c: blkio.* (v1) or io.stat (v2); 1 when file is neither. */
int hull_cg_stats_parse_blkio (hull_cgroup_stats *s, bool v2, const char *file, const char *text,
                               hull_error *err);

/* The blkio files runc reads, in its order of preference: the first group
 * whose first file has entries is used (bfq with debug, bfq, cfq,
 * throttle recursive, throttle). NULL-terminated groups, NULL at the end. */
extern const char *const *const hull_cg_blkio_groups[];

#endif
