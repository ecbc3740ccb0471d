/* ps: the processes of a container, as host pids. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include "container/proc.h"
#include <errno.h>
#include <stdlib.h>

int
hull_container_pids (const hull_context *ctx, const char *id, pid_t **pids, size_t *n,
                     hull_error *err)
{
  *pids = NULL;
  *n = 0;
  hull_state *st = NULL;
  if (hull_state_load_unlocked (ctx, id, &st, err) < 0)
    return -1;
  hull_cgroup *cg = NULL;
  int ret = hull_state_cgroup (st, &cg, err);
  if (ret == 0 && cg != NULL && cg->n_dirs > 0)
    ret = hull_cgroup_pids (cg, pids, n, err);
  else if (ret == 0)
    {
      /* No cgroup to read (--cgroup-manager disabled): the init alone. */
      *pids = calloc (1, sizeof **pids);
      if (*pids == NULL)
        ret = hull_fail (err, ENOMEM, "ps");
      else if (hull_proc_alive (st->pid, st->pid_start_time))
        (*pids)[(*n)++] = st->pid;
    }
  if (cg)
    hull_cgroup_free (cg);
  hull_state_free (st);
  return ret;
}
