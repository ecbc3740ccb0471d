/* linux.resources: the checks made before any side effect, and the writes
 * into the container's cgroup directories (create and update). The
 * mapping to files lives in resources_v1.c and resources_v2.c. */
#include "config.h"
#include "cgroup/internal.h"
#include "cgroup/resources.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"

int
hull_cg_writes_add (hull_cg_writes *w, const char *controller, const char *json,
                    const char *file, bool optional, const char *fmt, ...)
{
  if (w->n == w->cap)
    {
      size_t cap = w->cap ? w->cap * 2 : 16;
      hull_cg_write *v = realloc (w->v, cap * sizeof *v);
      if (v == NULL)
        return -1;
      w->v = v;
      w->cap = cap;
    }
  va_list ap;
  va_start (ap, fmt);
  char *value = NULL;
  int r = vasprintf (&value, fmt, ap);
  va_end (ap);
  char *f = strdup (file);
  if (r < 0 || f == NULL)
    {
      free (f);
      if (r >= 0)
        free (value);
      return -1;
    }
  w->v[w->n++] = (hull_cg_write) { .controller = controller, .json = json, .file = f,
                                   .value = value, .optional = optional };
  return 0;
}

void
hull_cg_writes_clear (hull_cg_writes *w)
{
  for (size_t i = 0; i < w->n; i++)
    {
      free (w->v[i].file);
      free (w->v[i].value);
    }
  free (w->v);
  *w = (hull_cg_writes) { 0 };
}

int
hull_cg_map (const hull_resources *res, const hull_cg_map_opts *o, hull_cg_writes *w,
             hull_error *err)
{
  return o->layout == HULL_CGROUP_LAYOUT_V2 ? hull_cg_map_v2 (res, o, w, err)
                                            : hull_cg_map_v1 (res, o, w, err);
}

/* ---- pure checks ---- */

bool
hull_cg_cpuset_list_ok (const char *s)
{
  const char *p = s;
  if (*p == '\0')
    return true;
  for (;;)
    {
      char *end;
      if (*p < '0' || *p > '9')
        return false;
      unsigned long a = strtoul (p, &end, 10);
      p = end;
      if (*p == '-')
        {
          p++;
          if (*p < '0' || *p > '9')
            return false;
          unsigned long b = strtoul (p, &end, 10);
          if (b < a)
            return false;
          p = end;
        }
      if (*p == '\0' || *p == '\n')
        return true;
      if (*p++ != ',')
        return false;
    }
}

bool
hull_cg_hugepage_size_name (const char *dirent, char *out, size_t size)
{
  unsigned long long kb;
  char unit[4];
  if (sscanf (dirent, "hugepages-%llu%3s", &kb, unit) != 2 || strcmp (unit, "kB") != 0
      || kb == 0)
    return false;
  static const char *const units[] = { "KB", "MB", "GB", "TB" };
  int u = 0;
  while (kb % 1024 == 0 && u < 3)
    {
      kb /= 1024;
      u++;
    }
  return snprintf (out, size, "%llu%s", kb, units[u]) < (int) size;
}

static int
check_memory (hull_cgroup_layout layout, const hull_memory *m, const char *where,
              hull_error *err)
{
  if (m->limit.set && m->limit.v < -1)
    return hull_fail (err, 0, "%s.memory.limit: invalid value %" PRId64, where, m->limit.v);
  if (m->swap.set && m->swap.v < -1)
    return hull_fail (err, 0, "%s.memory.swap: invalid value %" PRId64, where, m->swap.v);
  if (m->reservation.set && m->reservation.v < -1)
    return hull_fail (err, 0, "%s.memory.reservation: invalid value %" PRId64, where,
                      m->reservation.v);
  if (m->swappiness.set && m->swappiness.v > 100)
    return hull_fail (err, 0, "%s.memory.swappiness: %" PRIu64 " is not in 0..100", where,
                      m->swappiness.v);
  int64_t limit = m->limit.set ? m->limit.v : 0, swap = m->swap.set ? m->swap.v : 0;
  if (swap > 0 && limit > 0 && swap < limit)
    return hull_fail (err, 0,
                      "%s.memory.swap: memory+swap limit %" PRId64
                      " is lower than the memory limit %" PRId64, where, swap, limit);
  if (layout == HULL_CGROUP_LAYOUT_V2 && swap > 0 && limit <= 0)
    return hull_fail (err, 0, "%s.memory.swap: a swap limit needs a memory limit on cgroup v2",
                      where);
  return 0;
}

