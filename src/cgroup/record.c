/* The cgroup record in state.json: which directories a container has and
 * which of them hull created (so delete removes exactly those). */
#include "config.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

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
          || !hull_cg_is_ancestor_or_self (t->u.string, path))
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
  *out = steal_ptr (cg);
  ret = 0;
out:
  hull_cgroup_free (cg);
  yajl_tree_free (root);
  return ret;
}
