/* config.json top level: version, root, hostname, annotations, mounts, hooks;
 * process and linux are parsed by their own files. */
#include "config.h"
#include "spec/parse.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int
parse_id_mapping (hj_ctx *c, const hj_path *ep, yajl_val m, void *elem, void *user)
{
  hull_id_mapping *id = elem;
  uint64_t v;
  if (hj_get_u64 (c, ep, m, "containerID", true, UINT32_MAX, &v) < 0)
    return -1;
  id->container_id = (uint32_t) v;
  if (hj_get_u64 (c, ep, m, "hostID", true, UINT32_MAX, &v) < 0)
    return -1;
  id->host_id = (uint32_t) v;
  if (hj_get_u64 (c, ep, m, "size", true, UINT32_MAX, &v) < 0)
    return -1;
  if (v == 0)
    return hj_fail (c, HJ_KEY (ep, "size"), "expected a positive integer");
  id->size = (uint32_t) v;
  return 0;
}

int
spec_parse_id_mappings (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                        hull_id_mapping **out, size_t *n_out)
{
  return hj_get_object_array (c, p, obj, key, false, sizeof **out, out, n_out,
                              parse_id_mapping, NULL);
}

static int
parse_version (hj_ctx *c, yajl_val doc, hull_spec *spec)
{
  const hj_path *p = HJ_KEY (NULL, "ociVersion");
  if (hj_get_string (c, NULL, doc, "ociVersion", true, &spec->oci_version) < 0)
    return -1;
  const char *s = spec->oci_version;
  if (!isdigit ((unsigned char) s[0]))
    return hj_fail (c, p, "invalid version \"%s\" (expected a semantic version such as \"1.3.0\")", HULL_SHORT (s));
  char *end;
  unsigned long major = strtoul (s, &end, 10);
  if (*end != '\0' && *end != '.' && *end != '-' && *end != '+')
    return hj_fail (c, p, "invalid version \"%s\" (expected a semantic version such as \"1.3.0\")", HULL_SHORT (s));
  if (major != 1)
    return hj_fail (c, p, "unsupported version \"%s\" (hull supports 1.x)", HULL_SHORT (s));
  return 0;
}

static int
parse_root (hj_ctx *c, yajl_val doc, hull_spec *spec)
{
  const hj_path *p = HJ_KEY (NULL, "root");
  yajl_val root;
  if (hj_get_object (c, NULL, doc, "root", true, &root) < 0)
    return -1;
  if (hj_get_string (c, p, root, "path", true, &spec->root.path) < 0)
    return -1;
  if (spec->root.path[0] == '\0')
    return hj_fail (c, HJ_KEY (p, "path"), "expected a non-empty string");
  if (hj_get_bool (c, p, root, "readonly", false, &spec->root.readonly) < 0)
    return -1;
  return 0;
}

static int
parse_mount (hj_ctx *c, const hj_path *ep, yajl_val m, void *elem, void *user)
{
  hull_mount *mnt = elem;
  /* runc tolerates relative destinations from pre-1.0 specs; 1.x says
   * absolute, and guessing the base would be wrong. */
  if (hj_get_string (c, ep, m, "destination", true, &mnt->destination) < 0
      || hj_check_absolute (c, HJ_KEY (ep, "destination"), mnt->destination) < 0)
    return -1;
  if (hj_get_opt_string (c, ep, m, "source", &mnt->source) < 0
      || hj_get_opt_string (c, ep, m, "type", &mnt->type) < 0
      || hj_get_strv (c, ep, m, "options", false, &mnt->options) < 0)
    return -1;
  if (spec_parse_id_mappings (c, ep, m, "uidMappings", &mnt->uid_mappings,
                              &mnt->n_uid_mappings) < 0
      || spec_parse_id_mappings (c, ep, m, "gidMappings", &mnt->gid_mappings,
                                 &mnt->n_gid_mappings) < 0)
    return -1;
  return 0;
}

static int
parse_mounts (hj_ctx *c, yajl_val doc, hull_spec *spec)
{
  return hj_get_object_array (c, NULL, doc, "mounts", false, sizeof *spec->mounts,
                              &spec->mounts, &spec->n_mounts, parse_mount, NULL) < 0 ? -1 : 0;
}

static int
parse_hook (hj_ctx *c, const hj_path *ep, yajl_val h, void *elem, void *user)
{
  hull_hook *hook = elem;
  if (hj_get_string (c, ep, h, "path", true, &hook->path) < 0
      || hj_check_absolute (c, HJ_KEY (ep, "path"), hook->path) < 0)
    return -1;
  if (hj_get_strv (c, ep, h, "args", false, &hook->args) < 0
      || hj_get_strv (c, ep, h, "env", false, &hook->env) < 0)
    return -1;
  int r = hj_get_opt_i64 (c, ep, h, "timeout", INT64_MIN, INT64_MAX, &hook->timeout);
  if (r < 0)
    return -1;
  if (r > 0 && hook->timeout.v <= 0)
    return hj_fail (c, HJ_KEY (ep, "timeout"), "expected a positive integer");
  return 0;
}

static int
parse_hook_list (hj_ctx *c, const hj_path *p, yajl_val hooks, const char *key,
                 hull_hook_list *out)
{
  return hj_get_object_array (c, p, hooks, key, false, sizeof *out->items, &out->items,
                              &out->n, parse_hook, NULL) < 0 ? -1 : 0;
}

