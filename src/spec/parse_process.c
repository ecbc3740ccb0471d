/* .process: what to run, as whom, with which limits. */
#include "config.h"
#include "spec/parse.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

static int
parse_user (hj_ctx *c, const hj_path *pp, yajl_val proc, hull_user *u)
{
  const hj_path *p = HJ_KEY (pp, "user");
  yajl_val obj;
  /* The spec marks user REQUIRED on Linux, but runc takes its absence as
   * 0:0 and so do we; inside it, uid and gid are required. */
  int r = hj_get_object (c, pp, proc, "user", false, &obj);
  if (r <= 0)
    return r;
  uint64_t v;
  if (hj_get_u64 (c, p, obj, "uid", true, UINT32_MAX, &v) < 0)
    return -1;
  u->uid = (uid_t) v;
  if (hj_get_u64 (c, p, obj, "gid", true, UINT32_MAX, &v) < 0)
    return -1;
  u->gid = (gid_t) v;
  if (hj_get_opt_u64 (c, p, obj, "umask", UINT32_MAX, &u->umask) < 0)
    return -1;

  yajl_val a;
  r = hj_get_array (c, p, obj, "additionalGids", false, &a);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      const hj_path *ap = HJ_KEY (p, "additionalGids");
      u->additional_gids = hj_calloc (a->u.array.len, sizeof *u->additional_gids);
      if (u->additional_gids == NULL)
        return hj_oom (c);
      u->n_additional_gids = a->u.array.len;
      for (size_t i = 0; i < a->u.array.len; i++)
        {
          if (hj_u64 (c, HJ_IDX (ap, i), a->u.array.values[i], UINT32_MAX, &v) < 0)
            return -1;
          u->additional_gids[i] = (gid_t) v;
        }
    }
  return hj_get_opt_string (c, p, obj, "username", &u->username) < 0 ? -1 : 0;
}

/* A name libcap knows, in the exact CAP_ form runc takes (not "cap_kill",
 * not "KILL"). runc warns about any other name and drops it; hull refuses
 * it here, where the message can name the JSON path in the file it came
 * from. Names newer than the kernel are the runtime's concern. */
static bool
known_cap (const char *name)
{
  if (strncmp (name, "CAP_", 4) != 0 || name[4] == '\0')
    return false;
  for (const char *q = name; *q; q++)
    if (!(isupper ((unsigned char) *q) || isdigit ((unsigned char) *q) || *q == '_'))
      return false;
  cap_value_t v;
  return cap_from_name (name, &v) == 0 && v >= 0;
}

static int
parse_cap_set (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, hull_strv *out)
{
  if (hj_get_strv (c, p, obj, key, false, out) < 0)
    return -1;
  for (size_t i = 0; i < out->n; i++)
    if (!known_cap (out->v[i]))
      return hj_fail (c, HJ_IDX (HJ_KEY (p, key), i), "unknown capability \"%s\"",
                      HULL_SHORT (out->v[i]));
  return 0;
}

static int
parse_capabilities (hj_ctx *c, const hj_path *p, yajl_val obj, void *out, void *user)
{
  hull_capabilities *caps = out;
  if (parse_cap_set (c, p, obj, "bounding", &caps->bounding) < 0
      || parse_cap_set (c, p, obj, "effective", &caps->effective) < 0
      || parse_cap_set (c, p, obj, "inheritable", &caps->inheritable) < 0
      || parse_cap_set (c, p, obj, "permitted", &caps->permitted) < 0
      || parse_cap_set (c, p, obj, "ambient", &caps->ambient) < 0)
    return -1;
  return 0;
}

static int
parse_rlimit (hj_ctx *c, const hj_path *ep, yajl_val o, void *elem, void *user)
{
  const hull_process *out = user;
  hull_rlimit *rl = elem;
  if (hj_get_string (c, ep, o, "type", true, &rl->type) < 0)
    return -1;
  rl->resource = spec_rlimit_from_name (rl->type);
  if (rl->resource < 0)
    return hj_fail (c, HJ_KEY (ep, "type"), "unknown rlimit \"%s\"", HULL_SHORT (rl->type));
  for (const hull_rlimit *prev = out->rlimits; prev < rl; prev++)
    if (prev->resource == rl->resource)
      return hj_fail (c, HJ_KEY (ep, "type"), "duplicate rlimit \"%s\"", rl->type);
  /* hard < soft is left to setrlimit(2), which reports it. */
  if (hj_get_u64 (c, ep, o, "soft", true, UINT64_MAX, &rl->soft) < 0
      || hj_get_u64 (c, ep, o, "hard", true, UINT64_MAX, &rl->hard) < 0)
    return -1;
  return 0;
}

static int
parse_scheduler (hj_ctx *c, const hj_path *p, yajl_val obj, void *out, void *user)
{
  static const char *const policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
    "SCHED_IDLE", "SCHED_DEADLINE", NULL
  };
  hull_scheduler *s = out;
  if (hj_get_string (c, p, obj, "policy", true, &s->policy) < 0)
    return -1;
  if (!spec_in_list (s->policy, policies))
    return hj_fail (c, HJ_KEY (p, "policy"), "unknown scheduling policy \"%s\"", HULL_SHORT (s->policy));
  if (hj_get_opt_i64 (c, p, obj, "nice", INT32_MIN, INT32_MAX, &s->nice) < 0
      || hj_get_opt_i64 (c, p, obj, "priority", INT32_MIN, INT32_MAX, &s->priority) < 0
      || hj_get_strv (c, p, obj, "flags", false, &s->flags) < 0
      || hj_get_opt_u64 (c, p, obj, "runtime", UINT64_MAX, &s->runtime) < 0
      || hj_get_opt_u64 (c, p, obj, "deadline", UINT64_MAX, &s->deadline) < 0
      || hj_get_opt_u64 (c, p, obj, "period", UINT64_MAX, &s->period) < 0)
    return -1;
  return 0;
}

