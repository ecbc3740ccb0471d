/* LinuxResources: .linux.resources in config.json, and the whole document
 * `update --resources` reads. Values are range-checked against their Go
 * types in the spec; whether the kernel accepts them is the cgroup code's
 * business. */
#include "config.h"
#include "spec/parse.h"
#include <stdlib.h>
#include <string.h>

static int
parse_device_rule (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  hull_device_cgroup *d = elem;
  /* REQUIRED in the spec, but runc reads a missing one as deny. */
  if (hj_get_bool (c, ep, o, "allow", false, &d->allow) < 0)
    return -1;
  if (hj_get_opt_string (c, ep, o, "type", &d->type) < 0)
    return -1;
  if (d->type != NULL && (strlen (d->type) != 1 || strchr ("abc", d->type[0]) == NULL))
    return hj_fail (c, HJ_KEY (ep, "type"),
                    "invalid device type \"%s\" (expected \"a\", \"b\" or \"c\")", HULL_SHORT (d->type));
  if (hj_get_opt_i64 (c, ep, o, "major", INT64_MIN, INT64_MAX, &d->major) < 0
      || hj_get_opt_i64 (c, ep, o, "minor", INT64_MIN, INT64_MAX, &d->minor) < 0)
    return -1;
  if (hj_get_opt_string (c, ep, o, "access", &d->access) < 0)
    return -1;
  if (d->access != NULL && strspn (d->access, "rwm") != strlen (d->access))
    return hj_fail (c, HJ_KEY (ep, "access"),
                    "invalid access \"%s\" (expected a combination of r, w and m)", HULL_SHORT (d->access));
  return 0;
}

static int
parse_memory (hj_ctx *c, const hj_path *mp, yajl_val o, void *out, void *user)
{
  hull_memory *m = out;
  /* int64 so that -1 can mean unlimited. */
  if (hj_get_opt_i64 (c, mp, o, "limit", INT64_MIN, INT64_MAX, &m->limit) < 0
      || hj_get_opt_i64 (c, mp, o, "reservation", INT64_MIN, INT64_MAX, &m->reservation) < 0
      || hj_get_opt_i64 (c, mp, o, "swap", INT64_MIN, INT64_MAX, &m->swap) < 0
      || hj_get_opt_i64 (c, mp, o, "kernel", INT64_MIN, INT64_MAX, &m->kernel) < 0
      || hj_get_opt_i64 (c, mp, o, "kernelTCP", INT64_MIN, INT64_MAX, &m->kernel_tcp) < 0
      || hj_get_opt_u64 (c, mp, o, "swappiness", UINT64_MAX, &m->swappiness) < 0
      || hj_get_opt_bool (c, mp, o, "disableOOMKiller", &m->disable_oom_killer) < 0
      || hj_get_opt_bool (c, mp, o, "useHierarchy", &m->use_hierarchy) < 0
      || hj_get_opt_bool (c, mp, o, "checkBeforeUpdate", &m->check_before_update) < 0)
    return -1;
  return 0;
}

static int
parse_cpu (hj_ctx *c, const hj_path *cp, yajl_val o, void *out, void *user)
{
  hull_cpu *cpu = out;
  if (hj_get_opt_u64 (c, cp, o, "shares", UINT64_MAX, &cpu->shares) < 0
      || hj_get_opt_i64 (c, cp, o, "quota", INT64_MIN, INT64_MAX, &cpu->quota) < 0
      || hj_get_opt_u64 (c, cp, o, "burst", UINT64_MAX, &cpu->burst) < 0
      || hj_get_opt_u64 (c, cp, o, "period", UINT64_MAX, &cpu->period) < 0
      || hj_get_opt_i64 (c, cp, o, "realtimeRuntime", INT64_MIN, INT64_MAX,
                         &cpu->realtime_runtime) < 0
      || hj_get_opt_u64 (c, cp, o, "realtimePeriod", UINT64_MAX, &cpu->realtime_period) < 0
      || hj_get_opt_string (c, cp, o, "cpus", &cpu->cpus) < 0
      || hj_get_opt_string (c, cp, o, "mems", &cpu->mems) < 0
      || hj_get_opt_i64 (c, cp, o, "idle", INT64_MIN, INT64_MAX, &cpu->idle) < 0)
    return -1;
  return 0;
}

static int
parse_weight_device (hj_ctx *c, const hj_path *ep, yajl_val w, void *elem, void *user)
{
  hull_blkio_weight_device *wd = elem;
  if (hj_get_i64 (c, ep, w, "major", true, INT64_MIN, INT64_MAX, &wd->major) < 0
      || hj_get_i64 (c, ep, w, "minor", true, INT64_MIN, INT64_MAX, &wd->minor) < 0
      || hj_get_opt_u64 (c, ep, w, "weight", UINT16_MAX, &wd->weight) < 0
      || hj_get_opt_u64 (c, ep, w, "leafWeight", UINT16_MAX, &wd->leaf_weight) < 0)
    return -1;
  return 0;
}

static int
parse_throttle_entry (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  hull_blkio_throttle *t = elem;
  if (hj_get_i64 (c, ep, o, "major", true, INT64_MIN, INT64_MAX, &t->major) < 0
      || hj_get_i64 (c, ep, o, "minor", true, INT64_MIN, INT64_MAX, &t->minor) < 0
      || hj_get_u64 (c, ep, o, "rate", true, UINT64_MAX, &t->rate) < 0)
    return -1;
  return 0;
}

static int
parse_throttle (hj_ctx *c, const hj_path *p, yajl_val blk, const char *key,
                hull_blkio_throttle_list *out)
{
  return hj_get_object_array (c, p, blk, key, false, sizeof *out->items, &out->items, &out->n,
                              parse_throttle_entry, NULL) < 0 ? -1 : 0;
}

