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

static bool
in_list (const char *s, const char *const *list)
{
  for (; *list; list++)
    if (strcmp (s, *list) == 0)
      return true;
  return false;
}

static int
get_action (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, char **out)
{
  if (hj_get_string (c, p, obj, key, true, out) < 0)
    return -1;
  if (!in_list (*out, actions))
    return hj_fail (c, HJ_KEY (p, key), "unknown seccomp action \"%s\"", *out);
  return 0;
}

static int
parse_args (hj_ctx *c, const hj_path *p, yajl_val sc, hull_seccomp_syscall *out)
{
  yajl_val a;
  int r = hj_get_array (c, p, sc, "args", false, &a);
  if (r <= 0)
    return r;
  const hj_path *ap = HJ_KEY (p, "args");
  out->args = hj_calloc (a->u.array.len, sizeof *out->args);
  if (out->args == NULL)
    return hj_oom (c);
  out->n_args = a->u.array.len;
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      const hj_path *ep = HJ_IDX (ap, i);
      yajl_val o = a->u.array.values[i];
      hull_seccomp_arg *arg = &out->args[i];
      uint64_t idx;
      if (hj_expect_object (c, ep, o) < 0)
        return -1;
      /* Syscalls take at most six arguments. */
      if (hj_get_u64 (c, ep, o, "index", true, 5, &idx) < 0)
        return -1;
      arg->index = (uint32_t) idx;
      if (hj_get_u64 (c, ep, o, "value", true, UINT64_MAX, &arg->value) < 0
          || hj_get_u64 (c, ep, o, "valueTwo", false, UINT64_MAX, &arg->value_two) < 0
          || hj_get_string (c, ep, o, "op", true, &arg->op) < 0)
        return -1;
      if (!in_list (arg->op, operators))
        return hj_fail (c, HJ_KEY (ep, "op"), "unknown seccomp operator \"%s\"", arg->op);
    }
  return 0;
}

static int
parse_syscalls (hj_ctx *c, const hj_path *p, yajl_val sec, hull_seccomp *out)
{
  yajl_val a;
  int r = hj_get_array (c, p, sec, "syscalls", false, &a);
  if (r <= 0)
    return r;
  const hj_path *ap = HJ_KEY (p, "syscalls");
  out->syscalls = hj_calloc (a->u.array.len, sizeof *out->syscalls);
  if (out->syscalls == NULL)
    return hj_oom (c);
  out->n_syscalls = a->u.array.len;
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      const hj_path *ep = HJ_IDX (ap, i);
      yajl_val o = a->u.array.values[i];
      hull_seccomp_syscall *sc = &out->syscalls[i];
      if (hj_expect_object (c, ep, o) < 0)
        return -1;
      if (hj_get_strv (c, ep, o, "names", true, &sc->names) < 0)
        return -1;
      if (sc->names.n == 0)
        return hj_fail (c, HJ_KEY (ep, "names"), "expected a non-empty array");
      if (get_action (c, ep, o, "action", &sc->action) < 0)
        return -1;
      if (hj_get_opt_u64 (c, ep, o, "errnoRet", UINT32_MAX, &sc->errno_ret) < 0)
        return -1;
      if (parse_args (c, ep, o, sc) < 0)
        return -1;
    }
  return 0;
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
  if (parse_syscalls (c, p, v, out) < 0)
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
