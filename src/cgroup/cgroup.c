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
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

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

static const char *
layout_name (hull_cgroup_layout l)
{
  switch (l)
    {
    case HULL_CGROUP_LAYOUT_V1:
      return "v1";
    case HULL_CGROUP_LAYOUT_V2:
      return "v2";
    case HULL_CGROUP_LAYOUT_HYBRID:
      return "hybrid";
    }
  return "v1";
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

/* Whether top is path or one of its ancestors. */
static bool
is_ancestor_or_self (const char *top, const char *path)
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
  if (!is_ancestor_or_self (top, path))
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
          if (is_ancestor_or_self (*top, p))
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

void
hull_cgroup_free (hull_cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      free (cg->dirs[i].controller);
      free (cg->dirs[i].path);
      free (cg->dirs[i].top);
    }
  free (cg->dirs);
  free (cg->nodes);
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

/* True (with err set) when an existing cgroup already holds processes. */
static bool
joined_cgroup_has_procs (const char *dir, hull_error *err)
{
  cleanup_free char *procs = NULL;
  cleanup_free char *file = hull_path_join (dir, "cgroup.procs");
  if (file == NULL || hull_read_file (file, &procs, NULL, err) < 0)
    return false; /* unreadable: nothing to protect (e.g. a rootless parent) */
  size_t n = 0;
  for (const char *p = procs; *p; p++)
    n += *p == '\n';
  if (n == 0)
    return false;
  hull_fail (err, 0, "container's cgroup is not empty: %zu process(es) found in %s", n, dir);
  return true;
}

static int
record_nodes (hull_cgroup *cg, const hull_spec *spec, hull_error *err)
{
  const hull_linux *l = spec ? spec->linux_ : NULL;
  if (l == NULL || l->n_devices == 0)
    return 0;
  if ((cg->nodes = calloc (l->n_devices, sizeof *cg->nodes)) == NULL)
    return hull_fail (err, ENOMEM, "cgroup");
  for (size_t i = 0; i < l->n_devices; i++)
    if (l->devices[i].type != 'p') /* fifos are not device-controlled */
      cg->nodes[cg->n_nodes++] = (hull_cgroup_node) {
        l->devices[i].type == 'b' ? 'b' : 'c', l->devices[i].major, l->devices[i].minor };
  return 0;
}

int
hull_cgroup_prepare (const hull_spec *spec, const char *id, const char *manager,
                     hull_cgroup **out, hull_error *err)
{
  bool disabled, systemd;
  if (check_manager (manager, &disabled, &systemd, err) < 0)
    return -1;

  hull_cgroup *cg = calloc (1, sizeof *cg);
  if (cg == NULL)
    return hull_fail (err, ENOMEM, "cgroup");
  if (record_nodes (cg, spec, err) < 0)
    {
      hull_cgroup_free (cg);
      return -1;
    }
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
      d->path = steal_ptr (dirs[i]);
      cg->n_dirs++;
      if (d->controller == NULL)
        {
          hull_fail (err, ENOMEM, "cgroup");
          goto out;
        }
      if (make_chain (h[i].mount_point, d->path, &d->created, &d->top, err) < 0)
        {
          if (!rootless_skips_cgroups (spec, err->errnum))
            goto out;
          hull_debug ("%s: unprivileged, running without cgroups", err->msg);
          hull_cgroup_layout layout = cg->layout;
          hull_error ignored;
          hull_cgroup_destroy (cg, &ignored);
          hull_cgroup_free (cg);
          if ((cg = calloc (1, sizeof *cg)) == NULL)
            {
              hull_fail (err, ENOMEM, "cgroup");
              goto out;
            }
          cg->layout = layout;
          if (record_nodes (cg, spec, err) < 0)
            goto out;
          break;
        }
      /* Only a leaf hull made is ever removed, so a joined cgroup stays. */
      if (!d->created)
        {
          free (d->top);
          d->top = NULL;
          /* kill --all and delete signal every member: never processes
           * hull did not start (runc refuses this too). */
          if (joined_cgroup_has_procs (d->path, err))
            goto out;
        }
      if (!h[i].v2 && hull_cg_list_has (h[i].controllers, "cpuset")
          && hull_cg_v1_cpuset_fill (h[i].mount_point, d->path, err) < 0)
        goto out;
    }
  *out = steal_ptr (cg);
  ret = 0;

out:
  if (cg != NULL)
    {
      hull_error ignored;
      hull_cgroup_destroy (cg, &ignored);
      hull_cgroup_free (cg);
    }
  hull_cg_free_strs (dirs, n);
  hull_cg_hierarchies_free (h, n);
  free (proc_cgroup);
  return ret;
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

/* ---- persistence ---- */

static yajl_gen_status
gen_str (yajl_gen g, const char *s)
{
  return yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

char *
hull_cgroup_to_json (const hull_cgroup *cg)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  bool ok = true;
  /* Statements in order: yajl needs key before value. */
#define GEN(call) (ok = ok && (call) == yajl_gen_status_ok)
  GEN (yajl_gen_map_open (g));
  GEN (gen_str (g, "layout"));
  GEN (gen_str (g, layout_name (cg->layout)));
  GEN (gen_str (g, "dirs"));
  GEN (yajl_gen_array_open (g));
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      const hull_cgroup_dir *d = &cg->dirs[i];
      GEN (yajl_gen_map_open (g));
      GEN (gen_str (g, "controller"));
      GEN (gen_str (g, d->controller));
      GEN (gen_str (g, "path"));
      GEN (gen_str (g, d->path));
      GEN (gen_str (g, "created"));
      GEN (yajl_gen_bool (g, d->created));
      if (d->created && d->top)
        {
          GEN (gen_str (g, "top"));
          GEN (gen_str (g, d->top));
        }
      GEN (yajl_gen_map_close (g));
    }
  GEN (yajl_gen_array_close (g));
  if (cg->n_nodes > 0)
    {
      GEN (gen_str (g, "nodes"));
      GEN (yajl_gen_array_open (g));
      for (size_t i = 0; i < cg->n_nodes; i++)
        {
          char type[2] = { cg->nodes[i].type, '\0' };
          GEN (yajl_gen_map_open (g));
          GEN (gen_str (g, "type"));
          GEN (gen_str (g, type));
          GEN (gen_str (g, "major"));
          GEN (yajl_gen_integer (g, cg->nodes[i].major));
          GEN (gen_str (g, "minor"));
          GEN (yajl_gen_integer (g, cg->nodes[i].minor));
          GEN (yajl_gen_map_close (g));
        }
      GEN (yajl_gen_array_close (g));
    }
  GEN (yajl_gen_map_close (g));
#undef GEN
  const unsigned char *buf;
  size_t len;
  char *res = NULL;
  if (ok && yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    res = strndup ((const char *) buf, len);
  yajl_gen_free (g);
  return res;
}

/* A stored path must be absolute and clean: destroy rmdirs it. */
static bool
valid_path (const char *p)
{
  if (p[0] != '/' || strstr (p, "//") != NULL)
    return false;
  for (const char *s = p; *s;)
    {
      s++;
      const char *end = strchrnul (s, '/');
      size_t l = (size_t) (end - s);
      if ((l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
        return false;
      s = end;
    }
  return true;
}

static int
bad_json (hull_error *err, const char *what)
{
  return hull_fail (err, 0, "cgroup state: %s", what);
}

static int
dir_from_json (yajl_val v, size_t i, hull_cgroup_dir *d, hull_error *err)
{
  static const char *k_ctrl[] = { "controller", NULL }, *k_path[] = { "path", NULL },
                    *k_created[] = { "created", NULL }, *k_top[] = { "top", NULL };
  if (!YAJL_IS_OBJECT (v))
    return hull_fail (err, 0, "cgroup state: .dirs[%zu]: expected an object", i);
  yajl_val c = yajl_tree_get (v, k_ctrl, yajl_t_string);
  yajl_val p = yajl_tree_get (v, k_path, yajl_t_string);
  yajl_val cr = yajl_tree_get (v, k_created, yajl_t_any);
  yajl_val t = yajl_tree_get (v, k_top, yajl_t_any);
  if (c == NULL)
    return hull_fail (err, 0, "cgroup state: .dirs[%zu].controller: expected a string", i);
  if (p == NULL || !valid_path (p->u.string))
    return hull_fail (err, 0, "cgroup state: .dirs[%zu].path: expected an absolute clean path", i);
  if (cr == NULL || !(YAJL_IS_TRUE (cr) || YAJL_IS_FALSE (cr)))
    return hull_fail (err, 0, "cgroup state: .dirs[%zu].created: expected a boolean", i);
  d->created = YAJL_IS_TRUE (cr);
  const char *path = p->u.string, *top = path;
  if (t != NULL && !YAJL_IS_NULL (t))
    {
      if (!YAJL_IS_STRING (t) || !valid_path (t->u.string)
          || !is_ancestor_or_self (t->u.string, path))
        return hull_fail (err, 0, "cgroup state: .dirs[%zu].top: expected path or one of its parents", i);
      top = t->u.string;
    }
  /* An old or hand-written state without "top": remove only the leaf. */
  if (d->created && (d->top = strdup (top)) == NULL)
    return hull_fail (err, ENOMEM, "cgroup state");
  d->controller = strdup (c->u.string);
  d->path = strdup (path);
  if (d->controller == NULL || d->path == NULL)
    return hull_fail (err, ENOMEM, "cgroup state");
  return 0;
}

/* "nodes" (optional: states written before it existed have none). */
static int
nodes_from_json (yajl_val root, hull_cgroup *cg, hull_error *err)
{
  static const char *k_nodes[] = { "nodes", NULL }, *k_type[] = { "type", NULL },
                    *k_major[] = { "major", NULL }, *k_minor[] = { "minor", NULL };
  yajl_val nodes = yajl_tree_get (root, k_nodes, yajl_t_any);
  if (nodes == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (nodes))
    return bad_json (err, ".nodes: expected an array");
  size_t n = YAJL_GET_ARRAY (nodes)->len;
  if (n > 0 && (cg->nodes = calloc (n, sizeof *cg->nodes)) == NULL)
    return hull_fail (err, ENOMEM, "cgroup state");
  for (size_t i = 0; i < n; i++)
    {
      yajl_val v = YAJL_GET_ARRAY (nodes)->values[i];
      yajl_val t = yajl_tree_get (v, k_type, yajl_t_string);
      yajl_val ma = yajl_tree_get (v, k_major, yajl_t_number);
      yajl_val mi = yajl_tree_get (v, k_minor, yajl_t_number);
      if (t == NULL || ma == NULL || mi == NULL || !YAJL_IS_INTEGER (ma) || !YAJL_IS_INTEGER (mi)
          || (strcmp (t->u.string, "b") != 0 && strcmp (t->u.string, "c") != 0))
        return hull_fail (err, 0, "cgroup state: .nodes[%zu]: expected {type, major, minor}", i);
      cg->nodes[cg->n_nodes++] = (hull_cgroup_node) { t->u.string[0], YAJL_GET_INTEGER (ma),
                                                      YAJL_GET_INTEGER (mi) };
    }
  return 0;
}

int
hull_cgroup_from_json (const char *json, hull_cgroup **out, hull_error *err)
{
  static const char *k_layout[] = { "layout", NULL }, *k_dirs[] = { "dirs", NULL };
  char ebuf[256];
  yajl_val root = yajl_tree_parse (json, ebuf, sizeof ebuf);
  if (root == NULL)
    {
      ebuf[strcspn (ebuf, "\n")] = '\0';
      return hull_fail (err, 0, "cgroup state: invalid JSON: %s", ebuf);
    }
  hull_cgroup *cg = NULL;
  int ret = -1;
  if (!YAJL_IS_OBJECT (root))
    {
      bad_json (err, "expected an object");
      goto out;
    }
  yajl_val layout = yajl_tree_get (root, k_layout, yajl_t_string);
  yajl_val dirs = yajl_tree_get (root, k_dirs, yajl_t_array);
  if ((cg = calloc (1, sizeof *cg)) == NULL)
    {
      hull_fail (err, ENOMEM, "cgroup state");
      goto out;
    }
  const char *l = layout ? YAJL_GET_STRING (layout) : "";
  if (strcmp (l, "v1") == 0)
    cg->layout = HULL_CGROUP_LAYOUT_V1;
  else if (strcmp (l, "v2") == 0)
    cg->layout = HULL_CGROUP_LAYOUT_V2;
  else if (strcmp (l, "hybrid") == 0)
    cg->layout = HULL_CGROUP_LAYOUT_HYBRID;
  else
    {
      bad_json (err, ".layout: expected \"v1\", \"v2\" or \"hybrid\"");
      goto out;
    }
  if (dirs == NULL)
    {
      bad_json (err, ".dirs: expected an array");
      goto out;
    }
  size_t n = YAJL_GET_ARRAY (dirs)->len;
  if (n > 0 && (cg->dirs = calloc (n, sizeof *cg->dirs)) == NULL)
    {
      hull_fail (err, ENOMEM, "cgroup state");
      goto out;
    }
  for (size_t i = 0; i < n; i++)
    {
      cg->n_dirs++;
      if (dir_from_json (YAJL_GET_ARRAY (dirs)->values[i], i, &cg->dirs[i], err) < 0)
        goto out;
    }
  if (nodes_from_json (root, cg, err) < 0)
    goto out;
  *out = steal_ptr (cg);
  ret = 0;
out:
  hull_cgroup_free (cg);
  yajl_tree_free (root);
  return ret;
}
