/* .linux: namespaces, id mappings, devices and the other Linux-only knobs;
 * resources and seccomp have their own files. */
#include "config.h"
#include "spec/parse.h"
#include <stdlib.h>
#include <string.h>

static int
parse_namespaces (hj_ctx *c, const hj_path *p, yajl_val lin, hull_linux *out)
{
  yajl_val a;
  int r = hj_get_array (c, p, lin, "namespaces", false, &a);
  if (r <= 0)
    return r;
  const hj_path *ap = HJ_KEY (p, "namespaces");
  out->namespaces = hj_calloc (a->u.array.len, sizeof *out->namespaces);
  if (out->namespaces == NULL)
    return hj_oom (c);
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      const hj_path *ep = HJ_IDX (ap, i);
      yajl_val o = a->u.array.values[i];
      /* Counted as filled so a failure below still frees the path. */
      hull_namespace *ns = &out->namespaces[out->n_namespaces++];
      yajl_val tv;
      if (hj_expect_object (c, ep, o) < 0)
        return -1;
      tv = hj_member (o, "type");
      if (tv == NULL)
        return hj_fail (c, HJ_KEY (ep, "type"), "required field missing");
      if (!YAJL_IS_STRING (tv))
        return hj_fail (c, HJ_KEY (ep, "type"), "expected a string");
      int t = hull_ns_type_from_name (tv->u.string);
      if (t < 0)
        return hj_fail (c, HJ_KEY (ep, "type"), "unknown namespace \"%s\"", tv->u.string);
      ns->type = (hull_ns_type) t;
      for (size_t j = 0; j + 1 < out->n_namespaces; j++)
        if (out->namespaces[j].type == ns->type)
          return hj_fail (c, ep, "duplicate namespace \"%s\"", tv->u.string);
      if (hj_get_opt_string (c, ep, o, "path", &ns->path) < 0)
        return -1;
      if (ns->path != NULL && hj_check_absolute (c, HJ_KEY (ep, "path"), ns->path) < 0)
        return -1;
    }
  return 0;
}

static int
parse_time_offsets (hj_ctx *c, const hj_path *p, yajl_val lin, hull_linux *out)
{
  yajl_val o;
  int r = hj_get_object (c, p, lin, "timeOffsets", false, &o);
  if (r <= 0)
    return r;
  const hj_path *op = HJ_KEY (p, "timeOffsets");
  for (size_t i = 0; i < o->u.object.len; i++)
    {
      const char *clock = o->u.object.keys[i];
      const hj_path *kp = HJ_KEY (op, clock);
      yajl_val v = o->u.object.values[i];
      hull_time_offset *t;
      if (strcmp (clock, "monotonic") == 0)
        t = &out->time_monotonic;
      else if (strcmp (clock, "boottime") == 0)
        t = &out->time_boottime;
      else
        return hj_fail (c, kp, "unknown clock \"%s\" (expected \"monotonic\" or \"boottime\")",
                        clock);
      if (YAJL_IS_NULL (v))
        continue;
      if (hj_expect_object (c, kp, v) < 0)
        return -1;
      uint64_t ns = 0;
      t->secs = 0;
      if (hj_get_i64 (c, kp, v, "secs", false, INT64_MIN, INT64_MAX, &t->secs) < 0
          || hj_get_u64 (c, kp, v, "nanosecs", false, 999999999, &ns) < 0)
        return -1;
      t->nanosecs = (uint32_t) ns;
      t->set = true;
    }
  return 0;
}

