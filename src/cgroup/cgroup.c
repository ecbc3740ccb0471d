/* Cgroups: the host layout, creating and removing a container's directories
 * (only those hull made), moving processes in and listing them. The
 * state.json record is record.c; limits are resources*.c. */
#include "config.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* How long destroy waits for exiting processes to leave a cgroup. */
#define DESTROY_BUSY_TIMEOUT_MS 2000
/* Concurrent containers may remove a shared parent ("hull/") while we are
 * creating beneath it; retry that many times. */
#define MKDIR_ATTEMPTS 8

void
hull_cg_hierarchies_free (hull_cg_hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].controllers);
      free (h[i].mount_point);
      free (h[i].root);
    }
  free (h);
}

bool
hull_cg_list_has (const char *list, const char *name)
{
  size_t len = strlen (name);
  for (const char *p = list; *p;)
    {
      const char *end = strchrnul (p, ',');
      if ((size_t) (end - p) == len && memcmp (p, name, len) == 0)
        return true;
      p = *end ? end + 1 : end;
    }
  return false;
}

/* ---- detection ---- */

int
hull_cgroup_detect (hull_cgroup_layout *layout, hull_error *err)
{
  struct statfs sfs;
  if (statfs (HULL_CG_ROOT, &sfs) < 0)
    return hull_fail_errno (err, "statfs %s", HULL_CG_ROOT);
  if (sfs.f_type == CGROUP2_SUPER_MAGIC)
    *layout = HULL_CGROUP_LAYOUT_V2;
  else if (sfs.f_type == TMPFS_MAGIC)
    *layout = hull_cg_v2_is_cgroup2 (HULL_CG_UNIFIED_HYBRID) ? HULL_CGROUP_LAYOUT_HYBRID
                                                              : HULL_CGROUP_LAYOUT_V1;
  else
    return hull_fail (err, 0, "%s: neither cgroup2 nor a tmpfs of v1 hierarchies (filesystem type 0x%lx)",
                      HULL_CG_ROOT, (unsigned long) sfs.f_type);
  return 0;
}

/* ---- create / remove ---- */

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

