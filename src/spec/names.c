#include "config.h"
#include "spec/parse.h"
#include <string.h>
#include <sys/resource.h>

static const char *const ns_names[HULL_NS_COUNT] = {
  [HULL_NS_PID] = "pid",
  [HULL_NS_NETWORK] = "network",
  [HULL_NS_MOUNT] = "mount",
  [HULL_NS_IPC] = "ipc",
  [HULL_NS_UTS] = "uts",
  [HULL_NS_USER] = "user",
  [HULL_NS_CGROUP] = "cgroup",
  [HULL_NS_TIME] = "time",
};

int
hull_ns_type_from_name (const char *name)
{
  if (name == NULL)
    return -1;
  for (int i = 0; i < HULL_NS_COUNT; i++)
    if (strcmp (ns_names[i], name) == 0)
      return i;
  return -1;
}

const char *
hull_ns_type_name (hull_ns_type type)
{
  if ((int) type < 0 || type >= HULL_NS_COUNT)
    return NULL;
  return ns_names[type];
}

const hull_namespace *
hull_spec_namespace (const hull_spec *spec, hull_ns_type type)
{
  if (spec == NULL || spec->linux_ == NULL)
    return NULL;
  for (size_t i = 0; i < spec->linux_->n_namespaces; i++)
    if (spec->linux_->namespaces[i].type == type)
      return &spec->linux_->namespaces[i];
  return NULL;
}

static const struct {
  const char *name;
  int resource;
} rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
spec_rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof rlimits / sizeof rlimits[0]; i++)
    if (strcmp (rlimits[i].name, name) == 0)
      return rlimits[i].resource;
  return -1;
}

bool
spec_in_list (const char *s, const char *const *list)
{
  for (; *list; list++)
    if (strcmp (s, *list) == 0)
      return true;
  return false;
}
