/* linux.resources -> cgroup v1 files (also the v1 half of hybrid hosts).
 * The order of writes follows runc's fs manager where the kernel cares. */
#include "config.h"
#include "cgroup/devices_bpf.h"
#include "cgroup/resources.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define ADD(ctrl, json, file, ...) \
  if (hull_cg_writes_add (w, ctrl, json, file, false, __VA_ARGS__) < 0) \
    return hull_fail (err, ENOMEM, "cgroup resources")

static int
map_memory (const hull_memory *m, const hull_cg_map_opts *o, hull_cg_writes *w, hull_error *err)
{
  /* runc reads 0 as unset; kernel and kernelTCP are deprecated and ignored. */
  int64_t limit = m->limit.set ? m->limit.v : 0;
  int64_t swap = m->swap.set ? m->swap.v : 0;
  bool swap_optional = false;
  if (limit == -1 && swap == 0 && o->memsw)
    {
      /* Unlimited memory means unlimited memory+swap too (as runc). */
      swap = -1;
      swap_optional = true;
    }
  /* The kernel keeps memsw >= limit at every step: when raising, memsw
     goes first (runc's order, decided from the current limit). */
  bool swap_first = limit != 0 && swap != 0
                    && (swap == -1 || (o->has_cur_limit && o->cur_limit < (uint64_t) swap));
  for (int pass = 0; pass < 2; pass++)
    {
      bool do_swap = (pass == 0) == swap_first;
      if (do_swap && swap != 0
          && hull_cg_writes_add (w, "memory", ".memory", "memory.memsw.limit_in_bytes",
                                 swap_optional, "%" PRId64, swap) < 0)
        return hull_fail (err, ENOMEM, "cgroup resources");
      if (!do_swap && limit != 0)
        {
          ADD ("memory", ".memory", "memory.limit_in_bytes", "%" PRId64, limit);
        }
    }
  if (m->reservation.set && m->reservation.v != 0)
    {
      ADD ("memory", ".memory", "memory.soft_limit_in_bytes", "%" PRId64, m->reservation.v);
    }
  if (m->swappiness.set)
    {
      ADD ("memory", ".memory", "memory.swappiness", "%" PRIu64, m->swappiness.v);
    }
  if (m->disable_oom_killer.set && m->disable_oom_killer.v)
    {
      ADD ("memory", ".memory", "memory.oom_control", "1");
    }
  return 0;
}

static int
map_cpu (const hull_cpu *c, hull_cg_writes *w, hull_error *err)
{
  if (c->shares.set && c->shares.v != 0)
    {
      ADD ("cpu", ".cpu", "cpu.shares", "%" PRIu64, c->shares.v);
    }
  /* Period before quota, as runc (a shorter period may only fit once the
     quota is lower: apply then writes the period again after the quota). */
  if (c->period.set && c->period.v != 0)
    {
      ADD ("cpu", ".cpu", "cpu.cfs_period_us", "%" PRIu64, c->period.v);
    }
  if (c->quota.set && c->quota.v != 0)
    {
      ADD ("cpu", ".cpu", "cpu.cfs_quota_us", "%" PRId64, c->quota.v);
    }
  if (c->burst.set)
    {
      ADD ("cpu", ".cpu", "cpu.cfs_burst_us", "%" PRIu64, c->burst.v);
    }
  /* The rt period bounds the runtime: period first. */
  if (c->realtime_period.set && c->realtime_period.v != 0)
    {
      ADD ("cpu", ".cpu", "cpu.rt_period_us", "%" PRIu64, c->realtime_period.v);
    }
  if (c->realtime_runtime.set && c->realtime_runtime.v != 0)
    {
      ADD ("cpu", ".cpu", "cpu.rt_runtime_us", "%" PRId64, c->realtime_runtime.v);
    }
  if (c->cpus && c->cpus[0])
    {
      ADD ("cpuset", ".cpu.cpus", "cpuset.cpus", "%s", c->cpus);
    }
  if (c->mems && c->mems[0])
    {
      ADD ("cpuset", ".cpu.mems", "cpuset.mems", "%s", c->mems);
    }
  return 0;
}

static int
map_throttle (const hull_blkio_throttle_list *l, const char *file, hull_cg_writes *w,
              hull_error *err)
{
  for (size_t i = 0; i < l->n; i++)
    {
      ADD ("blkio", ".blockIO", file, "%" PRId64 ":%" PRId64 " %" PRIu64, l->items[i].major,
           l->items[i].minor, l->items[i].rate);
    }
  return 0;
}

static int
map_blkio (const hull_blkio *b, hull_cg_writes *w, hull_error *err)
{
  if (b->weight.set && b->weight.v != 0)
    {
      ADD ("blkio", ".blockIO", "blkio.weight", "%" PRIu64, b->weight.v);
    }
  if (b->leaf_weight.set && b->leaf_weight.v != 0)
    {
      ADD ("blkio", ".blockIO", "blkio.leaf_weight", "%" PRIu64, b->leaf_weight.v);
    }
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const hull_blkio_weight_device *d = &b->weight_device[i];
      if (d->weight.set)
        {
          ADD ("blkio", ".blockIO", "blkio.weight_device", "%" PRId64 ":%" PRId64 " %" PRIu64,
               d->major, d->minor, d->weight.v);
        }
      if (d->leaf_weight.set)
        {
          ADD ("blkio", ".blockIO", "blkio.leaf_weight_device",
               "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->leaf_weight.v);
        }
    }
  if (map_throttle (&b->throttle_read_bps, "blkio.throttle.read_bps_device", w, err) < 0
      || map_throttle (&b->throttle_write_bps, "blkio.throttle.write_bps_device", w, err) < 0
      || map_throttle (&b->throttle_read_iops, "blkio.throttle.read_iops_device", w, err) < 0
      || map_throttle (&b->throttle_write_iops, "blkio.throttle.write_iops_device", w, err) < 0)
    return -1;
  return 0;
}

