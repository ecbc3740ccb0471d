/* Reading the container's statistics: which files of which directory, per
 * layout (the parsing is in stats_parse.c). v1: one directory per
 * controller; v2: the unified directory; hybrid: the v1 controllers, plus
 * hugetlb from the unified tree when no v1 hierarchy has it. */
#include "config.h"
#include "cgroup/internal.h"
#include "cgroup/resources.h"
#include "cgroup/stats.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"

/* Reads dir/file into the parser: 1 when the kernel has no such file
 * (ENOENT, or ENODEV/EOPNOTSUPP for a disabled feature such as PSI), 0
 * when parsed, -1 on error. */
static int
feed (hull_cgroup_stats *s, bool v2, const char *dir, const char *file, hull_error *err)
{
  char path[PATH_MAX];
  if (snprintf (path, sizeof path, "%s/%s", dir, file) >= (int) sizeof path)
    return hull_fail (err, ENAMETOOLONG, "%s/%s", dir, file);
  cleanup_free char *text = NULL;
  if (hull_read_file (path, &text, NULL, err) < 0)
    {
      int e = err->errnum;
      if (e == ENOENT || e == ENODEV || e == EOPNOTSUPP || e == ENOTSUP)
        {
          hull_error_clear (err);
          return 1;
        }
      return -1;
    }
  if (hull_cg_stats_parse (s, v2, file, text, err) < 0)
    return hull_error_prefix (err, "%s/", dir);
  return 0;
}

static int
feed_all (hull_cgroup_stats *s, bool v2, const char *dir, const char *const *files,
          hull_error *err)
{
  for (; *files; files++)
    if (feed (s, v2, dir, *files, err) < 0)
      return -1;
  return 0;
}

/* The host's huge page sizes as cgroup file names use them ("2MB", "1GB"). */
typedef struct {
  char names[8][16];
  size_t n;
} page_sizes;

static void
hugepage_sizes (page_sizes *ps)
{
  ps->n = 0;
  cleanup_closedir DIR *d = opendir (HUGEPAGES_DIR);
  if (d == NULL)
    return;  /* no huge pages configured: nothing to report */
  struct dirent *e;
  while ((e = readdir (d)) != NULL && ps->n < sizeof ps->names / sizeof ps->names[0])
    if (hull_cg_hugepage_size_name (e->d_name, ps->names[ps->n], sizeof ps->names[0]))
      ps->n++;
}

static int
read_hugetlb (hull_cgroup_stats *s, bool v2, const char *dir, hull_error *err)
{
  static const char *const v1_files[] = { "usage_in_bytes", "max_usage_in_bytes", "failcnt" };
  static const char *const v2_files[] = { "current", "events" };
  const char *const *what = v2 ? v2_files : v1_files;
  size_t n_what = v2 ? 2 : 3;
  page_sizes ps;
  hugepage_sizes (&ps);
  for (size_t i = 0; i < ps.n; i++)
    for (size_t j = 0; j < n_what; j++)
      {
        char file[64];
        snprintf (file, sizeof file, "hugetlb.%s.%s", ps.names[i], what[j]);
        if (feed (s, v2, dir, file, err) < 0)
          return -1;
      }
  return 0;
}

/* runc's blkio order: the first group whose first file has entries. */
static int
read_blkio_v1 (hull_cgroup_stats *s, const char *dir, hull_error *err)
{
  for (size_t g = 0; hull_cg_blkio_groups[g]; g++)
    {
      const char *const *files = hull_cg_blkio_groups[g];
      int r = feed (s, false, dir, files[0], err);
      if (r < 0)
        return -1;
      bool any = false;
      for (int i = 0; i < HULL_CG_BLKIO_N; i++)
        any = any || s->blkio.lists[i].n > 0;
      if (r == 0 && any)
        return feed_all (s, false, dir, files + 1, err);
    }
  return 0;
}