static int
check_cpu (hull_cgroup_layout layout, const hull_cpu *c, const char *where, hull_error *err)
{
  bool v2 = layout == HULL_CGROUP_LAYOUT_V2;
  if (c->shares.set && c->shares.v != 0 && (c->shares.v < 2 || c->shares.v > 262144))
    return hull_fail (err, 0, "%s.cpu.shares: %" PRIu64 " is not in 2..262144", where,
                      c->shares.v);
  if (c->quota.set && c->quota.v < -1)
    return hull_fail (err, 0, "%s.cpu.quota: invalid value %" PRId64, where, c->quota.v);
  if (c->idle.set && !v2)
    return hull_fail (err, 0, "%s.cpu.idle: not available on cgroup v1", where);
  if (c->idle.set && c->idle.v != 0 && c->idle.v != 1)
    return hull_fail (err, 0, "%s.cpu.idle: %" PRId64 " is not 0 or 1", where, c->idle.v);
  if (v2 && ((c->realtime_runtime.set && c->realtime_runtime.v != 0)
             || (c->realtime_period.set && c->realtime_period.v != 0)))
    return hull_fail (err, 0, "%s.cpu.realtimeRuntime: not available on cgroup v2", where);
  if (c->cpus && !hull_cg_cpuset_list_ok (c->cpus))
    return hull_fail (err, 0, "%s.cpu.cpus: invalid cpu list \"%s\"", where, c->cpus);
  if (c->mems && !hull_cg_cpuset_list_ok (c->mems))
    return hull_fail (err, 0, "%s.cpu.mems: invalid memory node list \"%s\"", where, c->mems);
  return 0;
}

static bool
weight_ok (hull_opt_u64 w)
{
  return !w.set || w.v == 0 || (w.v >= 10 && w.v <= 1000);
}

static int
check_blkio (hull_cgroup_layout layout, const hull_blkio *b, const char *where,
             hull_error *err)
{
  if (!weight_ok (b->weight))
    return hull_fail (err, 0, "%s.blockIO.weight: %" PRIu64 " is not in 10..1000", where,
                      b->weight.v);
  if (!weight_ok (b->leaf_weight))
    return hull_fail (err, 0, "%s.blockIO.leafWeight: %" PRIu64 " is not in 10..1000", where,
                      b->leaf_weight.v);
  if (layout == HULL_CGROUP_LAYOUT_V2 && b->leaf_weight.set && b->leaf_weight.v != 0)
    return hull_fail (err, 0, "%s.blockIO.leafWeight: not available on cgroup v2", where);
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const hull_blkio_weight_device *d = &b->weight_device[i];
      if (!weight_ok (d->weight) || !weight_ok (d->leaf_weight))
        return hull_fail (err, 0, "%s.blockIO.weightDevice[%zu]: weight is not in 10..1000",
                          where, i);
      if (d->major < 0 || d->minor < 0)
        return hull_fail (err, 0, "%s.blockIO.weightDevice[%zu]: invalid device number", where,
                          i);
    }
  const hull_blkio_throttle_list *l[4] = { &b->throttle_read_bps, &b->throttle_write_bps,
                                           &b->throttle_read_iops, &b->throttle_write_iops };
  for (int k = 0; k < 4; k++)
    for (size_t i = 0; i < l[k]->n; i++)
      if (l[k]->items[i].major < 0 || l[k]->items[i].minor < 0)
        return hull_fail (err, 0, "%s.blockIO: invalid device number %" PRId64 ":%" PRId64,
                          where, l[k]->items[i].major, l[k]->items[i].minor);
  return 0;
}

/* A raw key is one file of the container's own directory. */
static bool
unified_key_ok (const char *k)
{
  return k[0] && k[0] != '.' && strchr (k, '/') == NULL && strchr (k, '.') != NULL;
}