static int
parse_hooks (hj_ctx *c, yajl_val doc, hull_spec *spec)
{
  const hj_path *p = HJ_KEY (NULL, "hooks");
  yajl_val hooks;
  int r = hj_get_object (c, NULL, doc, "hooks", false, &hooks);
  if (r <= 0)
    return r;
  hull_hooks *h = &spec->hooks;
  if (parse_hook_list (c, p, hooks, "prestart", &h->prestart) < 0
      || parse_hook_list (c, p, hooks, "createRuntime", &h->create_runtime) < 0
      || parse_hook_list (c, p, hooks, "createContainer", &h->create_container) < 0
      || parse_hook_list (c, p, hooks, "startContainer", &h->start_container) < 0
      || parse_hook_list (c, p, hooks, "poststart", &h->poststart) < 0
      || parse_hook_list (c, p, hooks, "poststop", &h->poststop) < 0)
    return -1;
  return 0;
}

int
hull_spec_parse_hooks (const char *json, size_t len, const char *name, hull_hooks *out,
                       hull_error *err)
{
  hj_ctx c = { .name = name, .err = err };
  yajl_val doc;
  hull_spec spec = { 0 };
  if (hj_parse (&c, json, len, &doc) < 0)
    return -1;
  int r = YAJL_IS_OBJECT (doc) ? parse_hooks (&c, doc, &spec)
                               : hj_fail (&c, NULL, "expected a JSON object at the top level");
  yajl_tree_free (doc);
  if (r < 0)
    hull_hooks_clear (&spec.hooks);
  else
    *out = spec.hooks;
  return r < 0 ? -1 : 0;
}

static int
parse_annotations (hj_ctx *c, yajl_val doc, hull_spec *spec)
{
  if (hj_get_kvmap (c, NULL, doc, "annotations", &spec->annotations) < 0)
    return -1;
  for (size_t i = 0; i < spec->annotations.n; i++)
    if (spec->annotations.items[i].key[0] == '\0')
      return hj_fail (c, HJ_KEY (HJ_KEY (NULL, "annotations"), ""), "expected a non-empty key");
  return 0;
}

static int
parse_document (hj_ctx *c, yajl_val doc, hull_spec *spec)
{
  if (!YAJL_IS_OBJECT (doc))
    return hj_fail (c, NULL, "expected a JSON object at the top level");
  if (parse_version (c, doc, spec) < 0)
    return -1;

  /* OPTIONAL (config.md): without it create still builds the container,
   * and start fails (runtime.md); spec->process stays NULL. */
  yajl_val v;
  int r = hj_get_object (c, NULL, doc, "process", false, &v);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      spec->process = calloc (1, sizeof *spec->process);
      if (spec->process == NULL)
        return hj_oom (c);
      if (spec_parse_process (c, HJ_KEY (NULL, "process"), v, spec->process) < 0)
        return -1;
    }

  if (parse_root (c, doc, spec) < 0)
    return -1;
  if (hj_get_opt_string (c, NULL, doc, "hostname", &spec->hostname) < 0
      || hj_get_opt_string (c, NULL, doc, "domainname", &spec->domainname) < 0)
    return -1;
  /* The kernel's limit for both: refused here, before anything is made,
   * rather than by sethostname(2) in the half-made container. */
  if (spec->hostname && strlen (spec->hostname) > HOST_NAME_MAX)
    return hj_fail (c, HJ_KEY (NULL, "hostname"), "longer than %d bytes", HOST_NAME_MAX);
  if (spec->domainname && strlen (spec->domainname) > HOST_NAME_MAX)
    return hj_fail (c, HJ_KEY (NULL, "domainname"), "longer than %d bytes", HOST_NAME_MAX);
  if (parse_mounts (c, doc, spec) < 0 || parse_hooks (c, doc, spec) < 0
      || parse_annotations (c, doc, spec) < 0)
    return -1;

  r = hj_get_object (c, NULL, doc, "linux", false, &v);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      spec->linux_ = calloc (1, sizeof *spec->linux_);
      if (spec->linux_ == NULL)
        return hj_oom (c);
      if (spec_parse_linux (c, HJ_KEY (NULL, "linux"), v, spec->linux_) < 0)
        return -1;
    }
  return 0;
}

int
hull_spec_parse (const char *json, size_t len, const char *name, hull_spec **out,
                 hull_error *err)
{
  hj_ctx c = { .name = name ? name : "config.json", .err = err };
  yajl_val doc;
  *out = NULL;
  if (hj_parse (&c, json, len, &doc) < 0)
    return -1;
  hull_spec *spec = calloc (1, sizeof *spec);
  if (spec == NULL)
    {
      yajl_tree_free (doc);
      return hj_oom (&c);
    }
  int r = parse_document (&c, doc, spec);
  yajl_tree_free (doc);
  if (r < 0)
    {
      hull_spec_free (spec);
      return -1;
    }
  *out = spec;
  return 0;
}

int
hull_spec_load (const char *file, const char *name, hull_spec **out, hull_error *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  *out = NULL;
  if (hull_read_file (file, &buf, &len, err) < 0)
    return -1;
  return hull_spec_parse (buf, len, name, out, err);
}

int
hull_resources_parse (const char *json, size_t len, const char *name, hull_resources **out,
                      hull_error *err)
{
  hj_ctx c = { .name = name ? name : "resources", .err = err };
  yajl_val doc;
  *out = NULL;
  if (hj_parse (&c, json, len, &doc) < 0)
    return -1;
  hull_resources *res = calloc (1, sizeof *res);
  if (res == NULL)
    {
      yajl_tree_free (doc);
      return hj_oom (&c);
    }
  int r = YAJL_IS_OBJECT (doc) ? spec_parse_resources (&c, NULL, doc, res)
                               : hj_fail (&c, NULL, "expected a JSON object at the top level");
  yajl_tree_free (doc);
  if (r < 0)
    {
      hull_resources_free (res);
      return -1;
    }
  *out = res;
  return 0;
}