bool
hull_cg_is_ancestor_or_self (const char *top, const char *path)
{
  size_t len = strlen (top);
  return len > 1 && strncmp (path, top, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/* Removes cgroups the container made inside its own (a nested runtime or
 * systemd inside it), deepest first; they would keep the leaf busy. */
static void
rmdir_children (const char *path, int depth)
{
  cleanup_closedir DIR *d = opendir (path);
  if (d == NULL || depth > 64)
    return;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      cleanup_free char *sub = hull_path_join (path, e->d_name);
      if (sub == NULL)
        return;
      rmdir_children (sub, depth + 1);
      rmdir (sub);
    }
}

/* rmdir path, then its parents up to and including top. The leaf waits out
 * EBUSY until deadline_ms (processes still exiting; 0 = no wait); a busy
 * parent is shared with another container and is left alone. */
static int
remove_chain (const char *path, const char *top, long deadline_ms, hull_error *err)
{
  if (!hull_cg_is_ancestor_or_self (top, path))
    return hull_fail (err, 0, "rmdir %s: %s is not one of its parents", path, top);
  cleanup_free char *p = strdup (path);
  if (p == NULL)
    return hull_fail (err, ENOMEM, "rmdir %s", path);

  long delay = 1;
  if (deadline_ms > 0)
    rmdir_children (p, 0);
  while (rmdir (p) < 0 && errno != ENOENT)
    {
      int saved = errno;
      if (saved != EBUSY || now_ms () >= deadline_ms)
        return hull_fail (err, saved, "rmdir %s", p);
      sleep_ms (delay);
      delay = delay < 64 ? delay * 2 : 100;
      rmdir_children (p, 0);
    }
  size_t top_len = strlen (top);
  for (;;)
    {
      char *slash = strrchr (p, '/');
      if (slash == NULL || (size_t) (slash - p) < top_len)
        break;
      *slash = '\0';
      if (rmdir (p) < 0 && errno != ENOENT)
        break;   /* EBUSY/ENOTEMPTY: another container still uses it */
    }
  return 0;
}

/* mkdir -p of dir below mount_point, noting the topmost directory made. */
static int
make_chain (const char *mount_point, const char *dir, bool *created, char **top, hull_error *err)
{
  size_t mlen = strlen (mount_point);
  if (strncmp (dir, mount_point, mlen) != 0 || (dir[mlen] != '/' && dir[mlen] != '\0'))
    return hull_fail (err, 0, "mkdir %s: not under %s", dir, mount_point);
  cleanup_free char *p = strdup (dir);
  if (p == NULL)
    return hull_fail (err, ENOMEM, "mkdir %s", dir);

  for (int attempt = 0;; attempt++)
    {
      *created = false;
      *top = NULL;
      int r = 0;
      for (char *s = p + mlen; *s && r == 0;)
        {
          char *end = strchrnul (s + 1, '/');
          char saved = *end;
          *end = '\0';
          if (mkdir (p, 0755) == 0)
            {
              if (*top == NULL && (*top = strdup (p)) == NULL)
                {
                  rmdir (p);
                  r = -ENOMEM;
                }
              *created = saved == '\0';
            }
          else if (errno != EEXIST)
            r = -errno;
          else if (saved == '\0')
            {
              struct stat st;
              if (stat (p, &st) < 0)
                r = -errno;
              else if (!S_ISDIR (st.st_mode))
                r = -ENOTDIR;
            }
          if (r == 0)
            *end = saved;
          s = end;
        }
      if (r == 0)
        return 0;

      /* p now ends at the component that failed. */
      hull_fail (err, -r, "mkdir %s", p);
      if (*top)
        {
          char *slash = strrchr (p, '/');
          *slash = '\0';
          hull_error ignored;
          if (hull_cg_is_ancestor_or_self (*top, p))
            remove_chain (p, *top, 0, &ignored);
          free (*top);
          *top = NULL;
        }
      *created = false;
      if (-r != ENOENT || attempt + 1 >= MKDIR_ATTEMPTS)
        return -1;
      strcpy (p, dir);
    }
}

int
hull_cgroup_destroy (const hull_cgroup *cg, hull_error *err)
{
  int ret = 0;
  if (cg == NULL)
    return 0;
  /* One deadline for all hierarchies: the same processes keep them busy. */
  long deadline = now_ms () + DESTROY_BUSY_TIMEOUT_MS;
  for (size_t i = cg->n_dirs; i-- > 0;)
    {
      const hull_cgroup_dir *d = &cg->dirs[i];
      if (!d->created || d->top == NULL)
        continue;
      hull_error e;
      if (remove_chain (d->path, d->top, deadline, &e) < 0 && ret == 0)
        {
          *err = e;
          ret = -1;
        }
    }
  return ret;
}

static void
clear_dirs (hull_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      free (cg->dirs[i].controller);
      free (cg->dirs[i].mount_point);
      free (cg->dirs[i].path);
      free (cg->dirs[i].top);
    }
  free (cg->dirs);
  cg->dirs = NULL;
  cg->n_dirs = 0;
}

void
hull_cgroup_free (hull_cgroup *cg)
{
  if (cg == NULL)
    return;
  clear_dirs (cg);
  free (cg);
}

static int
check_manager (const char *manager, bool *disabled, bool *systemd, hull_error *err)
{
  *disabled = *systemd = false;
  if (manager == NULL || strcmp (manager, "cgroupfs") == 0)
    return 0;
  if (strcmp (manager, "disabled") == 0)
    *disabled = true;
  else if (strcmp (manager, "systemd") == 0)
    {
      struct stat st;
      if (stat ("/run/systemd/system", &st) < 0 || !S_ISDIR (st.st_mode))
        return hull_fail (err, 0, "systemd cgroup manager requested but systemd is not running");
      *systemd = true;
    }
  else
    return hull_fail (err, 0, "unknown cgroup manager \"%s\" (cgroupfs, systemd or disabled)",
                      manager);
  return 0;
}