static int
parse_devices (hj_ctx *c, const hj_path *p, yajl_val lin, hull_linux *out)
{
  yajl_val a;
  int r = hj_get_array (c, p, lin, "devices", false, &a);
  if (r <= 0)
    return r;
  const hj_path *ap = HJ_KEY (p, "devices");
  out->devices = hj_calloc (a->u.array.len, sizeof *out->devices);
  if (out->devices == NULL)
    return hj_oom (c);
  out->n_devices = a->u.array.len;
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      const hj_path *ep = HJ_IDX (ap, i);
      yajl_val o = a->u.array.values[i];
      hull_device *d = &out->devices[i];
      if (hj_expect_object (c, ep, o) < 0)
        return -1;
      if (hj_get_string (c, ep, o, "path", true, &d->path) < 0
          || hj_check_absolute (c, HJ_KEY (ep, "path"), d->path) < 0)
        return -1;

      yajl_val tv = hj_member (o, "type");
      if (tv == NULL)
        return hj_fail (c, HJ_KEY (ep, "type"), "required field missing");
      if (!YAJL_IS_STRING (tv))
        return hj_fail (c, HJ_KEY (ep, "type"), "expected a string");
      const char *t = tv->u.string;
      if (strlen (t) != 1 || strchr ("cbup", t[0]) == NULL)
        return hj_fail (c, HJ_KEY (ep, "type"),
                        "invalid device type \"%s\" (expected \"c\", \"b\", \"u\" or \"p\")", t);
      d->type = t[0];

      /* A FIFO has no device number; the others need both halves. */
      bool need = d->type != 'p';
      if (hj_get_i64 (c, ep, o, "major", need, INT64_MIN, INT64_MAX, &d->major) < 0
          || hj_get_i64 (c, ep, o, "minor", need, INT64_MIN, INT64_MAX, &d->minor) < 0)
        return -1;
      if (hj_get_opt_u64 (c, ep, o, "fileMode", UINT32_MAX, &d->file_mode) < 0
          || hj_get_opt_u64 (c, ep, o, "uid", UINT32_MAX, &d->uid) < 0
          || hj_get_opt_u64 (c, ep, o, "gid", UINT32_MAX, &d->gid) < 0)
        return -1;
    }
  return 0;
}

static int
parse_abs_paths (hj_ctx *c, const hj_path *p, yajl_val lin, const char *key, hull_strv *out)
{
  if (hj_get_strv (c, p, lin, key, false, out) < 0)
    return -1;
  for (size_t i = 0; i < out->n; i++)
    if (hj_check_absolute (c, HJ_IDX (HJ_KEY (p, key), i), out->v[i]) < 0)
      return -1;
  return 0;
}

static int
parse_personality (hj_ctx *c, const hj_path *p, yajl_val lin, hull_linux *out)
{
  const hj_path *pp = HJ_KEY (p, "personality");
  yajl_val o;
  int r = hj_get_object (c, p, lin, "personality", false, &o);
  if (r <= 0)
    return r;
  out->personality = calloc (1, sizeof *out->personality);
  if (out->personality == NULL)
    return hj_oom (c);
  hull_personality *pe = out->personality;
  if (hj_get_string (c, pp, o, "domain", true, &pe->domain) < 0)
    return -1;
  if (strcmp (pe->domain, "LINUX") != 0 && strcmp (pe->domain, "LINUX32") != 0)
    return hj_fail (c, HJ_KEY (pp, "domain"),
                    "unknown personality domain \"%s\" (expected \"LINUX\" or \"LINUX32\")",
                    pe->domain);
  return hj_get_strv (c, pp, o, "flags", false, &pe->flags) < 0 ? -1 : 0;
}

static int
parse_memory_policy (hj_ctx *c, const hj_path *p, yajl_val lin, hull_linux *out)
{
  const hj_path *mp = HJ_KEY (p, "memoryPolicy");
  yajl_val o;
  int r = hj_get_object (c, p, lin, "memoryPolicy", false, &o);
  if (r <= 0)
    return r;
  out->memory_policy = calloc (1, sizeof *out->memory_policy);
  if (out->memory_policy == NULL)
    return hj_oom (c);
  hull_memory_policy *m = out->memory_policy;
  /* Mode and flag names are resolved by the runtime (MPOL_* grow over time). */
  if (hj_get_string (c, mp, o, "mode", true, &m->mode) < 0
      || hj_get_opt_string (c, mp, o, "nodes", &m->nodes) < 0
      || hj_get_strv (c, mp, o, "flags", false, &m->flags) < 0)
    return -1;
  return 0;
}