int
hull_cg_check_values (hull_cgroup_layout layout, const hull_resources *res, const char *where,
                      hull_error *err)
{
  bool v2 = layout == HULL_CGROUP_LAYOUT_V2;
  if (res->memory && check_memory (layout, res->memory, where, err) < 0)
    return -1;
  if (res->cpu && check_cpu (layout, res->cpu, where, err) < 0)
    return -1;
  if (res->pids_limit.set && res->pids_limit.v < -1)
    return hull_fail (err, 0, "%s.pids.limit: invalid value %" PRId64, where,
                      res->pids_limit.v);
  if (res->block_io && check_blkio (layout, res->block_io, where, err) < 0)
    return -1;
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    {
      const char *s = res->hugepage_limits[i].page_size;
      size_t d = s ? strspn (s, "0123456789") : 0;
      if (d == 0 || s[0] == '0'
          || (strcmp (s + d, "KB") && strcmp (s + d, "MB") && strcmp (s + d, "GB")))
        return hull_fail (err, 0, "%s.hugepageLimits[%zu].pageSize: invalid size \"%s\"",
                          where, i, s ? s : "");
    }
  if (res->network && v2)
    return hull_fail (err, 0, "%s.network: not available on cgroup v2", where);
  if (res->network)
    for (size_t i = 0; i < res->network->n_priorities; i++)
      {
        const char *n = res->network->priorities[i].name;
        if (n == NULL || !n[0] || strpbrk (n, " \n/"))
          return hull_fail (err, 0, "%s.network.priorities[%zu].name: invalid interface name",
                            where, i);
      }
  for (size_t i = 0; i < res->n_rdma; i++)
    {
      const char *d = res->rdma[i].device;
      if (d == NULL || !d[0] || strpbrk (d, " \n"))
        return hull_fail (err, 0, "%s.rdma: invalid device name \"%s\"", where, d ? d : "");
    }
  if (res->unified.n && layout == HULL_CGROUP_LAYOUT_V1)
    return hull_fail (err, 0, "%s.unified: not available on cgroup v1", where);
  for (size_t i = 0; i < res->unified.n; i++)
    if (!unified_key_ok (res->unified.items[i].key))
      return hull_fail (err, 0, "%s.unified: invalid key \"%s\" (expected a cgroup file name)",
                        where, res->unified.items[i].key);
  /* Device numbers are 32 bits in the v1 files and the eBPF context. */
  for (size_t i = 0; i < res->n_devices; i++)
    {
      const hull_device_cgroup *d = &res->devices[i];
      if ((d->major.set && d->major.v > UINT32_MAX) || (d->minor.set && d->minor.v > UINT32_MAX))
        return hull_fail (err, 0, "%s.devices[%zu]: device number out of range", where, i);
    }
  return 0;
}

/* ---- host checks ---- */

/* Page sizes this kernel has, as "2MB" names, space-separated. */
static bool
hugepage_size_exists (const char *size)
{
  cleanup_closedir DIR *d = opendir (HUGEPAGES_DIR);
  if (d == NULL)
    return false;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      char name[64];
      if (hull_cg_hugepage_size_name (e->d_name, name, sizeof name) && strcmp (name, size) == 0)
        return true;
    }
  return false;
}

/* The controller a v2 file belongs to: its name up to the first dot. */
static bool
v2_controller_enabled (const char *controllers, const char *file)
{
  const char *dot = strchr (file, '.');
  if (dot == NULL)
    return false;
  char name[64];
  size_t len = (size_t) (dot - file);
  if (len >= sizeof name)
    return false;
  memcpy (name, file, len);
  name[len] = '\0';
  if (strcmp (name, "cgroup") == 0)
    return true;
  /* cgroup.controllers is space-separated. */
  for (const char *p = controllers; *p;)
    {
      size_t n = strcspn (p, " \n");
      if (n == len && memcmp (p, name, len) == 0)
        return true;
      p += n;
      p += strspn (p, " \n");
    }
  return false;
}

