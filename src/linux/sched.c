/* process.scheduler (sched_setattr), process.ioPriority (ioprio_set) and
 * process.execCPUAffinity (sched_setaffinity), plus the id-list parser
 * they share with the memory policy. */
#include "config.h"
#include "linux/security.h"
#include "linux/attrs.h"
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ULONG_BITS (sizeof (unsigned long) * CHAR_BIT)

/* Not in every libc's headers: the uapi values. */
#define HULL_IOPRIO_WHO_PROCESS 1
#define HULL_IOPRIO_CLASS_SHIFT 13

/* linux/sched/types.h clashes with glibc's struct sched_param: the uapi
   layout (SCHED_ATTR_SIZE_VER1). */
struct hull_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
  uint32_t sched_util_min, sched_util_max;
};

/* ------------------------------------------------------------ id lists */

static int
parse_id (const char **p, unsigned long *out)
{
  /* Digits only: strtoul would take signs and spaces. */
  if (**p < '0' || **p > '9')
    return -1;
  char *end;
  errno = 0;
  unsigned long v = strtoul (*p, &end, 10);
  if (errno != 0)
    return -1;
  *p = end;
  *out = v;
  return 0;
}

int
hull_id_list_parse (const char *list, const char *what, unsigned long *mask, size_t nbits,
                    hull_error *err)
{
  memset (mask, 0, nbits / CHAR_BIT);
  if (*list == '\0')
    return hull_fail (err, 0, "empty %s list", what);
  const char *p = list;
  for (;;)
    {
      unsigned long lo, hi;
      if (parse_id (&p, &lo) < 0)
        return hull_fail (err, 0, "invalid %s list \"%s\": expected N or N-M items separated by ','",
                          what, list);
      hi = lo;
      if (*p == '-')
        {
          p++;
          if (parse_id (&p, &hi) < 0)
            return hull_fail (err, 0,
                              "invalid %s list \"%s\": expected N or N-M items separated by ','",
                              what, list);
          if (hi < lo)
            return hull_fail (err, 0, "invalid %s list \"%s\": range %lu-%lu is reversed", what,
                              list, lo, hi);
        }
      if (hi >= nbits)
        return hull_fail (err, 0, "invalid %s list \"%s\": %s %lu is above the maximum %zu", what,
                          list, what, hi, nbits - 1);
      for (unsigned long i = lo; i <= hi; i++)
        mask[i / ULONG_BITS] |= 1UL << (i % ULONG_BITS);
      if (*p == '\0')
        return 0;
      if (*p++ != ',')
        return hull_fail (err, 0, "invalid %s list \"%s\": expected N or N-M items separated by ','",
                          what, list);
    }
}

/* ----------------------------------------------------------- scheduler */