/* Hierarchies to use on this host, v1 ones first, the unified one last. */
static int
host_hierarchies (hull_cgroup_layout layout, hull_cg_hierarchy **out, size_t *n, hull_error *err)
{
  cleanup_free char *mountinfo = NULL;
  if (hull_read_file ("/proc/self/mountinfo", &mountinfo, NULL, err) < 0)
    return -1;
  hull_cg_hierarchy *list = NULL;
  size_t count = 0;
  if (layout != HULL_CGROUP_LAYOUT_V2)
    {
      if (hull_cg_v1_hierarchies (mountinfo, &list, &count, err) < 0)
        return -1;
      if (count == 0)
        return hull_fail (err, 0, "/proc/self/mountinfo: no cgroup v1 hierarchy mounted");
    }
  if (layout != HULL_CGROUP_LAYOUT_V1)
    {
      hull_cg_hierarchy *grown = realloc (list, (count + 1) * sizeof *list);
      if (grown == NULL)
        {
          hull_cg_hierarchies_free (list, count);
          return hull_fail (err, ENOMEM, "cgroup hierarchies");
        }
      list = grown;
      const char *mp = layout == HULL_CGROUP_LAYOUT_V2 ? HULL_CG_ROOT : HULL_CG_UNIFIED_HYBRID;
      if (hull_cg_v2_hierarchy (mountinfo, mp, &list[count], err) < 0)
        {
          hull_cg_hierarchies_free (list, count);
          return -1;
        }
      count++;
    }
  *out = list;
  *n = count;
  return 0;
}

/* Whether the spec asks for limits; device rules do not count: an
   unprivileged runtime cannot enforce them anyway (runc ignores them too). */
static bool
wants_limits (const hull_spec *spec)
{
  const hull_resources *r = spec && spec->linux_ ? spec->linux_->resources : NULL;
  return r != NULL
         && (r->memory || r->cpu || r->pids_limit.set || r->block_io || r->n_hugepage_limits
             || r->network || r->n_rdma || r->unified.n);
}

/* runc's rootless behaviour: an unprivileged runtime that may not create
   its cgroups runs the container without any, unless limits were asked for. */
static bool
rootless_skips_cgroups (const hull_spec *spec, int errnum)
{
  return geteuid () != 0 && (errnum == EACCES || errnum == EPERM || errnum == EROFS)
         && !wants_limits (spec);
}

/* runc 1.1.5 warns, and goes on, when the container's cgroup already
 * holds processes; once per container (runc looks at one hierarchy). */
static bool
warn_if_populated (const char *dir)
{
  cleanup_free char *procs = NULL;
  cleanup_free char *file = hull_path_join (dir, "cgroup.procs");
  hull_error ignored;
  if (file == NULL || hull_read_file (file, &procs, NULL, &ignored) < 0)
    return false; /* unreadable: nothing to say (e.g. a rootless parent) */
  size_t n = 0;
  for (const char *p = procs; *p; p++)
    n += *p == '\n';
  if (n > 0)
    hull_warn ("container's cgroup is not empty: %zu process(es) found in %s", n, dir);
  return n > 0;
}

/* What make_chain would create: nothing when dir exists (*top NULL), else
 * the topmost missing directory on the way to it. A parent another
 * container makes meanwhile counts as ours until make records what it
 * really made: harmless, as destroy removes a parent only when empty. */
static int
plan_chain (const char *mount_point, const char *dir, bool *created, char **top,
            hull_error *err)
{
  *created = false;
  *top = NULL;
  size_t mlen = strlen (mount_point);
  if (strncmp (dir, mount_point, mlen) != 0 || (dir[mlen] != '/' && dir[mlen] != '\0'))
    return hull_fail (err, 0, "mkdir %s: not under %s", dir, mount_point);
  cleanup_free char *p = strdup (dir);
  if (p == NULL)
    return hull_fail (err, ENOMEM, "mkdir %s", dir);
  for (char *s = p + mlen; *s;)
    {
      char *end = strchrnul (s + 1, '/');
      char saved = *end;
      *end = '\0';
      struct stat st;
      if (stat (p, &st) < 0)
        {
          /* Unreadable (rootless): make reports it, or runs without. */
          if (errno != ENOENT)
            return 0;
          *created = true;
          *top = strdup (p);
          return *top ? 0 : hull_fail (err, ENOMEM, "mkdir %s", dir);
        }
      *end = saved;
      s = end;
    }
  return 0;
}