static int
parse_net_devices (hj_ctx *c, const hj_path *p, yajl_val lin, hull_linux *out)
{
  yajl_val o;
  int r = hj_get_object (c, p, lin, "netDevices", false, &o);
  if (r <= 0)
    return r;
  const hj_path *op = HJ_KEY (p, "netDevices");
  out->net_devices = hj_calloc (o->u.object.len, sizeof *out->net_devices);
  if (out->net_devices == NULL)
    return hj_oom (c);
  for (size_t i = 0; i < o->u.object.len; i++)
    {
      const char *name = o->u.object.keys[i];
      const hj_path *kp = HJ_KEY (op, name);
      yajl_val v = o->u.object.values[i];
      hull_net_device *d = &out->net_devices[out->n_net_devices++];
      if (name[0] == '\0')
        return hj_fail (c, kp, "expected a non-empty device name");
      for (size_t j = 0; j + 1 < out->n_net_devices; j++)
        if (strcmp (out->net_devices[j].name, name) == 0)
          return hj_fail (c, kp, "duplicate network device \"%s\"", name);
      d->name = strdup (name);
      if (d->name == NULL)
        return hj_oom (c);
      if (YAJL_IS_NULL (v))
        continue;
      if (hj_expect_object (c, kp, v) < 0
          || hj_get_opt_string (c, kp, v, "name", &d->new_name) < 0)
        return -1;
    }
  return 0;
}

static int
parse_intel_rdt (hj_ctx *c, const hj_path *p, yajl_val lin, hull_linux *out)
{
  yajl_val o;
  int r = hj_get_object (c, p, lin, "intelRdt", false, &o);
  if (r <= 0)
    return r;
  return hj_get_opt_string (c, HJ_KEY (p, "intelRdt"), o, "closID", &out->intel_rdt_clos_id) < 0
             ? -1 : 0;
}

int
spec_parse_linux (hj_ctx *c, const hj_path *p, yajl_val v, hull_linux *out)
{
  static const char *const propagations[] = {
    "shared", "slave", "private", "unbindable",
    "rshared", "rslave", "rprivate", "runbindable", NULL
  };

  if (hj_expect_object (c, p, v) < 0)
    return -1;
  if (parse_namespaces (c, p, v, out) < 0)
    return -1;
  if (spec_parse_id_mappings (c, p, v, "uidMappings", &out->uid_mappings,
                              &out->n_uid_mappings) < 0
      || spec_parse_id_mappings (c, p, v, "gidMappings", &out->gid_mappings,
                                 &out->n_gid_mappings) < 0)
    return -1;
  if (parse_time_offsets (c, p, v, out) < 0 || parse_devices (c, p, v, out) < 0)
    return -1;
  if (hj_get_opt_string (c, p, v, "cgroupsPath", &out->cgroups_path) < 0)
    return -1;

  yajl_val o;
  int r = hj_get_object (c, p, v, "resources", false, &o);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      out->resources = calloc (1, sizeof *out->resources);
      if (out->resources == NULL)
        return hj_oom (c);
      if (spec_parse_resources (c, HJ_KEY (p, "resources"), o, out->resources) < 0)
        return -1;
    }

  if (hj_get_opt_string (c, p, v, "rootfsPropagation", &out->rootfs_propagation) < 0)
    return -1;
  if (out->rootfs_propagation != NULL)
    {
      bool ok = false;
      for (const char *const *s = propagations; *s && !ok; s++)
        ok = strcmp (*s, out->rootfs_propagation) == 0;
      if (!ok)
        return hj_fail (c, HJ_KEY (p, "rootfsPropagation"),
                        "unknown propagation \"%s\" (expected shared, slave, private, "
                        "unbindable or their r-prefixed forms)", out->rootfs_propagation);
    }

  r = hj_get_object (c, p, v, "seccomp", false, &o);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      out->seccomp = calloc (1, sizeof *out->seccomp);
      if (out->seccomp == NULL)
        return hj_oom (c);
      if (spec_parse_seccomp (c, HJ_KEY (p, "seccomp"), o, out->seccomp) < 0)
        return -1;
    }

  if (hj_get_kvmap (c, p, v, "sysctl", &out->sysctl) < 0)
    return -1;
  if (parse_abs_paths (c, p, v, "maskedPaths", &out->masked_paths) < 0
      || parse_abs_paths (c, p, v, "readonlyPaths", &out->readonly_paths) < 0)
    return -1;
  if (hj_get_opt_string (c, p, v, "mountLabel", &out->mount_label) < 0)
    return -1;
  if (parse_personality (c, p, v, out) < 0 || parse_memory_policy (c, p, v, out) < 0
      || parse_net_devices (c, p, v, out) < 0 || parse_intel_rdt (c, p, v, out) < 0)
    return -1;
  return 0;
}