static int
read_v1 (hull_cgroup_stats *s, const hull_cgroup_dir *d, hull_error *err)
{
  static const char *const cpuacct[] = { "cpuacct.stat", "cpuacct.usage", "cpuacct.usage_percpu",
                                         "cpuacct.usage_all", NULL };
  static const char *const cpu[] = { "cpu.stat", NULL };
  static const char *const cpuset[] = {
    "cpuset.cpus", "cpuset.cpu_exclusive", "cpuset.mems", "cpuset.mem_hardwall",
    "cpuset.mem_exclusive", "cpuset.memory_migrate", "cpuset.memory_spread_page",
    "cpuset.memory_spread_slab", "cpuset.memory_pressure", "cpuset.sched_load_balance",
    "cpuset.sched_relax_domain_level", NULL,
  };
  static const char *const memory[] = {
    "memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.failcnt",
    "memory.limit_in_bytes", "memory.memsw.usage_in_bytes", "memory.memsw.max_usage_in_bytes",
    "memory.memsw.failcnt", "memory.memsw.limit_in_bytes", "memory.kmem.usage_in_bytes",
    "memory.kmem.max_usage_in_bytes", "memory.kmem.failcnt", "memory.kmem.limit_in_bytes",
    "memory.kmem.tcp.usage_in_bytes", "memory.kmem.tcp.max_usage_in_bytes",
    "memory.kmem.tcp.failcnt", "memory.kmem.tcp.limit_in_bytes", NULL,
  };
  static const char *const pids[] = { "pids.current", "pids.max", NULL };
  const char *c = d->controller, *dir = d->path;

  if (hull_cg_list_has (c, "cpuacct") && feed_all (s, false, dir, cpuacct, err) < 0)
    return -1;
  if (hull_cg_list_has (c, "cpu") && feed_all (s, false, dir, cpu, err) < 0)
    return -1;
  if (hull_cg_list_has (c, "cpuset") && feed_all (s, false, dir, cpuset, err) < 0)
    return -1;
  if (hull_cg_list_has (c, "memory"))
    {
      int r = feed (s, false, dir, "memory.stat", err);
      if (r < 0 || (r == 0 && feed_all (s, false, dir, memory, err) < 0))
        return -1;
    }
  if (hull_cg_list_has (c, "pids") && feed_all (s, false, dir, pids, err) < 0)
    return -1;
  if (hull_cg_list_has (c, "blkio") && read_blkio_v1 (s, dir, err) < 0)
    return -1;
  if (hull_cg_list_has (c, "hugetlb") && read_hugetlb (s, false, dir, err) < 0)
    return -1;
  return 0;
}

static int
read_v2 (hull_cgroup_stats *s, const char *dir, hull_error *err)
{
  static const char *const memory[] = { "memory.current", "memory.max", "memory.peak",
                                        "memory.swap.current", "memory.swap.max", NULL };
  static const char *const rest[] = { "pids.max", "io.stat", "cpu.stat", "cpu.pressure",
                                      "memory.pressure", "io.pressure", NULL };
  int r = feed (s, true, dir, "pids.current", err);
  if (r == 1)
    r = feed (s, true, dir, "cgroup.procs", err);
  if (r < 0)
    return -1;
  r = feed (s, true, dir, "memory.stat", err);
  if (r < 0 || (r == 0 && feed_all (s, true, dir, memory, err) < 0))
    return -1;
  if (feed_all (s, true, dir, rest, err) < 0)
    return -1;
  return read_hugetlb (s, true, dir, err);
}

int
hull_cgroup_stats_read (const hull_cgroup *cg, hull_cgroup_stats *s, hull_error *err)
{
  *s = (hull_cgroup_stats) { 0 };
  bool v2 = cg->layout == HULL_CGROUP_LAYOUT_V2;
  bool v1_hugetlb = false;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      if (access (cg->dirs[i].path, F_OK) < 0)
        {
          hull_fail_errno (err, "cgroup %s", cg->dirs[i].path);
          goto fail;
        }
      v1_hugetlb = v1_hugetlb || hull_cg_list_has (cg->dirs[i].controller, "hugetlb");
    }
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      const hull_cgroup_dir *d = &cg->dirs[i];
      int r = 0;
      if (v2 && d->controller[0] == '\0')
        r = read_v2 (s, d->path, err);
      else if (!v2 && d->controller[0] == '\0' && !v1_hugetlb)
        /* Hybrid: the unified tree carries the hugetlb controller. */
        r = read_hugetlb (s, true, d->path, err);
      else if (!v2)
        r = read_v1 (s, d, err);
      if (r < 0)
        goto fail;
    }
  hull_cg_stats_finish (s, v2);
  return 0;
fail:
  hull_cgroup_stats_clear (s);
  return -1;
}
