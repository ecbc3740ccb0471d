/* The ENOSYS stub (seccomp_enosys.c) run by a small cBPF interpreter on
 * (arch, syscall number) pairs of other architectures than this machine's:
 * above the profile's highest syscall of an arch it lists -> ENOSYS, else
 * the filter; x32 numbers (bit 30) on x86_64 judged by the x32 maximum
 * or, without x32 listed, left to the filter; syscall 0 on s390x. */
#include "config.h"
#include "linux/seccomp_enosys.h"
#include "tap.h"
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define X32 0x40000000U

enum { FILTER, ENOSYS_RET, BAD };

/* Runs prog on (arch, nr): FILTER when it falls off its end. */
static int
run (const struct sock_filter *prog, size_t n, uint32_t arch, uint32_t nr)
{
  uint32_t a = 0;
  size_t pc = 0;
  for (int steps = 0; steps < 1000; steps++)
    {
      if (pc == n)
        return FILTER;
      if (pc > n)
        return BAD;
      const struct sock_filter *i = &prog[pc];
      switch (i->code)
        {
        case BPF_LD | BPF_W | BPF_ABS:
          a = i->k == offsetof (struct seccomp_data, nr) ? nr : arch;
          pc++;
          break;
        case BPF_RET | BPF_K:
          return i->k == (SECCOMP_RET_ERRNO | ENOSYS) ? ENOSYS_RET : BAD;
        case BPF_JMP | BPF_JA:
          pc += 1 + i->k;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          pc += 1 + (a == i->k ? i->jt : i->jf);
          break;
        case BPF_JMP | BPF_JGT | BPF_K:
          pc += 1 + (a > i->k ? i->jt : i->jf);
          break;
        case BPF_JMP | BPF_JSET | BPF_K:
          pc += 1 + ((a & i->k) ? i->jt : i->jf);
          break;
        default:
          return BAD;
        }
    }
  return BAD;
}

static char *names[] = { "read", "openat", "mkdir", "getcpu", "hull_no_such_syscall" };
static hull_seccomp_syscall rule = { .names = { .v = names, .n = 5 },
                                     .action = "SCMP_ACT_ALLOW" };
static const hull_seccomp profile = { .syscalls = &rule, .n_syscalls = 1 };

typedef struct {
  uint32_t arch, nr;
  int want;
} probe;

static void
check (const char *what, uint32_t default_action, const char *const *arch_names,
       const probe *probes, size_t n_probes)
{
  uint32_t archs[8];
  size_t n_archs = 0;
  for (; arch_names[n_archs]; n_archs++)
    archs[n_archs] = seccomp_arch_resolve_name (arch_names[n_archs]);
  struct sock_filter stub[256];
  size_t n = 0;
  hull_error err = { 0 };
  if (hull_seccomp_enosys_stub (&profile, default_action, archs, n_archs, stub, 256, &n, &err)
      < 0)
    {
      ok (false, "%s: %s", what, err.msg);
      return;
    }
  bool good = true;
  for (size_t i = 0; i < n_probes; i++)
    {
      int got = run (stub, n, probes[i].arch, probes[i].nr);
      if (got != probes[i].want)
        {
          printf ("#   arch %#x nr %#x: got %d, want %d\n", probes[i].arch, probes[i].nr, got,
                  probes[i].want);
          good = false;
        }
    }
  ok (good, "%s (%zu instructions)", what, n);
}

int
main (void)
{
  /* getcpu is the highest named: 309 on x86_64 (x32 too), 318 on i386,
     168 on aarch64. */
  const uint32_t x86_64 = AUDIT_ARCH_X86_64, i386 = AUDIT_ARCH_I386;
  const uint32_t aarch64 = AUDIT_ARCH_AARCH64, s390x = AUDIT_ARCH_S390X;
  uint32_t eperm = SCMP_ACT_ERRNO (EPERM);
  (void) streq;

  check ("x86_64: above 309 ENOSYS, x32 and other arches left to the filter", eperm,
         (const char *[]) { "x86_64", NULL },
         (probe[]) { { x86_64, 0, FILTER }, { x86_64, 309, FILTER }, { x86_64, 310, ENOSYS_RET },
                     { x86_64, 1000, ENOSYS_RET }, { x86_64, X32 | 1000, FILTER },
                     { i386, 1000, FILTER } }, 6);
  check ("x86_64, x86, x32: each its own maximum", eperm,
         (const char *[]) { "x86_64", "x86", "x32", NULL },
         (probe[]) { { x86_64, 309, FILTER }, { x86_64, 310, ENOSYS_RET },
                     { x86_64, X32 | 309, FILTER }, { x86_64, X32 | 310, ENOSYS_RET },
                     { i386, 318, FILTER }, { i386, 319, ENOSYS_RET },
                     { aarch64, 5000, FILTER } }, 7);
  check ("x32 alone: native x86_64 numbers left to the filter", eperm,
         (const char *[]) { "x32", NULL },
         (probe[]) { { x86_64, 1000, FILTER }, { x86_64, X32 | 309, FILTER },
                     { x86_64, X32 | 310, ENOSYS_RET } }, 3);
  check ("aarch64 next to x86_64", eperm, (const char *[]) { "x86_64", "aarch64", NULL },
         (probe[]) { { aarch64, 168, FILTER }, { aarch64, 169, ENOSYS_RET },
                     { x86_64, 310, ENOSYS_RET } }, 3);
  check ("s390x: syscall 0 (the multiplexer) ENOSYS too", eperm,
         (const char *[]) { "s390x", NULL },
         (probe[]) { { s390x, 0, ENOSYS_RET }, { s390x, 5, FILTER },
                     { s390x, 1000, ENOSYS_RET } }, 3);
  check ("a KILL default gets the stub too", SCMP_ACT_KILL_PROCESS,
         (const char *[]) { "x86_64", NULL }, (probe[]) { { x86_64, 1000, ENOSYS_RET } }, 1);

  /* No stub at all: ALLOW, LOG, TRACE defaults, ERRNO(ENOSYS), no arches. */
  uint32_t none[] = { SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_TRACE (5), SCMP_ACT_ERRNO (ENOSYS) };
  uint32_t arch = SCMP_ARCH_X86_64;
  for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
    {
      struct sock_filter stub[256];
      size_t n = 1;
      hull_error err = { 0 };
      int r = hull_seccomp_enosys_stub (&profile, none[i], &arch, 1, stub, 256, &n, &err);
      ok (r == 0 && n == 0, "default action %#x: no stub", none[i]);
    }
  struct sock_filter stub[256];
  size_t n = 1;
  hull_error err = { 0 };
  ok (hull_seccomp_enosys_stub (&profile, eperm, NULL, 0, stub, 256, &n, &err) == 0 && n == 0,
      "no architectures listed: no stub (as runc)");
  return tap_done ();
}