static bool
v1_mounted (const hull_cg_hierarchy *h, size_t n, const char *controller)
{
  for (size_t i = 0; i < n; i++)
    if (!h[i].v2 && hull_cg_list_has (h[i].controllers, controller))
      return true;
  return false;
}

int
hull_cgroup_check_resources (hull_cgroup_layout layout, const hull_resources *res,
                             const char *where, hull_error *err)
{
  if (res == NULL)
    return 0;
  if (hull_cg_check_values (layout, res, where, err) < 0)
    return -1;
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    if (!hugepage_size_exists (res->hugepage_limits[i].page_size))
      return hull_fail (err, 0, "%s.hugepageLimits[%zu].pageSize: %s pages are not available "
                        "(see " HUGEPAGES_DIR ")", where, i, res->hugepage_limits[i].page_size);

  cleanup_free char *mountinfo = NULL;
  cleanup_free char *v2ctrl = NULL;
  hull_cg_hierarchy *h = NULL;
  size_t n = 0;
  if (layout != HULL_CGROUP_LAYOUT_V2
      && (hull_read_file ("/proc/self/mountinfo", &mountinfo, NULL, err) < 0
          || hull_cg_v1_hierarchies (mountinfo, &h, &n, err) < 0))
    return -1;
  if (layout != HULL_CGROUP_LAYOUT_V1)
    {
      const char *mp = layout == HULL_CGROUP_LAYOUT_V2 ? HULL_CG_ROOT : HULL_CG_UNIFIED_HYBRID;
      cleanup_free char *file = hull_path_join (mp, "cgroup.controllers");
      hull_error ignored;
      if (file == NULL || hull_read_file (file, &v2ctrl, NULL, &ignored) < 0)
        v2ctrl = strdup ("");
      if (v2ctrl == NULL)
        {
          hull_cg_hierarchies_free (h, n);
          return hull_fail (err, ENOMEM, "cgroup resources");
        }
    }

  /* Which controllers the writes need: map once with neutral host facts. */
  hull_cg_map_opts o = { .layout = layout, .memsw = true,
                         .hugetlb_v2 = layout == HULL_CGROUP_LAYOUT_HYBRID
                                       && !v1_mounted (h, n, "hugetlb") };
  hull_cg_writes w = { 0 };
  int ret = hull_cg_map (res, &o, &w, err);
  for (size_t i = 0; ret == 0 && i < w.n; i++)
    {
      const hull_cg_write *x = &w.v[i];
      if (x->controller[0] == '\0')
        {
          if (!v2_controller_enabled (v2ctrl, x->file))
            {
              const char *dot = strchr (x->file, '.');
              ret = hull_fail (err, 0, "%s%s: %s: the %.*s controller is not enabled in the "
                               "cgroup v2 hierarchy", where, x->json, x->file,
                               dot ? (int) (dot - x->file) : (int) strlen (x->file), x->file);
            }
        }
      else if (!x->soft && !v1_mounted (h, n, x->controller))
        ret = hull_fail (err, 0, "%s%s: the %s controller is not mounted", where, x->json,
                         x->controller);
    }
  hull_cg_writes_clear (&w);
  hull_cg_hierarchies_free (h, n);
  return ret;
}

/* ---- apply ---- */

static const hull_cgroup_dir *
find_dir (const hull_cgroup *cg, const char *controller)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (controller[0] ? hull_cg_list_has (cg->dirs[i].controller, controller)
                      : cg->dirs[i].controller[0] == '\0')
      return &cg->dirs[i];
  return NULL;
}

/* One write(2) per value: cgroup files parse each write as a whole. */
static int
write_value (const char *path, const char *value, hull_error *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "write %s", path);
  size_t len = strlen (value);
  ssize_t r = write (fd, value, len);
  if (r < 0)
    return hull_fail_errno (err, "write %s", path);
  if ((size_t) r != len)
    return hull_fail (err, EIO, "write %s", path);
  return 0;
}

