/* .linux.seccomp. Action and operator names are checked here so a typo is
 * reported with its JSON path; syscall and architecture names are resolved
 * by the seccomp code, which knows what libseccomp supports. */
#include "config.h"
#include "spec/parse.h"
#include <stdlib.h>
#include <string.h>

static const char *const actions[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
  "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
  NULL
};

static const char *const operators[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
  "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL
};

static int
get_action (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, char **out)
{
  if (hj_get_string (c, p, obj, key, true, out) < 0)
    return -1;
  if (!spec_in_list (*out, actions))
    return hj_fail (c, HJ_KEY (p, key), "unknown seccomp action \"%s\"", HULL_SHORT (*out));
  return 0;
}

static int
parse_arg (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  hull_seccomp_arg *arg = elem;
  uint64_t idx;
  /* Syscalls take at most six arguments. */
  if (hj_get_u64 (c, ep, o, "index", true, 5, &idx) < 0)
    return -1;
  arg->index = (uint32_t) idx;
  if (hj_get_u64 (c, ep, o, "value", true, UINT64_MAX, &arg->value) < 0
      || hj_get_u64 (c, ep, o, "valueTwo", false, UINT64_MAX, &arg->value_two) < 0
      || hj_get_string (c, ep, o, "op", true, &arg->op) < 0)
    return -1;
  if (!spec_in_list (arg->op, operators))
    return hj_fail (c, HJ_KEY (ep, "op"), "unknown seccomp operator \"%s\"", HULL_SHORT (arg->op));
  return 0;
}

static int
parse_syscall (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  hull_seccomp_syscall *sc = elem;
  if (hj_get_strv (c, ep, o, "names", true, &sc->names) < 0)
    return -1;
  if (sc->names.n == 0)
    return hj_fail (c, HJ_KEY (ep, "names"), "expected a non-empty array");
  if (get_action (c, ep, o, "action", &sc->action) < 0)
    return -1;
  if (hj_get_opt_u64 (c, ep, o, "errnoRet", UINT32_MAX, &sc->errno_ret) < 0)
    return -1;
  return hj_get_object_array (c, ep, o, "args", false, sizeof *sc->args, &sc->args,
                              &sc->n_args, parse_arg, NULL) < 0 ? -1 : 0;
}

int
spec_parse_seccomp (hj_ctx *c, const hj_path *p, yajl_val v, hull_seccomp *out)
{
  if (hj_expect_object (c, p, v) < 0)
    return -1;
  if (get_action (c, p, v, "defaultAction", &out->default_action) < 0)
    return -1;
  if (hj_get_opt_u64 (c, p, v, "defaultErrnoRet", UINT32_MAX, &out->default_errno_ret) < 0
      || hj_get_strv (c, p, v, "architectures", false, &out->architectures) < 0
      || hj_get_strv (c, p, v, "flags", false, &out->flags) < 0
      || hj_get_opt_string (c, p, v, "listenerPath", &out->listener_path) < 0
      || hj_get_opt_string (c, p, v, "listenerMetadata", &out->listener_metadata) < 0)
    return -1;
  if (hj_get_object_array (c, p, v, "syscalls", false, sizeof *out->syscalls, &out->syscalls,
                           &out->n_syscalls, parse_syscall, NULL) < 0)
    return -1;

  /* The spec: listenerPath MUST be set when any action is SCMP_ACT_NOTIFY. */
  if (out->listener_path == NULL)
    {
      if (strcmp (out->default_action, "SCMP_ACT_NOTIFY") == 0)
        return hj_fail (c, HJ_KEY (p, "listenerPath"),
                        "required field missing (an action is SCMP_ACT_NOTIFY)");
      for (size_t i = 0; i < out->n_syscalls; i++)
        if (strcmp (out->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
          return hj_fail (c, HJ_KEY (p, "listenerPath"),
                          "required field missing (an action is SCMP_ACT_NOTIFY)");
    }
  return 0;
}
