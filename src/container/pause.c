/* pause and resume: freeze and thaw the container's cgroup. */
#include "config.h"
#include <hull/cgroup.h>
#include <hull/cleanup.h>
#include <hull/container.h>
#include <hull/log.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>

int
hull_state_load_unlocked (const hull_context *ctx, const char *id, hull_state **out,
                          hull_error *err)
{
  if (hull_id_validate (id, err) < 0)
    return -1;
  cleanup_free char *path = hull_state_dir (ctx, id);
  if (path == NULL)
    return hull_fail (err, ENOMEM, "state directory");
  /* No lock: state.json is replaced atomically, and these commands must
   * reach a container whose foreground run holds the lock. */
  cleanup_close int dirfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0 && (errno == ENOENT || errno == ENOTDIR))
    return hull_fail (err, 0, "container does not exist");
  if (dirfd < 0)
    return hull_fail_errno (err, "open %s", path);
  return hull_state_load (dirfd, id, out, err);
}

int
hull_state_cgroup (const hull_state *st, hull_cgroup **out, hull_error *err)
{
  *out = NULL;
  if (st->cgroup_json == NULL)
    return 0;
  if (hull_cgroup_from_json (st->cgroup_json, out, err) < 0)
    return hull_error_prefix (err, "state.json: cgroup: ");
  return 0;
}

bool
hull_state_frozen (const hull_state *st)
{
  hull_cgroup *cg = NULL;
  hull_error ignored;
  if (hull_state_cgroup (st, &cg, &ignored) < 0 || cg == NULL)
    return false;
  bool frozen = hull_cgroup_is_frozen (cg);
  hull_cgroup_free (cg);
  return frozen;
}

void
hull_state_thaw_after_kill (const hull_state *st)
{
  hull_cgroup *cg = NULL;
  hull_error err;
  if (hull_state_cgroup (st, &cg, &err) < 0 || cg == NULL)
    return;
  if (hull_cgroup_freeze (cg, false, &err) < 0)
    hull_warn ("thawing %s after SIGKILL: %s", st->id, err.msg);
  hull_cgroup_free (cg);
}

static int
set_frozen (const hull_context *ctx, const char *id, bool frozen, hull_error *err)
{
  hull_state *st = NULL;
  if (hull_state_load_unlocked (ctx, id, &st, err) < 0)
    return -1;
  int ret;
  /* runc 1.1 pauses created containers too; a paused one is "not running". */
  if (frozen && st->status != HULL_STATUS_RUNNING && st->status != HULL_STATUS_CREATED)
    ret = hull_fail (err, 0, "container not running");
  else if (!frozen && st->status != HULL_STATUS_PAUSED)
    ret = hull_fail (err, 0, "container not paused");
  else
    {
      hull_cgroup *cg = NULL;
      ret = hull_state_cgroup (st, &cg, err);
      if (ret == 0)
        ret = hull_cgroup_freeze (cg, frozen, err);
      if (cg)
        hull_cgroup_free (cg);
    }
  hull_state_free (st);
  return ret;
}

int
hull_container_pause (const hull_context *ctx, const char *id, hull_error *err)
{
  return set_frozen (ctx, id, true, err);
}

int
hull_container_resume (const hull_context *ctx, const char *id, hull_error *err)
{
  return set_frozen (ctx, id, false, err);
}
