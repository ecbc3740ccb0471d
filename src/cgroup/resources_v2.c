/* linux.resources -> cgroup v2 files, with runc's conversions of the v1
 * values the spec is written in (shares, blkio weight, memory+swap). */
#include "config.h"
#include "cgroup/resources.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define ADD(json, file, ...) \
  if (hull_cg_writes_add (w, "", json, file, false, __VA_ARGS__) < 0) \
    return hull_fail (err, ENOMEM, "cgroup resources")

/* libm-free ln and exp (hull does not link -lm); double precision is far
   more than the conversion below needs. */
static double
ln (double x)
{
  int e = 0;
  while (x >= 2)
    {
      x /= 2;
      e++;
    }
  while (x < 1)
    {
      x *= 2;
      e--;
    }
  /* ln x = 2 atanh ((x-1)/(x+1)), x in [1, 2): converges quickly. */
  double t = (x - 1) / (x + 1), t2 = t * t, term = t, sum = 0;
  for (int k = 1; k < 80; k += 2)
    {
      sum += term / k;
      term *= t2;
    }
  return 2 * sum + e * 0.69314718055994530942;
}

static double
expo (double y)
{
  int k = (int) (y / 0.69314718055994530942);
  double r = y - k * 0.69314718055994530942, term = 1, sum = 1;
  for (int i = 1; i < 40; i++)
    {
      term *= r / i;
      sum += term;
    }
  for (; k > 0; k--)
    sum *= 2;
  for (; k < 0; k++)
    sum /= 2;
  return sum;
}

/* runc >= 1.3, libcontainer/cgroups/utils.go ConvertCPUSharesToCgroupV2Value
   (the formula crun uses too): a quadratic in log2(shares) that maps
   2 -> 1, 1024 -> 100 and 262144 -> 10000, i.e.
   weight = ceil (10^((l*l + 125*l)/612 - 7/34)), l = log2 (shares). */
uint64_t
hull_cg_cpu_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares <= 2)
    return 1;
  if (shares >= 262144)
    return 10000;
  double l = ln ((double) shares) / 0.69314718055994530942;
  double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  double v = expo (exponent * 2.30258509299404568402);
  uint64_t c = (uint64_t) v;
  /* ceil, tolerant of the last bit of rounding in ln/exp. */
  if (v - (double) c > 1e-9)
    c++;
  return c;
}

/* runc ConvertBlkIOToIOWeightValue: [10, 1000] -> [1, 10000] linearly. */
uint64_t
hull_cg_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  return 1 + (weight - 10) * 9999 / 990;
}

int
hull_cg_map_v2_hugetlb (const hull_resources *res, hull_cg_writes *w, hull_error *err)
{
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    {
      const hull_hugepage_limit *h = &res->hugepage_limits[i];
      char file[96];
      snprintf (file, sizeof file, "hugetlb.%s.max", h->page_size);
      ADD (".hugepageLimits", file, "%" PRIu64, h->limit);
      snprintf (file, sizeof file, "hugetlb.%s.rsvd.max", h->page_size);
      if (hull_cg_writes_add (w, "", ".hugepageLimits", file, true, "%" PRIu64, h->limit) < 0)
        return hull_fail (err, ENOMEM, "cgroup resources");
    }
  return 0;
}

int
hull_cg_map_v2_unified (const hull_resources *res, hull_cg_writes *w, hull_error *err)
{
  for (size_t i = 0; i < res->unified.n; i++)
    {
      ADD (".unified", res->unified.items[i].key, "%s", res->unified.items[i].value);
    }
  return 0;
}

static int
map_memory (const hull_memory *m, hull_cg_writes *w, hull_error *err)
{
  int64_t limit = m->limit.set ? m->limit.v : 0;
  int64_t swap = m->swap.set ? m->swap.v : 0;
  /* runc ConvertMemorySwapToCgroupV2Value: the spec's swap is memory+swap,
     v2's memory.swap.max is swap alone. */
  bool write_swap = true;
  int64_t v2swap;
  if (limit == -1 && swap == 0)
    v2swap = -1;
  else if (swap == -1 || swap == 0)
    {
      v2swap = swap;
      write_swap = swap != 0;
    }
  else
    v2swap = swap - limit;   /* checked: limit > 0 and swap >= limit */
  if (write_swap)
    {
      /* Optional: a host without swap accounting has no memory.swap.max,
         and "max" or "0" there mean nothing (as runc). */
      bool opt = v2swap <= 0;
      if (v2swap < 0
          ? hull_cg_writes_add (w, "", ".memory.swap", "memory.swap.max", opt, "max") < 0
          : hull_cg_writes_add (w, "", ".memory.swap", "memory.swap.max", opt, "%" PRId64,
                                v2swap) < 0)
        return hull_fail (err, ENOMEM, "cgroup resources");
    }
  if (limit == -1)
    {
      ADD (".memory.limit", "memory.max", "max");
    }
  else if (limit > 0)
    {
      ADD (".memory.limit", "memory.max", "%" PRId64, limit);
    }
  if (m->reservation.set && m->reservation.v == -1)
    {
      ADD (".memory.reservation", "memory.low", "max");
    }
  else if (m->reservation.set && m->reservation.v > 0)
    {
      ADD (".memory.reservation", "memory.low", "%" PRId64, m->reservation.v);
    }
  /* swappiness and disableOOMKiller have no v2 file: ignored, as runc. */
  return 0;
}

