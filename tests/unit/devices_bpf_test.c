/* Unit tests for the eBPF device program builder (src/cgroup/devices_bpf.c):
 * the rule list hull derives from linux.resources.devices, and the decisions
 * of the generated program, run here by a small interpreter of the
 * instructions the builder emits and compared with the reference semantics.
 * When the kernel lets us (root), every program is also loaded through the
 * verifier. TAP. */
#include "config.h"
#include "tap.h"
#include "cgroup/devices_bpf.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define I64(x) ((hull_opt_i64) { true, (x) })
#define ACC(s) (((strchr (s, 'm') != NULL) * HULL_DEV_ACC_MKNOD)                                \
                | ((strchr (s, 'r') != NULL) * HULL_DEV_ACC_READ)                              \
                | ((strchr (s, 'w') != NULL) * HULL_DEV_ACC_WRITE))

/* Runs the program on one request: 1 allow, 0 deny, -1 a malformed
 * program (unknown instruction, jump out of range, no exit). */
static int
interpret (const struct bpf_insn *p, size_t n, char type, uint32_t major, uint32_t minor,
           unsigned access)
{
  uint32_t ctx[3] = { (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR) | access << 16,
                      major, minor };
  uint64_t r[11] = { 0 };
  bool init[11] = { [BPF_REG_1] = true };
  for (size_t pc = 0, steps = 0; pc < n && steps < 100000; pc++, steps++)
    {
      const struct bpf_insn *i = &p[pc];
      uint8_t cls = BPF_CLASS (i->code), op = BPF_OP (i->code);
      if (i->dst_reg > 10 || i->src_reg > 10)
        return -1;
      if (cls == BPF_LDX)
        {
          if (i->code != (BPF_LDX | BPF_MEM | BPF_W) || i->src_reg != BPF_REG_1 || i->off < 0
              || i->off > 8 || i->off % 4)
            return -1;
          r[i->dst_reg] = ctx[i->off / 4];
          init[i->dst_reg] = true;
          continue;
        }
      if (cls == BPF_ALU || cls == BPF_ALU64)
        {
          uint64_t src;
          if (BPF_SRC (i->code) == BPF_X)
            {
              if (!init[i->src_reg])
                return -1;
              src = r[i->src_reg];
            }
          else
            src = (uint64_t) (int64_t) i->imm;
          if (op != BPF_MOV && !init[i->dst_reg])
            return -1;
          uint64_t v = r[i->dst_reg];
          switch (op)
            {
            case BPF_MOV: v = src; break;
            case BPF_AND: v &= src; break;
            case BPF_RSH: v = cls == BPF_ALU ? (uint32_t) v >> (src & 31) : v >> (src & 63); break;
            default: return -1;
            }
          r[i->dst_reg] = cls == BPF_ALU ? (uint32_t) v : v;
          init[i->dst_reg] = true;
          continue;
        }
      if (cls == BPF_JMP && op == BPF_EXIT)
        return init[BPF_REG_0] ? (r[BPF_REG_0] != 0) : -1;
      if (cls == BPF_JMP32 && BPF_SRC (i->code) == BPF_K && (op == BPF_JEQ || op == BPF_JNE))
        {
          if (!init[i->dst_reg] || i->off < 0 || pc + 1 + (size_t) i->off > n)
            return -1;
          bool eq = (uint32_t) r[i->dst_reg] == (uint32_t) i->imm;
          if ((op == BPF_JEQ) == eq)
            pc += (size_t) i->off;
          continue;
        }
      return -1;
    }
  return -1;
}

static hull_dev_rules
rules_of (const hull_device_cgroup *d, size_t n)
{
  hull_dev_rules r;
  hull_error err = { 0 };
  if (hull_cg_device_rules (d, n, &r, &err) < 0)
    printf ("#   error: %s\n", err.msg);
  return r;
}

/* The kernel's verifier: -1 when we may not load programs here. */
static int
kernel_accepts (const struct bpf_insn *p, size_t n)
{
  union bpf_attr a;
  memset (&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t) (uintptr_t) p;
  a.insn_cnt = (uint32_t) n;
  a.license = (uint64_t) (uintptr_t) "Apache";
  int fd = (int) syscall (__NR_bpf, BPF_PROG_LOAD, &a, sizeof a);
  if (fd >= 0)
    {
      close (fd);
      return 1;
    }
  return errno == EPERM || errno == ENOSYS ? -1 : 0;
}

/* expect NAME RULES "type major minor access" -> allow?, for each probe. */
typedef struct {
  char type;
  uint32_t major, minor;
  const char *access;
  bool allow;
} probe;

