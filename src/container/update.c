/* update: new resource limits for a live container. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <stdlib.h>

int
hull_container_update (const hull_context *ctx, const char *id, const hull_resources *res,
                       const char *where, hull_error *err)
{
  hull_state *st = NULL;
  if (hull_state_load_unlocked (ctx, id, &st, err) < 0)
    return -1;
  hull_cgroup *cg = NULL;
  int ret = 0;
  /* runc's phrase: there is nothing left to limit. */
  if (st->status == HULL_STATUS_STOPPED)
    ret = hull_fail (err, 0, "container not running");
  else
    ret = hull_state_cgroup (st, &cg, err);
  if (ret == 0 && (cg == NULL || cg->n_dirs == 0))
    ret = hull_fail (err, 0, "the container has no cgroup to update "
                     "(created with --cgroup-manager disabled)");
  /* Everything is checked before the first write, so a bad value changes
   * nothing. */
  if (ret == 0)
    ret = hull_cgroup_check_resources (cg->layout, res, where, err);
  if (ret == 0)
    ret = hull_cgroup_apply_resources (cg, res, true, err);
  if (cg)
    hull_cgroup_free (cg);
  hull_state_free (st);
  return ret;
}
