/* The -ENOSYS stub that goes before libseccomp's filter, as runc's
 * patchbpf (runc 1.1) does.
 *
 * With a deny-by-default profile, a syscall the profile does not know gets
 * the default action, typically EPERM. For a syscall newer than the
 * profile that is wrong: libc falls back to an older syscall only on
 * ENOSYS (clone3 -> clone, faccessat2 -> faccessat, ...). So, per listed
 * architecture, a syscall number above the highest one the profile names
 * returns ENOSYS before the filter is consulted. libseccomp 2.5 cannot add
 * such a check itself; its exported BPF only uses relative jumps, so
 * putting ours in front of it keeps it valid.
 *
 * Rules (runc's): only for a default action that denies (not ALLOW, LOG or
 * TRACE: a tracer handles new syscalls itself); only the architectures the
 * profile lists; the highest number over every name of every rule, whatever
 * its action; on x86_64, x32 syscalls (bit 30) are compared against the
 * x32 maximum or, when x32 is not listed, left to the filter; on s390(x)
 * syscall 0 (the multiplexer unknown syscalls end up as) gets ENOSYS too. */
#include "config.h"
#include "linux/seccomp_enosys.h"
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define X32_SYSCALL_BIT 0x40000000U

typedef struct {
  uint32_t audit;              /* AUDIT_ARCH_* the kernel reports */
  uint32_t max;                /* highest native syscall the profile names */
  uint32_t max_x32;            /* on x86_64, the highest x32 one (bit 30 set) */
  bool has, has_x32;
} arch_group;

/* The highest syscall number the profile names on arch, 0 when none. */
static uint32_t
highest_syscall (const hull_seccomp *s, uint32_t arch)
{
  int max = 0;
  for (size_t i = 0; i < s->n_syscalls; i++)
    for (size_t j = 0; j < s->syscalls[i].names.n; j++)
      {
        /* Negative: unknown, or a pseudo-syscall this arch multiplexes. */
        int nr = seccomp_syscall_resolve_name_arch (arch, s->syscalls[i].names.v[j]);
        if (nr > max)
          max = nr;
      }
  return (uint32_t) max;
}

static bool
stub_wanted (uint32_t default_action)
{
  switch (default_action & SECCOMP_RET_ACTION_FULL)
    {
    case SECCOMP_RET_ALLOW:
    case SECCOMP_RET_LOG:
    case SECCOMP_RET_TRACE:
      return false;
    default:
      /* ERRNO(ENOSYS) already answers what the stub would. */
      return default_action != SCMP_ACT_ERRNO (ENOSYS);
    }
}

/* Jump targets inside one arch's section: the next instruction, its
 * "ja ENOSYS" or its "ja filter". */
enum { NEXT = -1, TO_ENOSYS = -2, TO_FILTER = -3 };

typedef struct {
  uint16_t code;
  uint32_t k;
  int jt, jf;
} cond;

typedef struct {
  struct sock_filter *v;
  size_t n, cap;
  /* Indexes of the long jumps to patch once the stub's end is known. */
  size_t to_enosys[HULL_SECCOMP_MAX_ARCHS], to_filter[HULL_SECCOMP_MAX_ARCHS + 1];
  size_t n_enosys, n_filter;
} prog;

static void
put (prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
  if (p->n < p->cap)
    p->v[p->n] = (struct sock_filter) { .code = code, .jt = jt, .jf = jf, .k = k };
  p->n++;
}