static void
expect (const char *name, const hull_device_cgroup *d, size_t n, const probe *pr, size_t np)
{
  hull_dev_rules r = rules_of (d, n);
  struct bpf_insn *p = NULL;
  size_t ni = 0;
  hull_error err = { 0 };
  bool good = hull_cg_device_program (&r, &p, &ni, &err) == 0;
  for (size_t i = 0; good && i < np; i++)
    {
      unsigned a = ACC (pr[i].access);
      bool ref = hull_cg_device_decide (&r, pr[i].type, pr[i].major, pr[i].minor, a);
      int got = interpret (p, ni, pr[i].type, pr[i].major, pr[i].minor, a);
      if (ref != pr[i].allow || got != (int) pr[i].allow)
        {
          printf ("#   %c %u:%u %s: want %s, reference %s, program %d\n", pr[i].type,
                  pr[i].major, pr[i].minor, pr[i].access, pr[i].allow ? "allow" : "deny",
                  ref ? "allow" : "deny", got);
          good = false;
        }
    }
  ok (good, "%s", name);
  int k = good ? kernel_accepts (p, ni) : 0;
  if (k < 0)
    printf ("ok %d - %s: verifier # SKIP bpf(2) not permitted here\n", ++n_tests, name);
  else
    ok (k == 1, "%s: the kernel's verifier accepts it", name);
  free (p);
  hull_cg_device_rules_clear (&r);
}

#define DENY_ALL { .allow = false, .access = "rwm" }

static void
test_semantics (void)
{
  hull_device_cgroup deny_all[] = { DENY_ALL };
  probe p1[] = {
    { 'c', 1, 3, "rw", true },    { 'c', 1, 5, "r", true },     { 'c', 136, 7, "rw", true },
    { 'c', 5, 2, "rw", true },    { 'c', 10, 200, "rw", true }, { 'c', 42, 42, "m", true },
    { 'b', 8, 0, "m", true },     { 'b', 8, 0, "r", false },    { 'c', 42, 42, "r", false },
    { 'c', 42, 42, "rm", false }, { 'c', 1, 1, "w", false },    { 'c', 10, 229, "rw", false },
  };
  expect ("a lone deny-all: default deny, the default devices stay usable", deny_all, 1, p1,
          sizeof p1 / sizeof *p1);

  hull_device_cgroup deny_null_w[] = {
    DENY_ALL,
    { .allow = false, .type = "c", .major = I64 (1), .minor = I64 (3), .access = "w" },
  };
  probe p2[] = {
    { 'c', 1, 3, "r", true },  { 'c', 1, 3, "w", false }, { 'c', 1, 3, "rw", false },
    { 'c', 1, 3, "m", true },  { 'c', 1, 5, "rw", true },
  };
  expect ("a later deny of w on /dev/null wins over the default allow", deny_null_w, 2, p2,
          sizeof p2 / sizeof *p2);

  hull_device_cgroup blacklist[] = {
    { .allow = false, .type = "c", .major = I64 (1), .minor = I64 (3), .access = "w" },
  };
  probe p3[] = {
    { 'c', 1, 3, "w", false }, { 'c', 1, 3, "r", true }, { 'c', 42, 1, "rw", true },
    { 'b', 8, 0, "rwm", true },
  };
  expect ("no leading deny-all: default allow, the deny applies", blacklist, 1, p3,
          sizeof p3 / sizeof *p3);

  hull_device_cgroup split[] = {
    DENY_ALL,
    { .allow = true, .type = "c", .major = I64 (42), .minor = I64 (1), .access = "r" },
    { .allow = true, .type = "c", .major = I64 (42), .minor = I64 (1), .access = "w" },
  };
  probe p4[] = {
    { 'c', 42, 1, "rw", true }, { 'c', 42, 1, "r", true }, { 'c', 42, 2, "r", false },
    { 'b', 42, 1, "r", false },
  };
  expect ("access granted by two rules adds up (per-bit)", split, 3, p4, sizeof p4 / sizeof *p4);

  hull_device_cgroup reset[] = {
    DENY_ALL,
    { .allow = true, .type = "c", .major = I64 (42), .access = "rwm" },
    { .allow = false, .type = "a" },
    { .allow = true, .type = "c", .major = I64 (42), .minor = I64 (7), .access = "r" },
  };
  probe p5[] = {
    { 'c', 1, 3, "w", false }, { 'c', 42, 1, "r", false }, { 'c', 42, 7, "r", true },
    { 'c', 42, 7, "w", false }, { 'c', 1, 3, "m", false },
  };
  expect ("a deny-all in the middle discards what came before", reset, 4, p5,
          sizeof p5 / sizeof *p5);

  hull_device_cgroup any_type[] = {
    DENY_ALL,
    { .allow = true, .type = "a", .major = I64 (42), .minor = I64 (1), .access = "rw" },
    { .allow = true, .major = I64 (43), .minor = I64 (-1), .access = "r" },
  };
  probe p6[] = {
    { 'b', 42, 1, "r", true },  { 'c', 42, 1, "w", true }, { 'c', 42, 2, "r", false },
    { 'b', 43, 9, "r", true },  { 'b', 43, 9, "w", false },
  };
  expect ("type a with numbers matches block and char; -1 is a wildcard", any_type, 3, p6,
          sizeof p6 / sizeof *p6);

  hull_device_cgroup big[] = {
    DENY_ALL,
    { .allow = true, .type = "c", .major = I64 (4294967295), .minor = I64 (2147483648),
      .access = "r" },
  };
  probe p7[] = {
    { 'c', 4294967295u, 2147483648u, "r", true }, { 'c', 2147483647u, 2147483648u, "r", false },
    { 'c', 4294967295u, 0, "r", false },
  };
  expect ("device numbers above INT32_MAX compare as unsigned", big, 2, p7,
          sizeof p7 / sizeof *p7);

  hull_device_cgroup allow_all_last[] = {
    DENY_ALL,
    { .allow = true, .type = "a", .access = "rwm" },
    { .allow = false, .type = "b", .major = I64 (8), .access = "w" },
  };
  probe p8[] = { { 'b', 8, 0, "r", true }, { 'b', 8, 0, "w", false }, { 'c', 9, 9, "rw", true } };
  expect ("an allow-all makes the default allow", allow_all_last, 3, p8,
          sizeof p8 / sizeof *p8);
}