static int
read_u64 (const char *dir, const char *file, uint64_t *out)
{
  cleanup_free char *path = hull_path_join (dir, file);
  cleanup_free char *text = NULL;
  hull_error ignored;
  if (path == NULL || hull_read_file (path, &text, NULL, &ignored) < 0)
    return -1;
  if (strncmp (text, "max", 3) == 0)
    {
      *out = UINT64_MAX;
      return 0;
    }
  char *end;
  errno = 0;
  *out = strtoull (text, &end, 10);
  return errno || end == text ? -1 : 0;
}

/* checkBeforeUpdate (v2, as runc): refuse a memory.max below what the
   container already uses instead of letting the kernel OOM-kill it. */
static int
check_before_update (const hull_cgroup *cg, const hull_resources *res, hull_error *err)
{
  const hull_memory *m = res->memory;
  if (m == NULL || !m->check_before_update.set || !m->check_before_update.v || !m->limit.set
      || m->limit.v <= 0)
    return 0;
  const hull_cgroup_dir *d = find_dir (cg, "");
  uint64_t cur;
  if (d == NULL || read_u64 (d->path, "memory.current", &cur) < 0)
    return 0;
  if (cur > (uint64_t) m->limit.v)
    return hull_fail (err, 0, "memory.max: the new limit %" PRId64
                      " is lower than the current usage %" PRIu64, m->limit.v, cur);
  return 0;
}

/* A v2 controller's files appear in a directory only once every ancestor
   lists it in cgroup.subtree_control; enables it top-down from the mount
   point (as runc does on v2), leaving ancestors that have it alone. */
static int
v2_enable_controller (const char *dir, const char *file, hull_error *err)
{
  const char *dot = strchr (file, '.');
  if (dot == NULL || (size_t) (dot - file) >= 64)
    return 0;
  char name[64];
  memcpy (name, file, (size_t) (dot - file));
  name[dot - file] = '\0';
  if (strcmp (name, "cgroup") == 0)
    return 0;
  const char *mp = strncmp (dir, HULL_CG_UNIFIED_HYBRID "/", strlen (HULL_CG_UNIFIED_HYBRID) + 1)
                       == 0
                   ? HULL_CG_UNIFIED_HYBRID
                   : HULL_CG_ROOT;
  size_t len = strlen (mp);
  if (strncmp (dir, mp, len) != 0 || dir[len] != '/')
    return 0;
  cleanup_free char *cur = strdup (dir);
  if (cur == NULL)
    return hull_fail (err, ENOMEM, "cgroup resources");
  /* Each ancestor of dir, from the mount point down. */
  for (char *slash = cur + len; slash && *slash; slash = strchr (slash + 1, '/'))
    {
      *slash = '\0';
      cleanup_free char *ctl = hull_path_join (cur, "cgroup.subtree_control");
      cleanup_free char *text = NULL;
      hull_error ignored;
      *slash = '/';
      if (ctl == NULL)
        return hull_fail (err, ENOMEM, "cgroup resources");
      if (hull_read_file (ctl, &text, NULL, &ignored) < 0)
        return 0;   /* the write below reports the missing file */
      if (v2_controller_enabled (text, file))
        continue;
      char plus[80];
      snprintf (plus, sizeof plus, "+%s", name);
      hull_debug ("cgroup: %s <- %s", ctl, plus);
      if (write_value (ctl, plus, err) < 0)
        return -1;
    }
  return 0;
}

/* Whether a v1 cpu.cfs_quota_us write comes after writes[i]. */
static bool
v1_quota_follows (const hull_cg_writes *w, size_t i)
{
  for (size_t k = i + 1; k < w->n; k++)
    if (strcmp (w->v[k].file, "cpu.cfs_quota_us") == 0)
      return true;
  return false;
}

/* The device rules are linux.resources.devices after the defaults; the
   linux.devices nodes get no rule of their own (runc 1.1.5 adds none
   either: a config allows what it lists there, or it stays denied). */