int
hull_cgroup_plan (const hull_spec *spec, const char *id, const char *manager,
                  hull_cgroup **out, hull_error *err)
{
  bool disabled, systemd;
  if (check_manager (manager, &disabled, &systemd, err) < 0)
    return -1;

  hull_cgroup *cg = calloc (1, sizeof *cg);
  if (cg == NULL)
    return hull_fail (err, ENOMEM, "cgroup");
  if (disabled)
    {
      /* Nothing is touched, so a host without cgroups is fine too. */
      hull_error ignored;
      if (hull_cgroup_detect (&cg->layout, &ignored) < 0)
        cg->layout = HULL_CGROUP_LAYOUT_V1;
      *out = cg;
      return 0;
    }

  hull_cg_hierarchy *h = NULL;
  size_t n = 0;
  char **dirs = NULL;
  char *proc_cgroup = NULL;
  const char *cgroups_path = spec && spec->linux_ ? spec->linux_->cgroups_path : NULL;
  int ret = -1;
  if (hull_cgroup_detect (&cg->layout, err) < 0
      || hull_read_file ("/proc/self/cgroup", &proc_cgroup, NULL, err) < 0
      || host_hierarchies (cg->layout, &h, &n, err) < 0
      || hull_cg_compute_dirs (proc_cgroup, h, n, cgroups_path, id, systemd, &dirs, err) < 0)
    goto out;
  if ((cg->dirs = calloc (n, sizeof *cg->dirs)) == NULL)
    {
      hull_fail (err, ENOMEM, "cgroup");
      goto out;
    }
  for (size_t i = 0; i < n; i++)
    {
      hull_cgroup_dir *d = &cg->dirs[i];
      d->controller = strdup (h[i].controllers);
      d->mount_point = strdup (h[i].mount_point);
      d->path = steal_ptr (dirs[i]);
      d->v2 = h[i].v2;
      cg->n_dirs++;
      if (d->controller == NULL || d->mount_point == NULL)
        {
          hull_fail (err, ENOMEM, "cgroup");
          goto out;
        }
      if (plan_chain (h[i].mount_point, d->path, &d->created, &d->top, err) < 0)
        goto out;
    }
  *out = steal_ptr (cg);
  ret = 0;

out:
  hull_cgroup_free (cg);
  hull_cg_free_strs (dirs, n);
  hull_cg_hierarchies_free (h, n);
  free (proc_cgroup);
  return ret;
}

/* Forgets the plan of dirs from..n-1 (not made): destroy must not touch
 * them, nor parents someone else may have made meanwhile. */
static void
drop_plan (hull_cgroup *cg, size_t from)
{
  for (size_t i = from; i < cg->n_dirs; i++)
    {
      cg->dirs[i].created = false;
      free (cg->dirs[i].top);
      cg->dirs[i].top = NULL;
    }
}

int
hull_cgroup_make (hull_cgroup *cg, const hull_spec *spec, hull_error *err)
{
  bool warned = false;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      hull_cgroup_dir *d = &cg->dirs[i];
      free (d->top);
      d->top = NULL;
      if (make_chain (d->mount_point, d->path, &d->created, &d->top, err) < 0)
        {
          drop_plan (cg, i);
          if (!rootless_skips_cgroups (spec, err->errnum))
            goto fail;
          hull_debug ("%s: unprivileged, running without cgroups", err->msg);
          hull_error ignored;
          hull_cgroup_destroy (cg, &ignored);
          clear_dirs (cg);
          hull_error_clear (err);
          return 0;
        }
      /* Only a leaf hull made is ever removed, so a joined cgroup stays. */
      if (!d->created)
        {
          free (d->top);
          d->top = NULL;
          if (!warned)
            warned = warn_if_populated (d->path);
        }
      if (!d->v2 && hull_cg_list_has (d->controller, "cpuset")
          && hull_cg_v1_cpuset_fill (d->mount_point, d->path, err) < 0)
        {
          drop_plan (cg, i + 1);
          goto fail;
        }
    }
  /* An init joining a frozen cgroup would hang in it until someone thaws
   * it (runc refuses this too). A cgroup hull did not make is left as is. */
  if (hull_cg_check_not_frozen (cg, err) < 0)
    goto fail;
  return 0;

