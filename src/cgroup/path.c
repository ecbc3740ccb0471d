#include "config.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- mountinfo ---- */

/* Decodes mountinfo's \ooo escapes in place. */
static void
unescape (char *s)
{
  char *w = s;
  for (char *r = s; *r;)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7'
          && r[3] >= '0' && r[3] <= '7')
        {
          *w++ = (char) (((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
          r += 4;
        }
      else
        *w++ = *r++;
    }
  *w = '\0';
}

int
hull_cg_mountinfo_next (const char **cursor, char *buf, hull_cg_mount *m)
{
  while (**cursor)
    {
      const char *line = *cursor;
      const char *nl = strchrnul (line, '\n');
      *cursor = *nl ? nl + 1 : nl;
      memcpy (buf, line, (size_t) (nl - line));
      buf[nl - line] = '\0';

      /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
      char *fields[16];
      size_t n = 0, dash = 0;
      char *save = NULL;
      for (char *tok = strtok_r (buf, " ", &save); tok && n < 16; tok = strtok_r (NULL, " ", &save))
        {
          if (dash == 0 && n >= 6 && strcmp (tok, "-") == 0)
            dash = n;
          fields[n++] = tok;
        }
      if (dash == 0 || n < dash + 4)
        continue;
      unescape (fields[3]);
      unescape (fields[4]);
      unescape (fields[dash + 3]);
      *m = (hull_cg_mount) {
        .root = fields[3],
        .mount_point = fields[4],
        .fstype = fields[dash + 1],
        .super_opts = fields[dash + 3],
      };
      return 1;
    }
  return 0;
}

/* ---- path computation (pure) ---- */

/* Normalizes a cgroup path into "/a/b" form ("/" for the root): repeated
 * slashes and "." dropped, ".." refused so a spec cannot climb out of the
 * caller's cgroup. */
static int
clean_path (const char *in, char **out, hull_error *err)
{
  size_t len = strlen (in);
  char *res = malloc (len + 2);
  if (res == NULL)
    return hull_fail (err, ENOMEM, "cgroupsPath");
  size_t used = 0;
  for (const char *p = in; *p;)
    {
      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      const char *end = strchrnul (p, '/');
      size_t l = (size_t) (end - p);
      if (l == 2 && p[0] == '.' && p[1] == '.')
        {
          free (res);
          return hull_fail (err, 0, "cgroupsPath \"%s\": \"..\" is not allowed", in);
        }
      if (!(l == 1 && p[0] == '.'))
        {
          res[used++] = '/';
          memcpy (res + used, p, l);
          used += l;
        }
      p = end;
    }
  if (used == 0)
    res[used++] = '/';
  res[used] = '\0';
  *out = res;
  return 0;
}

/* a + b where both are clean ("/" or "/x/y"); a may be a mount point. */
static char *
join_clean (const char *a, const char *b)
{
  if (strcmp (b, "/") == 0)
    return strdup (a);
  return hull_path_join (a, b);
}

static bool
looks_systemd (const char *path)
{
  if (path[0] == '/')
    return false;
  const char *c1 = strchr (path, ':');
  if (c1 == NULL)
    return false;
  const char *c2 = strchr (c1 + 1, ':');
  return c2 != NULL && strchr (c2 + 1, ':') == NULL;
}

/* "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" -> "" (the root). */
static int
expand_slice (const char *full, const char *slice, size_t len, char **out, hull_error *err)
{
  static const char suffix[] = ".slice";
  size_t slen = sizeof suffix - 1;
  if (len < slen || memcmp (slice + len - slen, suffix, slen) != 0
      || memchr (slice, '/', len) != NULL)
    return hull_fail (err, 0, "cgroupsPath \"%s\": invalid slice name", full);
  size_t base = len - slen;
  if (base == 1 && slice[0] == '-')
    {
      *out = strdup ("");
      return *out ? 0 : hull_fail (err, ENOMEM, "cgroupsPath");
    }
  if (base == 0 || slice[0] == '-' || slice[base - 1] == '-'
      || memmem (slice, base, "--", 2) != NULL)
    return hull_fail (err, 0, "cgroupsPath \"%s\": invalid slice name", full);

  /* Each dash-separated prefix is a parent slice. */
  char *res = malloc (len * (len + 2) + 1);
  if (res == NULL)
    return hull_fail (err, ENOMEM, "cgroupsPath");
  size_t used = 0;
  for (size_t i = 0; i <= base; i++)
    if (i == base || slice[i] == '-')
      {
        res[used++] = '/';
        memcpy (res + used, slice, i);
        used += i;
        memcpy (res + used, suffix, slen);
        used += slen;
      }
  res[used] = '\0';
  *out = res;
  return 0;
}

int
hull_cg_systemd_path (const char *cgroups_path, char **out, hull_error *err)
{
  if (!looks_systemd (cgroups_path))
    return hull_fail (err, 0,
                      "cgroupsPath \"%s\": expected \"slice:prefix:name\" for the systemd cgroup manager",
                      cgroups_path);
  const char *c1 = strchr (cgroups_path, ':');
  const char *c2 = strchr (c1 + 1, ':');
  const char *prefix = c1 + 1, *name = c2 + 1;
  size_t prefix_len = (size_t) (c2 - prefix);
  if (*name == '\0' || strchr (name, '/') != NULL || memchr (prefix, '/', prefix_len) != NULL)
    return hull_fail (err, 0, "cgroupsPath \"%s\": invalid unit name", cgroups_path);

  cleanup_free char *slice = NULL;
  if (c1 == cgroups_path)
    slice = strdup ("/system.slice");
  else if (expand_slice (cgroups_path, cgroups_path, (size_t) (c1 - cgroups_path), &slice, err) < 0)
    return -1;
  if (slice == NULL)
    return hull_fail (err, ENOMEM, "cgroupsPath");

  /* A name that is itself a slice is used as is; anything else is a scope. */
  size_t nlen = strlen (name);
  bool is_slice = nlen > 6 && strcmp (name + nlen - 6, ".slice") == 0;
  char *res;
  int r;
  if (is_slice)
    r = asprintf (&res, "%s/%s", slice, name);
  else if (prefix_len > 0)
    r = asprintf (&res, "%s/%.*s-%s.scope", slice, (int) prefix_len, prefix, name);
  else
    r = asprintf (&res, "%s/%s.scope", slice, name);
  if (r < 0)
    return hull_fail (err, ENOMEM, "cgroupsPath");
  *out = res;
  return 0;
}

static bool
has_dotdot (const char *p)
{
  for (const char *s = p; *s;)
    {
      s += strspn (s, "/");
      const char *end = strchrnul (s, '/');
      if (end - s == 2 && s[0] == '.' && s[1] == '.')
        return true;
      s = end;
    }
  return false;
}

/* The caller's path in hierarchy h according to /proc/self/cgroup, made
 * relative to what is mounted (h->root), in clean form. */
static int
caller_path (const char *proc_cgroup, const hull_cg_hierarchy *h, char **out, hull_error *err)
{
  for (const char *line = proc_cgroup; *line;)
    {
      const char *nl = strchrnul (line, '\n');
      const char *c1 = memchr (line, ':', (size_t) (nl - line));
      const char *c2 = c1 ? memchr (c1 + 1, ':', (size_t) (nl - c1 - 1)) : NULL;
      const char *next = *nl ? nl + 1 : nl;
      if (c2 == NULL)
        {
          line = next;
          continue;
        }
      cleanup_free char *list = strndup (c1 + 1, (size_t) (c2 - c1 - 1));
      cleanup_free char *path = strndup (c2 + 1, (size_t) (nl - c2 - 1));
      if (list == NULL || path == NULL)
        return hull_fail (err, ENOMEM, "parse /proc/self/cgroup");
      bool match;
      if (h->v2)
        match = list[0] == '\0' && c1 - line == 1 && line[0] == '0';
      else
        {
          match = false;
          for (const char *p = h->controllers; *p && !match;)
            {
              const char *end = strchrnul (p, ',');
              cleanup_free char *one = strndup (p, (size_t) (end - p));
              if (one == NULL)
                return hull_fail (err, ENOMEM, "parse /proc/self/cgroup");
              match = hull_cg_list_has (list, one);
              p = *end ? end + 1 : end;
            }
        }
      if (!match)
        {
          line = next;
          continue;
        }

      cleanup_free char *clean = NULL, *root = NULL;
      if (path[0] != '/' || has_dotdot (path))
        return hull_fail (err, 0, "/proc/self/cgroup: %s: caller's cgroup \"%s\" is outside the visible hierarchy",
                          h->v2 ? "unified" : h->controllers, path);
      if (clean_path (path, &clean, err) < 0 || clean_path (h->root, &root, err) < 0)
        return -1;
      size_t rlen = strlen (root);
      if (strcmp (root, "/") == 0)
        *out = steal_ptr (clean);
      else if (strncmp (clean, root, rlen) == 0 && (clean[rlen] == '\0' || clean[rlen] == '/'))
        *out = strdup (clean[rlen] ? clean + rlen : "/");
      else
        return hull_fail (err, 0, "/proc/self/cgroup: caller's cgroup %s is not under %s mounted at %s",
                          clean, root, h->mount_point);
      return *out ? 0 : hull_fail (err, ENOMEM, "parse /proc/self/cgroup");
    }
  return hull_fail (err, 0, "/proc/self/cgroup: no entry for the %s hierarchy mounted at %s",
                    h->v2 ? "unified" : h->controllers, h->mount_point);
}

void
hull_cg_free_strs (char **v, size_t n)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

int
hull_cg_compute_dirs (const char *proc_cgroup, const hull_cg_hierarchy *h, size_t n,
                      const char *cgroups_path, const char *id, bool systemd,
                      char ***dirs, hull_error *err)
{
  cleanup_free char *rel = NULL, *clean = NULL;
  if (cgroups_path != NULL && cgroups_path[0] == '\0')
    cgroups_path = NULL;

  /* The default path embeds the id: it must be one path component. */
  if (cgroups_path == NULL
      && (id == NULL || id[0] == '\0' || strchr (id, '/') || strchr (id, ':')
          || strcmp (id, ".") == 0 || strcmp (id, "..") == 0))
    return hull_fail (err, 0, "container id \"%s\" cannot name a cgroup", id ? id : "");

  if (systemd)
    {
      if (cgroups_path == NULL)
        {
          cleanup_free char *def = NULL;
          if (asprintf (&def, "system.slice:hull:%s", id) < 0)
            return hull_fail (err, ENOMEM, "cgroupsPath");
          if (hull_cg_systemd_path (def, &rel, err) < 0)
            return -1;
        }
      else if (hull_cg_systemd_path (cgroups_path, &rel, err) < 0)
        return -1;
    }
  else if (cgroups_path == NULL)
    {
      if (asprintf (&rel, "hull/%s", id) < 0)
        return hull_fail (err, ENOMEM, "cgroupsPath");
    }
  else if (looks_systemd (cgroups_path))
    return hull_fail (err, 0, "systemd cgroup path \"%s\" requires the systemd cgroup manager",
                      cgroups_path);
  else if ((rel = strdup (cgroups_path)) == NULL)
    return hull_fail (err, ENOMEM, "cgroupsPath");

  if (clean_path (rel, &clean, err) < 0)
    return -1;
  bool absolute = rel[0] == '/';

  char **res = calloc (n + 1, sizeof *res);
  if (res == NULL)
    return hull_fail (err, ENOMEM, "cgroupsPath");
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *base = NULL;
      if (absolute)
        base = strdup (h[i].mount_point);
      else
        {
          cleanup_free char *mine = NULL;
          if (caller_path (proc_cgroup, &h[i], &mine, err) < 0)
            {
              hull_cg_free_strs (res, i);
              return -1;
            }
          base = join_clean (h[i].mount_point, mine);
        }
      res[i] = base ? join_clean (base, clean) : NULL;
      if (res[i] == NULL)
        {
          hull_cg_free_strs (res, i);
          return hull_fail (err, ENOMEM, "cgroupsPath");
        }
    }
  *dirs = res;
  return 0;
}
