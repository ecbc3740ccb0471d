#include "config.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Super options that are not controllers. */
static bool
is_controller_opt (const char *opt, size_t len)
{
  static const char *const not_controllers[] = {
    "rw", "ro", "none", "noprefix", "clone_children", "xattr", "cpuset_v2_mode",
    "favordynmods", "nofavordynmods", NULL
  };
  if (len == 0)
    return false;
  for (const char *const *p = not_controllers; *p; p++)
    if (strlen (*p) == len && memcmp (*p, opt, len) == 0)
      return false;
  /* release_agent=..., but a named hierarchy (name=systemd) is one. */
  if (memchr (opt, '=', len) != NULL)
    return len > 5 && memcmp (opt, "name=", 5) == 0;
  return true;
}

/* "rw,cpu,cpuacct" -> "cpu,cpuacct"; NULL on ENOMEM, "" when none. */
static char *
controllers_from_opts (const char *opts)
{
  size_t len = strlen (opts);
  char *out = malloc (len + 1);
  if (out == NULL)
    return NULL;
  size_t used = 0;
  for (const char *p = opts; *p;)
    {
      const char *end = strchrnul (p, ',');
      size_t l = (size_t) (end - p);
      if (is_controller_opt (p, l))
        {
          if (used > 0)
            out[used++] = ',';
          memcpy (out + used, p, l);
          used += l;
        }
      p = *end ? end + 1 : end;
    }
  out[used] = '\0';
  return out;
}

static bool
under_sys_fs_cgroup (const char *path)
{
  return strncmp (path, HULL_CG_ROOT "/", sizeof HULL_CG_ROOT) == 0;
}

int
hull_cg_v1_hierarchies (const char *mountinfo, hull_cg_hierarchy **out, size_t *n,
                        hull_error *err)
{
  cleanup_free char *buf = malloc (strlen (mountinfo) + 1);
  if (buf == NULL)
    return hull_fail (err, ENOMEM, "parse /proc/self/mountinfo");

  hull_cg_hierarchy *list = NULL;
  size_t count = 0;
  const char *cursor = mountinfo;
  hull_cg_mount m;
  while (hull_cg_mountinfo_next (&cursor, buf, &m) > 0)
    {
      if (strcmp (m.fstype, "cgroup") != 0)
        continue;
      cleanup_free char *ctrl = controllers_from_opts (m.super_opts);
      if (ctrl == NULL)
        goto oom;
      if (ctrl[0] == '\0')
        continue;

      /* The same hierarchy mounted twice: keep one, preferring the usual
       * place over some bind mount elsewhere. */
      size_t i;
      for (i = 0; i < count; i++)
        if (strcmp (list[i].controllers, ctrl) == 0)
          break;
      if (i < count)
        {
          if (under_sys_fs_cgroup (list[i].mount_point) || !under_sys_fs_cgroup (m.mount_point))
            continue;
          char *mp = strdup (m.mount_point), *root = strdup (m.root);
          if (mp == NULL || root == NULL)
            {
              free (mp);
              free (root);
              goto oom;
            }
          free (list[i].mount_point);
          free (list[i].root);
          list[i].mount_point = mp;
          list[i].root = root;
          continue;
        }

      hull_cg_hierarchy *grown = realloc (list, (count + 1) * sizeof *list);
      if (grown == NULL)
        goto oom;
      list = grown;
      hull_cg_hierarchy *h = &list[count];
      *h = (hull_cg_hierarchy) { .controllers = steal_ptr (ctrl) };
      count++;
      h->mount_point = strdup (m.mount_point);
      h->root = strdup (m.root);
      if (h->mount_point == NULL || h->root == NULL)
        goto oom;
    }
  *out = list;
  *n = count;
  return 0;

oom:
  hull_cg_hierarchies_free (list, count);
  return hull_fail (err, ENOMEM, "parse /proc/self/mountinfo");
}

static bool
blank (const char *s)
{
  return s[strspn (s, " \t\n")] == '\0';
}

/* Copies parent/name into dir/name when the latter is empty. */
static int
fill_one (const char *parent, const char *dir, const char *name, hull_error *err)
{
  cleanup_free char *file = hull_path_join (dir, name);
  cleanup_free char *pfile = hull_path_join (parent, name);
  if (file == NULL || pfile == NULL)
    return hull_fail (err, ENOMEM, "cpuset %s", dir);

  cleanup_free char *cur = NULL;
  if (hull_read_file (file, &cur, NULL, err) < 0)
    return -1;
  if (!blank (cur))
    return 0;
  cleanup_free char *val = NULL;
  size_t len;
  if (hull_read_file (pfile, &val, &len, err) < 0)
    return -1;
  if (blank (val))
    return 0;   /* nothing to copy; joining will fail with a clear ENOSPC */
  return hull_write_file (file, val, len, err);
}

int
hull_cg_v1_cpuset_fill (const char *mount_point, const char *dir, hull_error *err)
{
  size_t mlen = strlen (mount_point);
  while (mlen > 1 && mount_point[mlen - 1] == '/')
    mlen--;
  if (strncmp (dir, mount_point, mlen) != 0 || (dir[mlen] != '/' && dir[mlen] != '\0'))
    return hull_fail (err, 0, "cpuset %s: not under %s", dir, mount_point);

  cleanup_free char *path = strdup (dir);
  if (path == NULL)
    return hull_fail (err, ENOMEM, "cpuset %s", dir);

  /* Top-down: each level's parent has been filled by the time we get there. */
  for (char *p = path + mlen; *p;)
    {
      char *slash = strchr (p + 1, '/');
      char *end = slash ? slash : p + strlen (p);
      char saved = *end;
      *end = '\0';
      char *last = strrchr (path, '/');
      *last = '\0';
      cleanup_free char *parent = strdup (last == path ? "/" : path);
      *last = '/';
      if (parent == NULL)
        return hull_fail (err, ENOMEM, "cpuset %s", dir);
      if (fill_one (parent, path, "cpuset.cpus", err) < 0
          || fill_one (parent, path, "cpuset.mems", err) < 0)
        return -1;
      *end = saved;
      p = end;
    }
  return 0;
}