/* One architecture's section, entered with the arch already matched. */
static void
put_section (prog *p, const arch_group *g)
{
  cond c[4];
  size_t n = 0;
  if (g->audit == AUDIT_ARCH_S390 || g->audit == AUDIT_ARCH_S390X)
    c[n++] = (cond) { BPF_JMP | BPF_JEQ | BPF_K, 0, TO_ENOSYS, NEXT };
  if (g->audit == AUDIT_ARCH_X86_64 && g->has && g->has_x32)
    {
      c[n++] = (cond) { BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, NEXT, 1 };
      c[n++] = (cond) { BPF_JMP | BPF_JGT | BPF_K, g->max_x32, TO_ENOSYS, TO_FILTER };
      c[n++] = (cond) { BPF_JMP | BPF_JGT | BPF_K, g->max, TO_ENOSYS, TO_FILTER };
    }
  else if (g->audit == AUDIT_ARCH_X86_64 && g->has_x32)
    {
      c[n++] = (cond) { BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, NEXT, TO_FILTER };
      c[n++] = (cond) { BPF_JMP | BPF_JGT | BPF_K, g->max_x32, TO_ENOSYS, TO_FILTER };
    }
  else
    {
      if (g->audit == AUDIT_ARCH_X86_64)
        c[n++] = (cond) { BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, TO_FILTER, NEXT };
      c[n++] = (cond) { BPF_JMP | BPF_JGT | BPF_K, g->max, TO_ENOSYS, TO_FILTER };
    }

  /* jeq arch: fall into the section, else skip it (load, conds, 2 ja). */
  put (p, BPF_JMP | BPF_JEQ | BPF_K, g->audit, 0, (uint8_t) (1 + n + 2));
  put (p, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr), 0, 0);
  size_t first = p->n, enosys_at = first + n;
  for (size_t i = 0; i < n; i++)
    {
      size_t at = first + i;
      int t[2] = { c[i].jt, c[i].jf };
      uint8_t off[2];
      for (int b = 0; b < 2; b++)
        off[b] = (uint8_t) (t[b] == NEXT ? 0
                            : t[b] == TO_ENOSYS ? enosys_at - at - 1
                            : t[b] == TO_FILTER ? enosys_at + 1 - at - 1
                            : (size_t) t[b]);
      put (p, c[i].code, c[i].k, off[0], off[1]);
    }
  p->to_enosys[p->n_enosys++] = p->n;
  put (p, BPF_JMP | BPF_JA, 0, 0, 0);
  p->to_filter[p->n_filter++] = p->n;
  put (p, BPF_JMP | BPF_JA, 0, 0, 0);
}

int
hull_seccomp_enosys_stub (const hull_seccomp *s, uint32_t default_action,
                          const uint32_t *archs, size_t n_archs,
                          struct sock_filter *out, size_t cap, size_t *n_out, hull_error *err)
{
  *n_out = 0;
  if (!stub_wanted (default_action))
    return 0;
  if (n_archs > HULL_SECCOMP_MAX_ARCHS)
    return hull_fail (err, E2BIG, "seccomp: more than %d architectures", HULL_SECCOMP_MAX_ARCHS);

  arch_group groups[HULL_SECCOMP_MAX_ARCHS];
  size_t n_groups = 0;
  for (size_t i = 0; i < n_archs; i++)
    {
      uint32_t max = highest_syscall (s, archs[i]);
      /* Nothing named for it: runc leaves it to the filter. */
      if (max == 0)
        continue;
      bool x32 = archs[i] == SCMP_ARCH_X32;
      /* x32 shares x86_64's AUDIT_ARCH; bit 30 of the number tells them apart. */
      uint32_t audit = x32 ? AUDIT_ARCH_X86_64 : archs[i];
      size_t g;
      for (g = 0; g < n_groups && groups[g].audit != audit; g++)
        ;
      if (g == n_groups)
        groups[n_groups++] = (arch_group) { .audit = audit };
      if (x32)
        {
          groups[g].has_x32 = true;
          groups[g].max_x32 = max;
        }
      else
        {
          groups[g].has = true;
          groups[g].max = max;
        }
    }
  if (n_groups == 0)
    return 0;

  prog p = { .v = out, .cap = cap };
  put (&p, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch), 0, 0);
  for (size_t g = 0; g < n_groups; g++)
    put_section (&p, &groups[g]);
  /* An architecture not listed: the filter decides (its bad-arch action). */
  p.to_filter[p.n_filter++] = p.n;
  put (&p, BPF_JMP | BPF_JA, 0, 0, 0);
  size_t enosys = p.n;
  put (&p, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0);
  if (p.n > cap)
    return hull_fail (err, E2BIG, "seccomp: the ENOSYS stub needs %zu instructions", p.n);

  size_t filter = p.n;
  for (size_t i = 0; i < p.n_enosys; i++)
    out[p.to_enosys[i]].k = (uint32_t) (enosys - p.to_enosys[i] - 1);
  for (size_t i = 0; i < p.n_filter; i++)
    out[p.to_filter[i]].k = (uint32_t) (filter - p.to_filter[i] - 1);
  *n_out = p.n;
  return 0;
}
