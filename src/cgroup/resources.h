/* linux.resources as a list of cgroup file writes. The mapping is pure
 * (resources + a few host facts in, (controller, file, value) out) so unit
 * tests drive it for every layout without touching a host. */
#ifndef HULL_CGROUP_RESOURCES_H
#define HULL_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hull/cgroup.h>
#include <hull/error.h>
#include <hull/spec.h>

typedef struct {
  const char *controller; /* v1 controller ("memory", "cpu"), "" for the unified hierarchy */
  const char *json;       /* ".memory", ".cpu"...: for messages naming the JSON path */
  char *file;             /* "memory.limit_in_bytes" */
  char *value;
  bool optional;          /* skipped when the file does not exist (e.g. hugetlb rsvd) */
  bool soft;              /* skipped when the controller is absent (device rules) */
} hull_cg_write;

typedef struct {
  hull_cg_write *v;
  size_t n, cap;
} hull_cg_writes;

/* Host facts the mapping depends on. */
typedef struct {
  hull_cgroup_layout layout;
  bool hugetlb_v2;        /* hybrid: hugetlb is in the unified hierarchy, not v1 */
  bool has_cur_limit;     /* v1 memory.limit_in_bytes was read into cur_limit */
  uint64_t cur_limit;     /* orders memory and memsw writes on update */
  bool memsw;             /* v1 memory.memsw.limit_in_bytes exists (swap accounting) */
} hull_cg_map_opts;

int hull_cg_writes_add (hull_cg_writes *w, const char *controller, const char *json,
                        const char *file, bool optional, const char *fmt, ...)
  __attribute__ ((format (printf, 6, 7)));
void hull_cg_writes_clear (hull_cg_writes *w);

/* resources.c: the layout-independent value checks (pure); where is the
 * JSON path prefix ("config.json: .linux.resources"). */
int hull_cg_check_values (hull_cgroup_layout layout, const hull_resources *res,
                          const char *where, hull_error *err);
/* "0-3,5": a cpuset list. */
bool hull_cg_cpuset_list_ok (const char *s);
/* "hugepages-2048kB" -> "2MB" (as the kernel's hugetlb files name sizes). */
bool hull_cg_hugepage_size_name (const char *dirent, char *out, size_t size);

/* Dispatch on o->layout: v1 and hybrid map through v1, pure v2 through v2. */
int hull_cg_map (const hull_resources *res, const hull_cg_map_opts *o, hull_cg_writes *w,
                 hull_error *err);

/* resources_v1.c */
int hull_cg_map_v1 (const hull_resources *res, const hull_cg_map_opts *o, hull_cg_writes *w,
                    hull_error *err);

/* resources_v2.c */
int hull_cg_map_v2 (const hull_resources *res, const hull_cg_map_opts *o, hull_cg_writes *w,
                    hull_error *err);
/* The hugetlb and unified writes in v2 naming (hybrid uses them too). */
int hull_cg_map_v2_hugetlb (const hull_resources *res, hull_cg_writes *w, hull_error *err);
int hull_cg_map_v2_unified (const hull_resources *res, hull_cg_writes *w, hull_error *err);
/* cpu.shares (v1) -> cpu.weight (v2); 0 stays 0 (unset). */
uint64_t hull_cg_cpu_weight (uint64_t shares);
/* blkio.weight 10..1000 -> io.weight 1..10000; 0 stays 0. */
uint64_t hull_cg_io_weight (uint64_t weight);

#endif
