/* Until linux.resources lands: a spec that asks for limits is refused
 * rather than run without them. Replaced by resources.c. */
#include "config.h"
#include <hull/cgroup.h>

/* Device rules are left to capabilities (no CAP_MKNOD by default) and to
 * the nodes the runtime creates until the devices controller is driven. */
static const char *
first_limit (const hull_resources *res)
{
  if (res == NULL)
    return NULL;
  return res->memory ? "memory"
         : res->cpu ? "cpu"
         : res->pids_limit.set ? "pids"
         : res->block_io ? "blockIO"
         : res->n_hugepage_limits ? "hugepageLimits"
         : res->network ? "network"
         : res->n_rdma ? "rdma"
         : res->unified.n ? "unified"
         : NULL;
}

int
hull_cgroup_check_resources (hull_cgroup_layout layout, const hull_resources *res,
                             const char *where, hull_error *err)
{
  const char *limit = first_limit (res);
  if (limit)
    return hull_fail (err, 0, "%s.%s: resource limits are not supported yet", where, limit);
  return 0;
}

int
hull_cgroup_apply_resources (const hull_cgroup *cg, const hull_resources *res, bool update,
                             hull_error *err)
{
  return 0;
}

int
hull_cgroup_freeze (const hull_cgroup *cg, bool frozen, hull_error *err)
{
  return hull_fail (err, 0, "pause and resume are not supported yet");
}

bool
hull_cgroup_is_frozen (const hull_cgroup *cg)
{
  return false;
}