fail:;
  hull_error ignored;
  hull_cgroup_destroy (cg, &ignored);
  drop_plan (cg, 0);
  return -1;
}

/* ---- processes ---- */

int
hull_cgroup_enter (const hull_cgroup *cg, pid_t pid, hull_error *err)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d\n", (int) pid);
  for (size_t i = 0; cg && i < cg->n_dirs; i++)
    {
      cleanup_free char *procs = hull_path_join (cg->dirs[i].path, "cgroup.procs");
      if (procs == NULL)
        return hull_fail (err, ENOMEM, "cgroup.procs");
      if (hull_write_file (procs, buf, (size_t) len, err) < 0)
        return -1;
    }
  return 0;
}

static const hull_cgroup_dir *
procs_dir (const hull_cgroup *cg)
{
  static const char *const prefs[] = { "pids", "freezer", "memory", NULL };
  if (cg->n_dirs == 0)
    return NULL;
  if (cg->layout == HULL_CGROUP_LAYOUT_V2)
    for (size_t i = 0; i < cg->n_dirs; i++)
      if (cg->dirs[i].controller[0] == '\0')
        return &cg->dirs[i];
  for (const char *const *p = prefs; *p; p++)
    for (size_t i = 0; i < cg->n_dirs; i++)
      if (hull_cg_list_has (cg->dirs[i].controller, *p))
        return &cg->dirs[i];
  return &cg->dirs[0];
}

/* Appends the pids in dir/cgroup.procs and, recursively, in its child
   cgroups (a nested manager inside the container makes those), to *text. */
static int
read_procs_tree (const char *dir, int depth, char **text, size_t *len, bool top, hull_error *err)
{
  cleanup_free char *procs = hull_path_join (dir, "cgroup.procs");
  cleanup_free char *part = NULL;
  size_t plen = 0;
  if (procs == NULL)
    return hull_fail (err, ENOMEM, "cgroup.procs");
  if (hull_read_file (procs, &part, &plen, err) < 0)
    /* A child removed meanwhile is fine; the container's own dir is not. */
    return top || err->errnum != ENOENT ? -1 : 0;
  char *grown = realloc (*text, *len + plen + 2);
  if (grown == NULL)
    return hull_fail (err, ENOMEM, "cgroup.procs");
  *text = grown;
  memcpy (*text + *len, part, plen);
  *len += plen;
  if (plen > 0 && part[plen - 1] != '\n')
    (*text)[(*len)++] = '\n';
  (*text)[*len] = '\0';
  cleanup_closedir DIR *d = depth < 32 ? opendir (dir) : NULL;
  struct dirent *e;
  while (d && (e = readdir (d)) != NULL)
    {
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      cleanup_free char *sub = hull_path_join (dir, e->d_name);
      if (sub == NULL)
        return hull_fail (err, ENOMEM, "cgroup.procs");
      if (read_procs_tree (sub, depth + 1, text, len, false, err) < 0)
        return -1;
    }
  return 0;
}

int
hull_cgroup_pids (const hull_cgroup *cg, pid_t **pids, size_t *n, hull_error *err)
{
  *pids = NULL;
  *n = 0;
  const hull_cgroup_dir *d = cg ? procs_dir (cg) : NULL;
  cleanup_free char *text = NULL;
  size_t text_len = 0;
  if (d != NULL && read_procs_tree (d->path, 0, &text, &text_len, true, err) < 0)
    return -1;
  size_t cap = 1;
  for (const char *p = text; p && *p; p++)
    cap += *p == '\n';
  pid_t *res = calloc (cap, sizeof *res);
  if (res == NULL)
    return hull_fail (err, ENOMEM, "cgroup.procs");
  size_t count = 0;
  for (char *p = text; p && *p && count < cap;)
    {
      char *end;
      errno = 0;
      long v = strtol (p, &end, 10);
      if (end == p || errno != 0 || v <= 0)
        {
          free (res);
          return hull_fail (err, 0, "read %s/cgroup.procs: unexpected content", d->path);
        }
      res[count++] = (pid_t) v;
      p = end + strspn (end, "\n");
    }
  *pids = res;
  *n = count;
  return 0;
}
