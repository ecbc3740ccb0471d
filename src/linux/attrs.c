/* Process attributes set in init while it is still privileged: rlimits,
 * oomScoreAdj and personality here; scheduling, I/O priority and CPU
 * affinity in sched.c; the NUMA memory policy in mempolicy.c. */
#include "config.h"
#include "linux/security.h"
#include "linux/attrs.h"
#include "linux/procfs.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>

int
hull_error_hint (hull_error *err, const char *fmt, ...)
{
  size_t len = strlen (err->msg);
  if (len + 3 >= sizeof err->msg)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  err->msg[len++] = ' ';
  err->msg[len++] = '(';
  vsnprintf (err->msg + len, sizeof err->msg - len - 1, fmt, ap);
  va_end (ap);
  len = strlen (err->msg);
  if (len + 1 < sizeof err->msg)
    strcpy (err->msg + len, ")");
  return -1;
}

/* ------------------------------------------------------------ rlimits */

static const char *
fmt_limit (uint64_t v, char *buf, size_t size)
{
  if (v == UINT64_MAX || v == (uint64_t) RLIM_INFINITY)
    return "unlimited";
  snprintf (buf, size, "%" PRIu64, v);
  return buf;
}

static int
check_rlimits (const hull_process *proc, hull_error *err)
{
  for (size_t i = 0; i < proc->n_rlimits; i++)
    {
      const hull_rlimit *rl = &proc->rlimits[i];
      char s[32], h[32];
      /* setrlimit(2) would say only EINVAL, and only once init runs. */
      if (rl->soft > rl->hard)
        return hull_fail (err, 0,
                          "config.json: .process.rlimits[%zu]: %s soft limit %s is above the hard "
                          "limit %s",
                          i, rl->type, fmt_limit (rl->soft, s, sizeof s),
                          fmt_limit (rl->hard, h, sizeof h));
    }
  return 0;
}

static int
apply_rlimits (const hull_process *proc, hull_error *err)
{
  for (size_t i = 0; i < proc->n_rlimits; i++)
    {
      const hull_rlimit *rl = &proc->rlimits[i];
      struct rlimit cur, want = { .rlim_cur = rl->soft, .rlim_max = rl->hard };
      if (getrlimit (rl->resource, &cur) < 0)
        cur.rlim_max = RLIM_INFINITY;
      if (setrlimit (rl->resource, &want) == 0)
        continue;
      int e = errno;
      char s[32], h[32], c[32];
      hull_fail (err, e, "config.json: .process.rlimits[%zu]: setrlimit %s %s/%s", i, rl->type,
                 fmt_limit (rl->soft, s, sizeof s), fmt_limit (rl->hard, h, sizeof h));
      /* The one refusal people hit: raising the hard limit is reserved to
         CAP_SYS_RESOURCE in the initial user namespace. */
      if (e == EPERM && want.rlim_max > cur.rlim_max)
        hull_error_hint (err,
                     "raising the hard limit above the current %s needs CAP_SYS_RESOURCE in the "
                     "initial user namespace, which the runtime lacks on this host",
                     fmt_limit (cur.rlim_max, c, sizeof c));
      return -1;
    }
  return 0;
}

/* ------------------------------------------------------- oomScoreAdj */

static int
read_oom_score_adj (const char *path, int *out)
{
  hull_error ignored;
  cleanup_close int fd = hull_procfs_open (AT_FDCWD, path, O_RDONLY, &ignored);
  char buf[16];
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  *out = atoi (buf);
  return 0;
}

/* Writes process.oomScoreAdj to the oom_score_adj file of /proc/self or
 * /proc/PID, unless it already has that value. */
static int
write_oom_score_adj (const hull_process *proc, const char *path, hull_error *err)
{
  if (proc == NULL || !proc->oom_score_adj.set)
    return 0;
  int64_t v = proc->oom_score_adj.v;
  int cur = 0;
  bool have_cur = read_oom_score_adj (path, &cur) == 0;
  if (have_cur && cur == v)
    return 0;
  char buf[24];
  int len = snprintf (buf, sizeof buf, "%" PRId64, v);
  /* The shared helper makes sure the write reaches procfs, not whatever a
     container mount put over /proc. */
  if (hull_procfs_write (AT_FDCWD, path, buf, (size_t) len, err) == 0)
    return 0;
  int e = err->errnum;
  hull_error_prefix (err, "config.json: .process.oomScoreAdj %" PRId64 ": ", v);
  if ((e == EACCES || e == EPERM) && have_cur && v < cur)
    hull_error_hint (err,
                     "lowering it below the current %d needs CAP_SYS_RESOURCE in the initial user "
                     "namespace, which the runtime lacks on this host",
                     cur);
  else if (e == EACCES)
    hull_error_hint (err, "init is non-dumpable: in a user namespace its /proc files belong to "
                     "the host's root, so the runtime must set it before init runs");
  return -1;
}

