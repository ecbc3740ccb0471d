/* kill --all: every process of the container's cgroup. */
#include "config.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

/* 1 done, 0 no cgroup.kill here (kernel < 5.14), -1 error. */
static int
v2_cgroup_kill (const hull_cgroup *cg, hull_error *err)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      if (cg->dirs[i].controller[0] != '\0')
        continue;
      cleanup_free char *file = hull_path_join (cg->dirs[i].path, "cgroup.kill");
      if (file == NULL)
        return hull_fail (err, ENOMEM, "cgroup.kill");
      if (hull_write_file (file, "1", 1, err) == 0)
        return 1;
      /* No cgroup.kill (or the cgroup is gone, which reading the pids
         finds out next). */
      return err->errnum == ENOENT ? 0 : -1;
    }
  return 0;
}

int
hull_cgroup_kill (const hull_cgroup *cg, int sig, hull_error *err)
{
  if (cg == NULL || cg->n_dirs == 0)
    return 0;
  if (sig == SIGKILL && cg->layout == HULL_CGROUP_LAYOUT_V2)
    {
      int r = v2_cgroup_kill (cg, err);
      if (r != 0)
        return r;
    }

  /* Frozen, no process can fork between reading the pids and killing
     them. Other signals are not frozen: a frozen task would act on them
     only once thawed, and a handler may want to run. */
  bool frozen = false;
  if (sig == SIGKILL)
    {
      hull_error ferr;
      if (hull_cgroup_freeze (cg, true, &ferr) == 0)
        frozen = true;
      else
        hull_debug ("kill --all: freezing first failed: %s", ferr.msg);
    }
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  int ret = 1;
  if (hull_cgroup_pids (cg, &pids, &n, err) < 0)
    ret = err->errnum == ENOENT ? 0 : -1;
  for (size_t i = 0; ret == 1 && i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      ret = hull_fail_errno (err, "kill %d", (int) pids[i]);
  if (frozen)
    {
      hull_error terr;
      if (hull_cgroup_freeze (cg, false, &terr) < 0)
        hull_warn ("kill --all: thawing after SIGKILL: %s", terr.msg);
    }
  return ret;
}