static void
test_rules (void)
{
  hull_device_cgroup d[] = { DENY_ALL };
  hull_dev_rules r = rules_of (d, 1);
  ok (!r.default_allow && r.n == hull_cg_n_default_devices,
      "deny-all then exactly the default devices");
  hull_cg_device_rules_clear (&r);

  r = rules_of (NULL, 0);
  ok (r.n == 0 && r.default_allow, "no rules: nothing (no program)");

  hull_device_cgroup partial[] = { { .allow = false, .type = "a", .access = "rw" } };
  r = rules_of (partial, 1);
  ok (r.default_allow && r.n == hull_cg_n_default_devices + 1,
      "a deny-all without m is not the leading deny-all");
  hull_cg_device_rules_clear (&r);

  hull_device_cgroup huge[] = { DENY_ALL, { .allow = true, .type = "c",
                                            .major = I64 (4294967296), .access = "r" } };
  hull_error err = { 0 };
  ok (hull_cg_device_rules (huge, 2, &r, &err) < 0
          && streq (err.msg, "devices[1]: device number out of range"),
      "a 33-bit major is refused");
}

/* Random rule lists: the program and the reference agree on every probe. */
static void
test_random (void)
{
  unsigned seed = 12345;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
  static const char *const accs[] = { "r", "w", "m", "rw", "rm", "wm", "rwm", "" };
  static const char *const types[] = { "a", "b", "c", NULL };
  bool good = true;
  size_t probes = 0;
  for (int round = 0; round < 300 && good; round++)
    {
      hull_device_cgroup d[8];
      size_t n = 1 + RND () % 8;
      for (size_t i = 0; i < n; i++)
        {
          d[i] = (hull_device_cgroup) { .allow = RND () % 2, .type = (char *) types[RND () % 4],
                                        .access = (char *) accs[RND () % 8] };
          if (RND () % 3)
            d[i].major = I64 ((int64_t) (RND () % 4) - 1);
          if (RND () % 3)
            d[i].minor = I64 ((int64_t) (RND () % 4) - 1);
        }
      hull_dev_rules r = rules_of (d, n);
      struct bpf_insn *p = NULL;
      size_t ni = 0;
      hull_error err = { 0 };
      if (hull_cg_device_program (&r, &p, &ni, &err) < 0)
        good = false;
      for (int t = 0; good && t < 2; t++)
        for (uint32_t maj = 0; good && maj < 3; maj++)
          for (uint32_t min = 0; good && min < 3; min++)
            for (unsigned a = 1; good && a <= HULL_DEV_ACC_ALL; a++)
              {
                char type = t ? 'b' : 'c';
                bool ref = hull_cg_device_decide (&r, type, maj, min, a);
                int got = interpret (p, ni, type, maj, min, a);
                probes++;
                if (got != (int) ref)
                  {
                    printf ("#   round %d: %c %u:%u access %u: reference %d, program %d\n", round,
                            type, maj, min, a, ref, got);
                    good = false;
                  }
              }
      free (p);
      hull_cg_device_rules_clear (&r);
    }
  ok (good, "300 random rule lists: program == reference on %zu probes", probes);
}

int
main (void)
{
  test_rules ();
  test_semantics ();
  test_random ();
  return tap_done ();
}
