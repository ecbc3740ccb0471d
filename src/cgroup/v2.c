#include "config.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

bool
hull_cg_v2_is_cgroup2 (const char *path)
{
  struct statfs sfs;
  return statfs (path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int
hull_cg_v2_hierarchy (const char *mountinfo, const char *mount_point,
                      hull_cg_hierarchy *out, hull_error *err)
{
  cleanup_free char *buf = malloc (strlen (mountinfo) + 1);
  if (buf == NULL)
    return hull_fail (err, ENOMEM, "parse /proc/self/mountinfo");

  /* Last match wins: a later mount on the same point hides earlier ones. */
  const char *root = "/";
  const char *cursor = mountinfo;
  hull_cg_mount m;
  cleanup_free char *found = NULL;
  while (hull_cg_mountinfo_next (&cursor, buf, &m) > 0)
    if (strcmp (m.fstype, "cgroup2") == 0 && strcmp (m.mount_point, mount_point) == 0)
      {
        free (found);
        found = strdup (m.root);
        if (found == NULL)
          return hull_fail (err, ENOMEM, "parse /proc/self/mountinfo");
      }
  if (found)
    root = found;

  *out = (hull_cg_hierarchy) { .v2 = true };
  out->controllers = strdup ("");
  out->mount_point = strdup (mount_point);
  out->root = strdup (root);
  if (out->controllers == NULL || out->mount_point == NULL || out->root == NULL)
    {
      free (out->controllers);
      free (out->mount_point);
      free (out->root);
      *out = (hull_cg_hierarchy) { 0 };
      return hull_fail (err, ENOMEM, "parse /proc/self/mountinfo");
    }
  return 0;
}

int
hull_cgroup_v2_fd (const hull_cgroup *cg)
{
  if (cg == NULL || cg->layout != HULL_CGROUP_LAYOUT_V2)
    return -1;
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (cg->dirs[i].controller[0] == '\0')
      return open (cg->dirs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return -1;
}