int
hull_cgroup_apply_resources (const hull_cgroup *cg, const hull_resources *res, bool update,
                             hull_error *err)
{
  if (cg == NULL || res == NULL || cg->n_dirs == 0)
    return 0;
  hull_cg_map_opts o = { .layout = cg->layout };
  if (cg->layout == HULL_CGROUP_LAYOUT_HYBRID)
    o.hugetlb_v2 = find_dir (cg, "hugetlb") == NULL;
  const hull_cgroup_dir *mem = cg->layout != HULL_CGROUP_LAYOUT_V2 ? find_dir (cg, "memory")
                                                                   : NULL;
  if (mem)
    {
      cleanup_free char *memsw = hull_path_join (mem->path, "memory.memsw.limit_in_bytes");
      o.memsw = memsw && access (memsw, F_OK) == 0;
      o.has_cur_limit = read_u64 (mem->path, "memory.limit_in_bytes", &o.cur_limit) == 0;
    }
  if (update && cg->layout == HULL_CGROUP_LAYOUT_V2 && check_before_update (cg, res, err) < 0)
    return -1;

  hull_cg_writes w = { 0 };
  if (hull_cg_map (res, &o, &w, err) < 0)
    {
      hull_cg_writes_clear (&w);
      return -1;
    }
  int ret = 0;
  cleanup_free char *deferred_period = NULL;
  for (size_t i = 0; ret == 0 && i < w.n; i++)
    {
      const hull_cg_write *x = &w.v[i];
      /* v1 device rules are set once at create: rewriting them would open
         a window where the container's devices are denied (v2 replaces its
         program below without one). */
      if (update && strcmp (x->controller, "devices") == 0)
        continue;
      const hull_cgroup_dir *d = find_dir (cg, x->controller);
      if (d == NULL)
        {
          if (!x->soft)
            ret = hull_fail (err, 0, "%s: no %s cgroup for the container", x->file,
                             x->controller[0] ? x->controller : "unified");
          continue;
        }
      cleanup_free char *path = hull_path_join (d->path, x->file);
      if (path == NULL)
        {
          ret = hull_fail (err, ENOMEM, "cgroup resources");
          break;
        }
      if (x->controller[0] == '\0' && access (path, F_OK) < 0 && errno == ENOENT
          && v2_enable_controller (d->path, x->file, err) < 0)
        {
          ret = -1;
          break;
        }
      if (access (path, F_OK) < 0 && errno == ENOENT)
        {
          if (x->optional)
            continue;
          if (strcmp (x->json, ".unified") == 0)
            {
              ret = hull_fail (err, 0, "unified: %s: no such file in %s", x->file, d->path);
              break;
            }
        }
      hull_debug ("cgroup: %s <- %s", path, x->value);
      ret = write_value (path, x->value, err);
      /* As runc: the kernel refuses a period (EINVAL) when the current quota
         over it would exceed the parent's limit; once the new quota is in,
         the same period fits. So it is written again after the quota. */
      if (ret < 0 && err->errnum == EINVAL && strcmp (x->file, "cpu.cfs_period_us") == 0
          && v1_quota_follows (&w, i))
        {
          hull_debug ("cgroup: %s: EINVAL, retried after cpu.cfs_quota_us", path);
          deferred_period = steal_ptr (path);
          hull_error_clear (err);
          ret = 0;
          continue;
        }
      if (ret == 0 && deferred_period != NULL && strcmp (x->file, "cpu.cfs_quota_us") == 0)
        {
          const hull_cg_write *period = NULL;
          for (size_t k = 0; k < i; k++)
            if (strcmp (w.v[k].file, "cpu.cfs_period_us") == 0)
              period = &w.v[k];
          hull_debug ("cgroup: %s <- %s", deferred_period, period->value);
          ret = write_value (deferred_period, period->value, err);
          free (deferred_period);
          deferred_period = NULL;
        }
    }
  hull_cg_writes_clear (&w);
  /* Pure v2 has no devices controller: an eBPF program does its job
     (hybrid hosts keep the v1 one, written above). */
  if (ret == 0 && cg->layout == HULL_CGROUP_LAYOUT_V2 && res->n_devices > 0)
    {
      const hull_cgroup_dir *d = find_dir (cg, "");
      if (d == NULL)
        return hull_fail (err, 0, "devices: no unified cgroup for the container");
      ret = hull_cg_v2_set_devices (d->path, res->devices, res->n_devices, err);
    }
  return ret;
}