static int
map_cpu (const hull_cpu *c, hull_cg_writes *w, hull_error *err)
{
  if (c->shares.set && c->shares.v != 0)
    {
      ADD (".cpu.shares", "cpu.weight", "%" PRIu64, hull_cg_cpu_weight (c->shares.v));
    }
  int64_t quota = c->quota.set ? c->quota.v : 0;
  uint64_t period = c->period.set ? c->period.v : 0;
  if (quota != 0 || period != 0)
    {
      char q[24] = "max";
      if (quota > 0)
        snprintf (q, sizeof q, "%" PRId64, quota);
      if (period != 0)
        {
          ADD (".cpu.quota", "cpu.max", "%s %" PRIu64, q, period);
        }
      else
        {
          ADD (".cpu.quota", "cpu.max", "%s", q);
        }
    }
  /* After cpu.max: the burst may not exceed the quota. */
  if (c->burst.set)
    {
      ADD (".cpu.burst", "cpu.max.burst", "%" PRIu64, c->burst.v);
    }
  if (c->idle.set)
    {
      ADD (".cpu.idle", "cpu.idle", "%" PRId64, c->idle.v);
    }
  if (c->cpus && c->cpus[0])
    {
      ADD (".cpu.cpus", "cpuset.cpus", "%s", c->cpus);
    }
  if (c->mems && c->mems[0])
    {
      ADD (".cpu.mems", "cpuset.mems", "%s", c->mems);
    }
  return 0;
}

/* Throttles grouped per device, one io.max line each. */
static int
map_io_max (const hull_blkio *b, hull_cg_writes *w, hull_error *err)
{
  const hull_blkio_throttle_list *lists[4] = { &b->throttle_read_bps, &b->throttle_write_bps,
                                               &b->throttle_read_iops,
                                               &b->throttle_write_iops };
  static const char *const keys[4] = { "rbps", "wbps", "riops", "wiops" };
  for (int li = 0; li < 4; li++)
    for (size_t i = 0; i < lists[li]->n; i++)
      {
        const hull_blkio_throttle *t = &lists[li]->items[i];
        /* Only the first occurrence of a device emits its line. */
        bool seen = false;
        for (int lj = 0; lj <= li && !seen; lj++)
          for (size_t j = 0; j < (lj == li ? i : lists[lj]->n) && !seen; j++)
            seen = lists[lj]->items[j].major == t->major && lists[lj]->items[j].minor == t->minor;
        if (seen)
          continue;
        char line[256];
        int len = snprintf (line, sizeof line, "%" PRId64 ":%" PRId64, t->major, t->minor);
        for (int lk = 0; lk < 4; lk++)
          for (size_t k = 0; k < lists[lk]->n; k++)
            {
              const hull_blkio_throttle *u = &lists[lk]->items[k];
              if (u->major == t->major && u->minor == t->minor && len < (int) sizeof line)
                len += snprintf (line + len, sizeof line - len, " %s=%" PRIu64, keys[lk],
                                 u->rate);
            }
        ADD (".blockIO", "io.max", "%s", line);
      }
  return 0;
}

static int
map_io (const hull_blkio *b, hull_cg_writes *w, hull_error *err)
{
  if (b->weight.set && b->weight.v != 0)
    {
      ADD (".blockIO.weight", "io.weight", "%" PRIu64, hull_cg_io_weight (b->weight.v));
    }
  /* Per-device weights exist only with BFQ (unconverted, as runc). */
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const hull_blkio_weight_device *d = &b->weight_device[i];
      if (d->weight.set)
        {
          ADD (".blockIO.weightDevice", "io.bfq.weight", "%" PRId64 ":%" PRId64 " %" PRIu64,
               d->major, d->minor, d->weight.v);
        }
    }
  return map_io_max (b, w, err);
}

int
hull_cg_map_v2 (const hull_resources *res, const hull_cg_map_opts *o, hull_cg_writes *w,
                hull_error *err)
{
  (void) o;
  if (res->memory && map_memory (res->memory, w, err) < 0)
    return -1;
  if (res->cpu && map_cpu (res->cpu, w, err) < 0)
    return -1;
  if (res->pids_limit.set)
    {
      if (res->pids_limit.v > 0)
        {
          ADD (".pids", "pids.max", "%" PRId64, res->pids_limit.v);
        }
      else
        {
          ADD (".pids", "pids.max", "max");
        }
    }
  if (res->block_io && map_io (res->block_io, w, err) < 0)
    return -1;
  if (hull_cg_map_v2_hugetlb (res, w, err) < 0)
    return -1;
  for (size_t i = 0; i < res->n_rdma; i++)
    {
      const hull_rdma *r = &res->rdma[i];
      char h[48] = "", ob[48] = "";
      if (r->hca_handles.set)
        snprintf (h, sizeof h, " hca_handle=%" PRIu64, r->hca_handles.v);
      if (r->hca_objects.set)
        snprintf (ob, sizeof ob, " hca_object=%" PRIu64, r->hca_objects.v);
      ADD (".rdma", "rdma.max", "%s%s%s", r->device, h, ob);
    }
  /* Raw keys last: they may refine anything above (as runc). */
  return hull_cg_map_v2_unified (res, w, err);
}
