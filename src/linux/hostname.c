#include "config.h"
#include <hull/rootfs.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Setting a name in the host's uts namespace would rename the machine:
   refuse unless the container has one of its own, new or joined by path
   (config.md: the runtime sets it in the container's uts namespace). */
static bool
has_uts_namespace (const hull_spec *spec)
{
  return hull_spec_namespace (spec, HULL_NS_UTS) != NULL;
}

int
hull_set_hostnames (const hull_spec *spec, hull_error *err)
{
  /* Empty means unset, as in runc. */
  bool host = spec->hostname && *spec->hostname;
  bool domain = spec->domainname && *spec->domainname;
  if ((host || domain) && !has_uts_namespace (spec))
    return hull_fail (err, 0, "config.json: .%s: setting the %s requires a uts namespace",
                      host ? "hostname" : "domainname", host ? "hostname" : "domainname");

  /* Privileged: sethostname(2) in the container's uts namespace. */
  if (host && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return hull_fail_errno (err, "sethostname %s", HULL_SHORT (spec->hostname));
  /* Privileged: setdomainname(2), likewise. */
  if (domain && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return hull_fail_errno (err, "setdomainname %s", HULL_SHORT (spec->domainname));
  return 0;
}