/* ---- devices ---- */

static void
fmt_num (char *buf, size_t size, bool set, int64_t v)
{
  if (!set || v < 0)
    snprintf (buf, size, "*");
  else
    snprintf (buf, size, "%" PRId64, v);
}

static int
add_rule (hull_cg_writes *w, bool allow, char type, bool maj_set, int64_t maj, bool min_set,
          int64_t min, const char *access, hull_error *err)
{
  const char *file = allow ? "devices.allow" : "devices.deny";
  if (type == 'a')
    {
      ADD ("devices", ".devices", file, "a");
      w->v[w->n - 1].soft = true;
      return 0;
    }
  char a[24], b[24];
  fmt_num (a, sizeof a, maj_set, maj);
  fmt_num (b, sizeof b, min_set, min);
  ADD ("devices", ".devices", file, "%c %s:%s %s", type, a, b,
       access && access[0] ? access : "rwm");
  /* Without a devices hierarchy the rules cannot be enforced anyway. */
  w->v[w->n - 1].soft = true;
  return 0;
}

static int
map_devices (const hull_resources *res, hull_cg_writes *w, hull_error *err)
{
  size_t i = 0;
  if (res->n_devices > 0 && hull_cg_device_is_deny_all (&res->devices[0]))
    {
      if (add_rule (w, false, 'a', false, 0, false, 0, NULL, err) < 0)
        return -1;
      i = 1;
    }
  else if (res->n_devices == 0)
    return 0;
  /* Unlike runc, the defaults go before the spec's own rules, so a spec
     can still deny one of them (e.g. writes to /dev/null). */
  for (size_t k = 0; k < hull_cg_n_default_devices; k++)
    {
      const hull_cg_default_device *d = &hull_cg_default_devices[k];
      if (add_rule (w, true, d->type, true, d->major, true, d->minor, d->access, err) < 0)
        return -1;
    }
  for (; i < res->n_devices; i++)
    {
      const hull_device_cgroup *d = &res->devices[i];
      char type = d->type ? d->type[0] : 'a';
      bool all = type == 'a';
      /* "a" with a number or partial access is "any type" for that rule. */
      if (all && (d->major.set || d->minor.set || (d->access && strlen (d->access) < 3)))
        {
          for (const char *t = "cb"; *t; t++)
            if (add_rule (w, d->allow, *t, d->major.set, d->major.v, d->minor.set, d->minor.v,
                          d->access, err) < 0)
              return -1;
          continue;
        }
      if (add_rule (w, d->allow, type, d->major.set, d->major.v, d->minor.set, d->minor.v,
                    d->access, err) < 0)
        return -1;
    }
  return 0;
}

int
hull_cg_map_v1 (const hull_resources *res, const hull_cg_map_opts *o, hull_cg_writes *w,
                hull_error *err)
{
  if (res->memory && map_memory (res->memory, o, w, err) < 0)
    return -1;
  if (res->cpu && map_cpu (res->cpu, w, err) < 0)
    return -1;
  if (res->pids_limit.set)
    {
      if (res->pids_limit.v > 0)
        {
          ADD ("pids", ".pids", "pids.max", "%" PRId64, res->pids_limit.v);
        }
      else
        {
          ADD ("pids", ".pids", "pids.max", "max");
        }
    }
  if (res->block_io && map_blkio (res->block_io, w, err) < 0)
    return -1;
  if (o->hugetlb_v2)
    {
      if (hull_cg_map_v2_hugetlb (res, w, err) < 0)
        return -1;
    }
  else
    for (size_t i = 0; i < res->n_hugepage_limits; i++)
      {
        const hull_hugepage_limit *h = &res->hugepage_limits[i];
        char file[96];
        snprintf (file, sizeof file, "hugetlb.%s.limit_in_bytes", h->page_size);
        ADD ("hugetlb", ".hugepageLimits", file, "%" PRIu64, h->limit);
        /* Reservations exist on newer kernels only. */
        snprintf (file, sizeof file, "hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
        if (hull_cg_writes_add (w, "hugetlb", ".hugepageLimits", file, true, "%" PRIu64,
                                h->limit) < 0)
          return hull_fail (err, ENOMEM, "cgroup resources");
      }
  if (res->network)
    {
      if (res->network->class_id.set)
        {
          ADD ("net_cls", ".network.classID", "net_cls.classid", "%" PRIu64,
               res->network->class_id.v);
        }
      for (size_t i = 0; i < res->network->n_priorities; i++)
        {
          ADD ("net_prio", ".network.priorities", "net_prio.ifpriomap", "%s %" PRIu32,
               res->network->priorities[i].name, res->network->priorities[i].priority);
        }
    }
  for (size_t i = 0; i < res->n_rdma; i++)
    {
      const hull_rdma *r = &res->rdma[i];
      char h[48] = "", ob[48] = "";
      if (r->hca_handles.set)
        snprintf (h, sizeof h, " hca_handle=%" PRIu64, r->hca_handles.v);
      if (r->hca_objects.set)
        snprintf (ob, sizeof ob, " hca_object=%" PRIu64, r->hca_objects.v);
      ADD ("rdma", ".rdma", "rdma.max", "%s%s%s", r->device, h, ob);
    }
  /* Hybrid: raw keys go to the unified hierarchy (checked beforehand). */
  if (o->layout == HULL_CGROUP_LAYOUT_HYBRID && hull_cg_map_v2_unified (res, w, err) < 0)
    return -1;
  return map_devices (res, w, err);
}
