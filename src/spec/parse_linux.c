/* .linux: namespaces, id mappings, devices and the other Linux-only knobs;
 * resources and seccomp have their own files. */
#include "config.h"
#include "spec/parse.h"
#include <stdlib.h>
#include <string.h>

static int
parse_namespace (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  const hull_linux *out = user;
  hull_namespace *ns = elem;
  yajl_val tv = hj_member (o, "type");
  if (tv == NULL)
    return hj_fail (c, HJ_KEY (ep, "type"), "required field missing");
  if (!YAJL_IS_STRING (tv))
    return hj_fail (c, HJ_KEY (ep, "type"), "expected a string");
  int t = hull_ns_type_from_name (tv->u.string);
  if (t < 0)
    return hj_fail (c, HJ_KEY (ep, "type"), "unknown namespace \"%s\"", HULL_SHORT (tv->u.string));
  ns->type = (hull_ns_type) t;
  for (const hull_namespace *prev = out->namespaces; prev < ns; prev++)
    if (prev->type == ns->type)
      return hj_fail (c, ep, "duplicate namespace \"%s\"", tv->u.string);
  if (hj_get_opt_string (c, ep, o, "path", &ns->path) < 0)
    return -1;
  if (ns->path != NULL && hj_check_absolute (c, HJ_KEY (ep, "path"), ns->path) < 0)
    return -1;
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
                        HULL_SHORT (clock));
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
parse_device (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  hull_device *d = elem;
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
                    "invalid device type \"%s\" (expected \"c\", \"b\", \"u\" or \"p\")", HULL_SHORT (t));
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
parse_personality (hj_ctx *c, const hj_path *pp, yajl_val o, void *out, void *user)
{
  hull_personality *pe = out;
  if (hj_get_string (c, pp, o, "domain", true, &pe->domain) < 0)
    return -1;
  if (strcmp (pe->domain, "LINUX") != 0 && strcmp (pe->domain, "LINUX32") != 0)
    return hj_fail (c, HJ_KEY (pp, "domain"),
                    "unknown personality domain \"%s\" (expected \"LINUX\" or \"LINUX32\")",
                    HULL_SHORT (pe->domain));
  return hj_get_strv (c, pp, o, "flags", false, &pe->flags) < 0 ? -1 : 0;
}

static int
parse_memory_policy (hj_ctx *c, const hj_path *mp, yajl_val o, void *out, void *user)
{
  hull_memory_policy *m = out;
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
          return hj_fail (c, kp, "duplicate network device \"%s\"", HULL_SHORT (name));
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
  out->intel_rdt = true;
  return hj_get_opt_string (c, HJ_KEY (p, "intelRdt"), o, "closID", &out->intel_rdt_clos_id) < 0
             ? -1 : 0;
}

/* The typed parsers of parse.h, shaped for hj_get_new_object. */
static int
parse_resources (hj_ctx *c, const hj_path *p, yajl_val o, void *out, void *user)
{
  return spec_parse_resources (c, p, o, out);
}

static int
parse_seccomp (hj_ctx *c, const hj_path *p, yajl_val o, void *out, void *user)
{
  return spec_parse_seccomp (c, p, o, out);
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
  if (hj_get_object_array (c, p, v, "namespaces", false, sizeof *out->namespaces,
                           &out->namespaces, &out->n_namespaces, parse_namespace, out) < 0)
    return -1;
  if (spec_parse_id_mappings (c, p, v, "uidMappings", &out->uid_mappings,
                              &out->n_uid_mappings) < 0
      || spec_parse_id_mappings (c, p, v, "gidMappings", &out->gid_mappings,
                                 &out->n_gid_mappings) < 0)
    return -1;
  if (parse_time_offsets (c, p, v, out) < 0
      || hj_get_object_array (c, p, v, "devices", false, sizeof *out->devices, &out->devices,
                              &out->n_devices, parse_device, NULL) < 0)
    return -1;
  if (hj_get_opt_string (c, p, v, "cgroupsPath", &out->cgroups_path) < 0)
    return -1;

  if (hj_get_new_object (c, p, v, "resources", sizeof *out->resources, &out->resources,
                         parse_resources, NULL) < 0)
    return -1;

  if (hj_get_opt_string (c, p, v, "rootfsPropagation", &out->rootfs_propagation) < 0)
    return -1;
  if (out->rootfs_propagation != NULL && !spec_in_list (out->rootfs_propagation, propagations))
    return hj_fail (c, HJ_KEY (p, "rootfsPropagation"),
                    "unknown propagation \"%s\" (expected shared, slave, private, "
                    "unbindable or their r-prefixed forms)", HULL_SHORT (out->rootfs_propagation));

  if (hj_get_new_object (c, p, v, "seccomp", sizeof *out->seccomp, &out->seccomp,
                         parse_seccomp, NULL) < 0)
    return -1;

  if (hj_get_kvmap (c, p, v, "sysctl", &out->sysctl) < 0)
    return -1;
  if (parse_abs_paths (c, p, v, "maskedPaths", &out->masked_paths) < 0
      || parse_abs_paths (c, p, v, "readonlyPaths", &out->readonly_paths) < 0)
    return -1;
  if (hj_get_opt_string (c, p, v, "mountLabel", &out->mount_label) < 0)
    return -1;
  if (hj_get_new_object (c, p, v, "personality", sizeof *out->personality, &out->personality,
                         parse_personality, NULL) < 0
      || hj_get_new_object (c, p, v, "memoryPolicy", sizeof *out->memory_policy,
                            &out->memory_policy, parse_memory_policy, NULL) < 0
      || parse_net_devices (c, p, v, out) < 0 || parse_intel_rdt (c, p, v, out) < 0)
    return -1;
  return 0;
}