static const struct
{
  const char *name;
  int value;
} policies[] = {
  { "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO },
  { "SCHED_RR", SCHED_RR },       { "SCHED_BATCH", SCHED_BATCH },
  { "SCHED_IDLE", SCHED_IDLE },   { "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct
{
  const char *name;
  uint64_t value;
} sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
  { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
  { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static int
policy_value (const char *name)
{
  for (size_t i = 0; i < N_OF (policies); i++)
    if (strcmp (policies[i].name, name) == 0)
      return policies[i].value;
  return -1;
}

int
hull_sched_check (const hull_process *proc, hull_error *err)
{
  const hull_scheduler *s = proc->scheduler;
  if (s == NULL)
    return 0;
  int policy = policy_value (s->policy);
  if (policy < 0)
    return hull_fail (err, 0, "config.json: .process.scheduler.policy: %s is not supported by Linux",
                      s->policy);
  if (s->nice.set && (s->nice.v < -20 || s->nice.v > 19))
    return hull_fail (err, 0, "config.json: .process.scheduler.nice: %" PRId64
                      " is outside -20..19", s->nice.v);
  bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
  /* As runc: a priority only means something to the real-time policies. */
  if (!rt && s->priority.set && s->priority.v != 0)
    return hull_fail (err, 0,
                      "config.json: .process.scheduler.priority: only SCHED_FIFO and SCHED_RR "
                      "take a priority, not %s",
                      s->policy);
  if (rt && (!s->priority.set || s->priority.v < 1 || s->priority.v > 99))
    return hull_fail (err, 0, "config.json: .process.scheduler.priority: %s needs a priority in "
                      "1..99", s->policy);
  bool dl = policy == SCHED_DEADLINE;
  bool dl_params = (s->runtime.set && s->runtime.v) || (s->deadline.set && s->deadline.v)
                   || (s->period.set && s->period.v);
  if (!dl && dl_params)
    return hull_fail (err, 0,
                      "config.json: .process.scheduler: runtime, deadline and period are only for "
                      "SCHED_DEADLINE, not %s",
                      s->policy);
  if (dl)
    {
      uint64_t runtime = s->runtime.v, deadline = s->deadline.v, period = s->period.v;
      /* The kernel's own admission rules, reported here with names. */
      if (deadline == 0 || runtime < 1024 || runtime > deadline
          || (period != 0 && period < deadline) || (deadline >> 63) || (period >> 63))
        return hull_fail (err, 0,
                          "config.json: .process.scheduler: SCHED_DEADLINE needs 1024 <= runtime <= "
                          "deadline <= period (ns, period 0 = deadline); got runtime %" PRIu64
                          ", deadline %" PRIu64 ", period %" PRIu64,
                          runtime, deadline, period);
    }
  for (size_t i = 0; i < s->flags.n; i++)
    {
      size_t j;
      for (j = 0; j < N_OF (sched_flags); j++)
        if (strcmp (s->flags.v[i], sched_flags[j].name) == 0)
          break;
      if (j == N_OF (sched_flags))
        return hull_fail (err, 0, "config.json: .process.scheduler.flags[%zu]: unknown flag \"%s\"",
                          i, s->flags.v[i]);
    }
  return 0;
}

int
hull_sched_apply (const hull_process *proc, hull_error *err)
{
  const hull_scheduler *s = proc->scheduler;
  if (s == NULL)
    return 0;
  struct hull_sched_attr attr = {
    .size = sizeof attr,
    .sched_policy = (uint32_t) policy_value (s->policy),
    .sched_nice = s->nice.set ? (int32_t) s->nice.v : 0,
    .sched_priority = s->priority.set ? (uint32_t) s->priority.v : 0,
    .sched_runtime = s->runtime.v,
    .sched_deadline = s->deadline.v,
    .sched_period = s->period.v,
  };
  for (size_t i = 0; i < s->flags.n; i++)
    for (size_t j = 0; j < N_OF (sched_flags); j++)
      if (strcmp (s->flags.v[i], sched_flags[j].name) == 0)
        attr.sched_flags |= sched_flags[j].value;
  /* No libc wrapper on older glibc; init is single-threaded, so the
     calling thread is the whole process. */
  if (syscall (SYS_sched_setattr, 0, &attr, 0) == 0)
    return 0;
  hull_fail_errno (err, "config.json: .process.scheduler: sched_setattr %s nice %d priority %u",
                   s->policy, attr.sched_nice, attr.sched_priority);
  /* With RT group scheduling (cgroup v1) a cgroup gets no real-time
     budget unless given one: the usual cause when init has CAP_SYS_NICE. */
  if (err->errnum == EPERM && (attr.sched_policy == SCHED_FIFO || attr.sched_policy == SCHED_RR))
    hull_error_hint (err, "real-time policies need CAP_SYS_NICE outside a user namespace and, "
                     "with RT group scheduling, a cpu.rt_runtime_us budget for the container's "
                     "cgroup");
  return -1;
}

/* ---------------------------------------------------------- ioPriority */

int
hull_ioprio_apply (const hull_process *proc, hull_error *err)
{
  const hull_io_priority *io = proc->io_priority;
  if (io == NULL)
    return 0;
  int class_ = strcmp (io->class_, "IOPRIO_CLASS_RT") == 0   ? 1
               : strcmp (io->class_, "IOPRIO_CLASS_BE") == 0 ? 2
                                                             : 3;
  int prio = (class_ << HULL_IOPRIO_CLASS_SHIFT) | (int) io->priority;
  if (syscall (SYS_ioprio_set, HULL_IOPRIO_WHO_PROCESS, 0, prio) < 0)
    return hull_fail_errno (err, "config.json: .process.ioPriority: ioprio_set %s %" PRId64,
                            io->class_, io->priority);
  return 0;
}

/* ----------------------------------------------------- execCPUAffinity */

/* "" means unset, as runc reads it. */
static bool
given (const char *s)
{
  return s != NULL && *s != '\0';
}

static int
parse_affinity (const char *list, const char *which, cpu_set_t *set, hull_error *err)
{
  unsigned long mask[CPU_SETSIZE / ULONG_BITS];
  if (hull_id_list_parse (list, "CPU", mask, CPU_SETSIZE, err) < 0)
    return hull_error_prefix (err, "config.json: .process.execCPUAffinity.%s: ", which);
  CPU_ZERO (set);
  for (size_t i = 0; i < CPU_SETSIZE; i++)
    if (mask[i / ULONG_BITS] & (1UL << (i % ULONG_BITS)))
      CPU_SET (i, set);
  return 0;
}

int
hull_affinity_check (const hull_process *proc, hull_error *err)
{
  const hull_cpu_affinity *a = proc->exec_cpu_affinity;
  cpu_set_t set;
  if (a == NULL)
    return 0;
  if (given (a->initial) && parse_affinity (a->initial, "initial", &set, err) < 0)
    return -1;
  if (given (a->final) && parse_affinity (a->final, "final", &set, err) < 0)
    return -1;
  return 0;
}

static int
set_affinity (const char *list, const char *which, hull_error *err)
{
  cpu_set_t set;
  if (parse_affinity (list, which, &set, err) < 0)
    return -1;
  if (sched_setaffinity (0, sizeof set, &set) == 0)
    return 0;
  hull_fail_errno (err, "config.json: .process.execCPUAffinity.%s: sched_setaffinity %s", which,
                   list);
  if (err->errnum == EINVAL)
    hull_error_hint (err, "no CPU in it is online and allowed by the container's cpuset");
  return -1;
}

int
hull_affinity_apply_initial (const hull_process *proc, hull_error *err)
{
  const hull_cpu_affinity *a = proc->exec_cpu_affinity;
  if (a == NULL || !given (a->initial))
    return 0;
  return set_affinity (a->initial, "initial", err);
}

int
hull_process_affinity_final (const hull_spec *spec, hull_error *err)
{
  const hull_cpu_affinity *a = spec->process->exec_cpu_affinity;
  if (a == NULL || !given (a->final))
    return 0;
  return set_affinity (a->final, "final", err);
}
