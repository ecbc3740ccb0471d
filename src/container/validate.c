/* Checks that need the whole spec (or the host), made before any side effect. */
#include "config.h"
#include "container/internal.h"
#include "linux/security.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static bool
creates (const hull_spec *spec, hull_ns_type type)
{
  const hull_namespace *ns = hull_spec_namespace (spec, type);
  return ns && ns->path == NULL;
}

static int
check_cgroup_manager (const hull_context *ctx, hull_error *err)
{
  struct stat st;
  bool systemd = ctx->systemd_cgroup
                 || (ctx->cgroup_manager && strcmp (ctx->cgroup_manager, "systemd") == 0);
  if (systemd && stat ("/run/systemd/system", &st) < 0)
    return hull_fail (err, 0,
                      "systemd cgroup manager requested but systemd is not running "
                      "(PID 1 is not systemd); use --cgroup-manager=cgroupfs");
  return 0;
}

int
hull_check_runtime_spec (const hull_context *ctx, const hull_spec *spec, hull_error *err)
{
  if (check_cgroup_manager (ctx, err) < 0)
    return -1;
  /* Without a mount namespace init builds the rootfs in a private one and
     returns to the runtime's with it (rootfs.h): root in a new user
     namespace has no say over the runtime's mount namespace. */
  if (creates (spec, HULL_NS_USER) && hull_spec_namespace (spec, HULL_NS_MOUNT) == NULL)
    return hull_fail (err, 0, "config.json: .linux.namespaces: a new user namespace needs a "
                      "mount namespace too (without one the container would share the "
                      "runtime's, where the new user namespace has no privilege)");
  /* New or joined by path (config.md allows both), never the host's. */
  bool uts = hull_spec_namespace (spec, HULL_NS_UTS) != NULL;
  if (spec->hostname && spec->hostname[0] && !uts)
    return hull_fail (err, 0,
                      "config.json: .hostname: setting the hostname requires a uts namespace");
  if (spec->domainname && spec->domainname[0] && !uts)
    return hull_fail (err, 0,
                      "config.json: .domainname: setting the domainname requires a uts "
                      "namespace");
  const hull_linux *l = spec->linux_;
  if (creates (spec, HULL_NS_USER) && (l->n_uid_mappings == 0 || l->n_gid_mappings == 0))
    return hull_fail (err, 0,
                      "config.json: .linux.uidMappings: a new user namespace needs uidMappings "
                      "and gidMappings");
  if (!creates (spec, HULL_NS_USER) && l && (l->n_uid_mappings || l->n_gid_mappings))
    return hull_fail (err, 0,
                      "config.json: .linux.uidMappings: mappings given without a new user "
                      "namespace");
  if (l && (l->time_monotonic.set || l->time_boottime.set) && !creates (spec, HULL_NS_TIME))
    return hull_fail (err, 0,
                      "config.json: .linux.timeOffsets: offsets need a new time namespace");
  if (l && l->resources && !(ctx->cgroup_manager && strcmp (ctx->cgroup_manager, "disabled") == 0))
    {
      hull_cgroup_layout layout;
      if (hull_cgroup_detect (&layout, err) < 0
          || hull_cgroup_check_resources (layout, l->resources, "config.json: .linux.resources",
                                          err) < 0)
        return -1;
    }
  /* Refused rather than ignored: a container must not run without what it asked for. */
  if (l && l->intel_rdt)
    return hull_fail (err, 0, "config.json: .linux.intelRdt: intelRdt is specified in config, "
                      "but Intel RDT is not supported by hull");
  if (l && l->n_net_devices)
    return hull_fail (err, 0, "config.json: .linux.netDevices: moving network devices into "
                      "the container is not supported by hull");
  if (hull_identity_check (spec, err) < 0 || hull_process_attrs_check (spec, err) < 0
      || hull_sysctl_check (spec, err) < 0 || hull_lsm_check (spec, err) < 0
      || hull_seccomp_check (spec, err) < 0)
    return -1;
  return 0;
}
