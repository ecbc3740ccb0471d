#include "config.h"
#include "linux/security.h"
#include <errno.h>
#include <grp.h>
#include <unistd.h>

int
hull_identity_check (const hull_spec *spec, hull_error *err)
{
  return 0;
}

int
hull_identity_apply (const hull_spec *spec, hull_error *err)
{
  const hull_user *user = &spec->process->user;
  if (setgroups (user->n_additional_gids, user->additional_gids) < 0 && errno != EPERM)
    return hull_fail_errno (err, "setgroups");
  if (setresgid (user->gid, user->gid, user->gid) < 0)
    return hull_fail_errno (err, "setresgid %u", (unsigned) user->gid);
  if (setresuid (user->uid, user->uid, user->uid) < 0)
    return hull_fail_errno (err, "setresuid %u", (unsigned) user->uid);
  return 0;
}