int
hull_process_oom_score_adj_set (const hull_spec *spec, pid_t pid, hull_error *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/oom_score_adj", (int) pid);
  return write_oom_score_adj (spec->process, path, err);
}

/* ------------------------------------------------------- personality */

static const struct
{
  const char *name;
  unsigned long value;
} personality_flags[] = {
  { "ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT },
  { "ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT },
  { "ADDR_LIMIT_3GB", ADDR_LIMIT_3GB },
  { "ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE },
  { "FDPIC_FUNCPTRS", FDPIC_FUNCPTRS },
  { "MMAP_PAGE_ZERO", MMAP_PAGE_ZERO },
  { "READ_IMPLIES_EXEC", READ_IMPLIES_EXEC },
  { "SHORT_INODE", SHORT_INODE },
  { "STICKY_TIMEOUTS", STICKY_TIMEOUTS },
  { "UNAME26", UNAME26 },
  { "WHOLE_SECONDS", WHOLE_SECONDS },
};

/* The persona for linux.personality; -1 with err set on an unknown flag. */
static long
personality_value (const hull_personality *pe, hull_error *err)
{
  unsigned long v = strcmp (pe->domain, "LINUX32") == 0 ? PER_LINUX32 : PER_LINUX;
  for (size_t i = 0; i < pe->flags.n; i++)
    {
      size_t j;
      for (j = 0; j < sizeof personality_flags / sizeof personality_flags[0]; j++)
        if (strcmp (pe->flags.v[i], personality_flags[j].name) == 0)
          break;
      if (j == sizeof personality_flags / sizeof personality_flags[0])
        return hull_fail (err, 0,
                          "config.json: .linux.personality.flags[%zu]: unknown personality flag "
                          "\"%s\"",
                          i, pe->flags.v[i]);
      v |= personality_flags[j].value;
    }
  return (long) v;
}

static int
apply_personality (const hull_linux *l, hull_error *err)
{
  if (l == NULL || l->personality == NULL)
    return 0;
  long v = personality_value (l->personality, err);
  if (v < 0)
    return -1;
  /* Kept across execve: the program starts with this persona. */
  if (personality ((unsigned long) v) < 0)
    return hull_fail_errno (err, "config.json: .linux.personality: personality %s 0x%lx",
                            l->personality->domain, (unsigned long) v);
  return 0;
}

/* ------------------------------------------------------------ entry */

int
hull_process_attrs_check (const hull_spec *spec, hull_error *err)
{
  const hull_process *proc = spec->process;
  const hull_linux *l = spec->linux_;
  if (proc == NULL)
    return 0;
  if (check_rlimits (proc, err) < 0)
    return -1;
  /* The parser bounds it already; kept for specs built in code. */
  if (proc->oom_score_adj.set && (proc->oom_score_adj.v < -1000 || proc->oom_score_adj.v > 1000))
    return hull_fail (err, 0, "config.json: .process.oomScoreAdj: %" PRId64
                      " is outside -1000..1000", proc->oom_score_adj.v);
  if (l && l->personality && personality_value (l->personality, err) < 0)
    return -1;
  if (hull_sched_check (proc, err) < 0 || hull_affinity_check (proc, err) < 0)
    return -1;
  if (l && hull_mempolicy_check (l, err) < 0)
    return -1;
  return 0;
}

int
hull_process_attrs_apply (const hull_spec *spec, hull_error *err)
{
  const hull_process *proc = spec->process;
  const hull_linux *l = spec->linux_;
  /* oomScoreAdj: normally already written by the runtime
     (hull_process_oom_score_adj_set), then this is a no-op. */
  /* Affinity and memory policy before the scheduler: SCHED_DEADLINE
     refuses later affinity changes. The scheduler last, so a real-time
     init does as little as possible before exec. */
  if (apply_rlimits (proc, err) < 0 || write_oom_score_adj (proc, "/proc/self/oom_score_adj", err) < 0
      || apply_personality (l, err) < 0 || hull_affinity_apply_initial (proc, err) < 0)
    return -1;
  if (l && hull_mempolicy_apply (l, err) < 0)
    return -1;
  if (hull_ioprio_apply (proc, err) < 0 || hull_sched_apply (proc, err) < 0)
    return -1;
  return 0;
}
