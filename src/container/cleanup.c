#include "config.h"
#include "container/internal.h"

int
hull_cleanup_stopped (const hull_context *ctx, const char *id, int dirfd, const hull_cgroup *cg,
                      hull_error *err)
{
  if (cg && hull_cgroup_destroy (cg, err) < 0)
    return -1;
  return hull_state_dir_remove (ctx, id, err);
}