static int
parse_block_io (hj_ctx *c, const hj_path *bp, yajl_val o, void *out, void *user)
{
  hull_blkio *b = out;
  if (hj_get_opt_u64 (c, bp, o, "weight", UINT16_MAX, &b->weight) < 0
      || hj_get_opt_u64 (c, bp, o, "leafWeight", UINT16_MAX, &b->leaf_weight) < 0)
    return -1;
  if (hj_get_object_array (c, bp, o, "weightDevice", false, sizeof *b->weight_device,
                           &b->weight_device, &b->n_weight_device, parse_weight_device,
                           NULL) < 0
      || parse_throttle (c, bp, o, "throttleReadBpsDevice", &b->throttle_read_bps) < 0
      || parse_throttle (c, bp, o, "throttleWriteBpsDevice", &b->throttle_write_bps) < 0
      || parse_throttle (c, bp, o, "throttleReadIOPSDevice", &b->throttle_read_iops) < 0
      || parse_throttle (c, bp, o, "throttleWriteIOPSDevice", &b->throttle_write_iops) < 0)
    return -1;
  return 0;
}

static int
parse_hugepage_limit (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  hull_hugepage_limit *h = elem;
  if (hj_get_string (c, ep, o, "pageSize", true, &h->page_size) < 0
      || hj_get_u64 (c, ep, o, "limit", true, UINT64_MAX, &h->limit) < 0)
    return -1;
  return 0;
}

static int
parse_net_priority (hj_ctx *c, const hj_path *ep, yajl_val e, void *elem, void *user)
{
  hull_net_priority *prio = elem;
  uint64_t v;
  if (hj_get_string (c, ep, e, "name", true, &prio->name) < 0
      || hj_get_u64 (c, ep, e, "priority", true, UINT32_MAX, &v) < 0)
    return -1;
  prio->priority = (uint32_t) v;
  return 0;
}

static int
parse_network (hj_ctx *c, const hj_path *np, yajl_val o, void *out, void *user)
{
  hull_network *n = out;
  if (hj_get_opt_u64 (c, np, o, "classID", UINT32_MAX, &n->class_id) < 0)
    return -1;
  return hj_get_object_array (c, np, o, "priorities", false, sizeof *n->priorities,
                              &n->priorities, &n->n_priorities, parse_net_priority,
                              NULL) < 0 ? -1 : 0;
}

static int
parse_rdma (hj_ctx *c, const hj_path *p, yajl_val res, hull_resources *out)
{
  yajl_val o;
  int r = hj_get_object (c, p, res, "rdma", false, &o);
  if (r <= 0)
    return r;
  const hj_path *op = HJ_KEY (p, "rdma");
  out->rdma = hj_calloc (o->u.object.len, sizeof *out->rdma);
  if (out->rdma == NULL)
    return hj_oom (c);
  for (size_t i = 0; i < o->u.object.len; i++)
    {
      const char *dev = o->u.object.keys[i];
      const hj_path *kp = HJ_KEY (op, dev);
      yajl_val v = o->u.object.values[i];
      hull_rdma *rd = &out->rdma[out->n_rdma++];
      for (size_t j = 0; j + 1 < out->n_rdma; j++)
        if (strcmp (out->rdma[j].device, dev) == 0)
          return hj_fail (c, kp, "duplicate device \"%s\"", HULL_SHORT (dev));
      rd->device = strdup (dev);
      if (rd->device == NULL)
        return hj_oom (c);
      if (YAJL_IS_NULL (v))
        continue;
      if (hj_expect_object (c, kp, v) < 0
          || hj_get_opt_u64 (c, kp, v, "hcaHandles", UINT32_MAX, &rd->hca_handles) < 0
          || hj_get_opt_u64 (c, kp, v, "hcaObjects", UINT32_MAX, &rd->hca_objects) < 0)
        return -1;
    }
  return 0;
}

int
spec_parse_resources (hj_ctx *c, const hj_path *p, yajl_val v, hull_resources *out)
{
  if (hj_expect_object (c, p, v) < 0)
    return -1;
  if (hj_get_object_array (c, p, v, "devices", false, sizeof *out->devices, &out->devices,
                           &out->n_devices, parse_device_rule, NULL) < 0
      || hj_get_new_object (c, p, v, "memory", sizeof *out->memory, &out->memory,
                            parse_memory, NULL) < 0
      || hj_get_new_object (c, p, v, "cpu", sizeof *out->cpu, &out->cpu, parse_cpu, NULL) < 0)
    return -1;

  yajl_val pids;
  int r = hj_get_object (c, p, v, "pids", false, &pids);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      /* 0 or -1 mean unlimited; that is the cgroup code's to translate. */
      if (hj_get_i64 (c, HJ_KEY (p, "pids"), pids, "limit", true, INT64_MIN, INT64_MAX,
                      &out->pids_limit.v) < 0)
        return -1;
      out->pids_limit.set = true;
    }

  if (hj_get_new_object (c, p, v, "blockIO", sizeof *out->block_io, &out->block_io,
                         parse_block_io, NULL) < 0
      || hj_get_object_array (c, p, v, "hugepageLimits", false, sizeof *out->hugepage_limits,
                              &out->hugepage_limits, &out->n_hugepage_limits,
                              parse_hugepage_limit, NULL) < 0
      || hj_get_new_object (c, p, v, "network", sizeof *out->network, &out->network,
                            parse_network, NULL) < 0
      || parse_rdma (c, p, v, out) < 0)
    return -1;
  if (hj_get_kvmap (c, p, v, "unified", &out->unified) < 0)
    return -1;
  return 0;
}