static int
parse_io_priority (hj_ctx *c, const hj_path *p, yajl_val obj, void *out, void *user)
{
  static const char *const classes[] = {
    "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL
  };
  hull_io_priority *io = out;
  if (hj_get_string (c, p, obj, "class", true, &io->class_) < 0)
    return -1;
  if (!spec_in_list (io->class_, classes))
    return hj_fail (c, HJ_KEY (p, "class"), "unknown I/O priority class \"%s\"", HULL_SHORT (io->class_));
  /* The kernel's per-class levels are 0 (highest) to 7. */
  if (hj_get_i64 (c, p, obj, "priority", false, 0, 7, &io->priority) < 0)
    return -1;
  return 0;
}

static int
parse_cpu_affinity (hj_ctx *c, const hj_path *p, yajl_val obj, void *out, void *user)
{
  hull_cpu_affinity *a = out;
  if (hj_get_opt_string (c, p, obj, "initial", &a->initial) < 0
      || hj_get_opt_string (c, p, obj, "final", &a->final) < 0)
    return -1;
  return 0;
}

int
spec_parse_process (hj_ctx *c, const hj_path *p, yajl_val v, hull_process *out)
{
  if (hj_expect_object (c, p, v) < 0)
    return -1;
  if (hj_get_bool (c, p, v, "terminal", false, &out->terminal) < 0)
    return -1;

  yajl_val box;
  int r = hj_get_object (c, p, v, "consoleSize", false, &box);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      const hj_path *bp = HJ_KEY (p, "consoleSize");
      if (hj_get_u64 (c, bp, box, "height", true, UINT16_MAX, &out->console_height.v) < 0
          || hj_get_u64 (c, bp, box, "width", true, UINT16_MAX, &out->console_width.v) < 0)
        return -1;
      out->console_height.set = out->console_width.set = true;
    }

  if (parse_user (c, p, v, &out->user) < 0)
    return -1;

  /* hull has nothing to run without args (commandLine is Windows-only). */
  if (hj_get_strv (c, p, v, "args", true, &out->args) < 0)
    return -1;
  if (out->args.n == 0)
    return hj_fail (c, HJ_KEY (p, "args"), "expected a non-empty array");
  if (hj_get_opt_string (c, p, v, "commandLine", &out->command_line) < 0)
    return -1;

  if (hj_get_strv (c, p, v, "env", false, &out->env) < 0)
    return -1;
  if (out->env.v == NULL)
    {
      /* Always a valid vector so it can go straight to execve. */
      out->env.v = calloc (1, sizeof *out->env.v);
      if (out->env.v == NULL)
        return hj_oom (c);
    }

  if (hj_get_string (c, p, v, "cwd", true, &out->cwd) < 0
      || hj_check_absolute (c, HJ_KEY (p, "cwd"), out->cwd) < 0)
    return -1;

  if (hj_get_new_object (c, p, v, "capabilities", sizeof *out->capabilities,
                         &out->capabilities, parse_capabilities, NULL) < 0
      || hj_get_object_array (c, p, v, "rlimits", false, sizeof *out->rlimits, &out->rlimits,
                              &out->n_rlimits, parse_rlimit, out) < 0)
    return -1;
  if (hj_get_bool (c, p, v, "noNewPrivileges", false, &out->no_new_privileges) < 0
      || hj_get_opt_string (c, p, v, "apparmorProfile", &out->apparmor_profile) < 0
      || hj_get_opt_i64 (c, p, v, "oomScoreAdj", -1000, 1000, &out->oom_score_adj) < 0
      || hj_get_opt_string (c, p, v, "selinuxLabel", &out->selinux_label) < 0)
    return -1;
  if (hj_get_new_object (c, p, v, "scheduler", sizeof *out->scheduler, &out->scheduler,
                         parse_scheduler, NULL) < 0
      || hj_get_new_object (c, p, v, "ioPriority", sizeof *out->io_priority, &out->io_priority,
                            parse_io_priority, NULL) < 0
      || hj_get_new_object (c, p, v, "execCPUAffinity", sizeof *out->exec_cpu_affinity,
                            &out->exec_cpu_affinity, parse_cpu_affinity, NULL) < 0)
    return -1;
  return 0;
}

int
hull_process_parse (const char *json, size_t len, const char *name, hull_process **out,
                    hull_error *err)
{
  hj_ctx c = { .name = name ? name : "process.json", .err = err };
  yajl_val doc;
  *out = NULL;
  if (hj_parse (&c, json, len, &doc) < 0)
    return -1;
  hull_process *proc = calloc (1, sizeof *proc);
  if (proc == NULL)
    {
      yajl_tree_free (doc);
      return hj_oom (&c);
    }
  /* A NULL path: messages read "<name>: .args: ...", the object being the
     document itself. */
  int r = spec_parse_process (&c, NULL, doc, proc);
  yajl_tree_free (doc);
  if (r < 0)
    {
      hull_process_free (proc);
      return -1;
    }
  *out = proc;
  return 0;
}
