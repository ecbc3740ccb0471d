/* Device rules -> a BPF_PROG_TYPE_CGROUP_DEVICE program, hand-assembled as
 * runc and crun do (no libbpf). The kernel runs it on every open and mknod
 * of a device node in the cgroup: r1 points at struct bpf_cgroup_dev_ctx
 * { u32 access_type (type | access << 16); u32 major; u32 minor; }, and
 * r0 = 1 allows, 0 denies (EPERM).
 *
 * Semantics, per access bit: the last rule that matches the device and names
 * the bit decides it; unmatched bits get the default. So "deny c 1:3 w"
 * after "allow c 1:3 rwm" leaves reads allowed and refuses an O_RDWR open,
 * as the v1 controller would. The program walks the rules last to first,
 * keeping the bits not yet decided in r6. */
#include "config.h"
#include "cgroup/devices_bpf.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const hull_cg_default_device hull_cg_default_devices[] = {
  { 'c', -1, -1, "m" }, { 'b', -1, -1, "m" },       /* mknod of anything */
  { 'c', 1, 3, "rwm" },  /* null */
  { 'c', 1, 8, "rwm" },  /* random */
  { 'c', 1, 7, "rwm" },  /* full */
  { 'c', 5, 0, "rwm" },  /* tty */
  { 'c', 1, 5, "rwm" },  /* zero */
  { 'c', 1, 9, "rwm" },  /* urandom */
  { 'c', 136, -1, "rwm" }, /* pts */
  { 'c', 5, 2, "rwm" },  /* ptmx */
  { 'c', 10, 200, "rwm" }, /* net/tun */
};
const size_t hull_cg_n_default_devices
    = sizeof hull_cg_default_devices / sizeof hull_cg_default_devices[0];

static unsigned
parse_access (const char *s)
{
  if (s == NULL || *s == '\0')
    return HULL_DEV_ACC_ALL;
  unsigned a = 0;
  for (; *s; s++)
    a |= *s == 'r' ? HULL_DEV_ACC_READ : *s == 'w' ? HULL_DEV_ACC_WRITE : *s == 'm' ? HULL_DEV_ACC_MKNOD : 0;
  return a;
}

bool
hull_cg_device_is_deny_all (const hull_device_cgroup *d)
{
  return !d->allow && (d->type == NULL || strcmp (d->type, "a") == 0)
         && (!d->major.set || d->major.v < 0) && (!d->minor.set || d->minor.v < 0)
         && parse_access (d->access) == HULL_DEV_ACC_ALL;
}

static bool
is_wildcard_all (const hull_dev_rule *r)
{
  return r->type == 'a' && r->major < 0 && r->minor < 0 && r->access == HULL_DEV_ACC_ALL;
}

void
hull_cg_device_rules_clear (hull_dev_rules *r)
{
  free (r->v);
  *r = (hull_dev_rules) { .default_allow = true };
}

int
hull_cg_device_rules (const hull_device_cgroup *rules, size_t n, hull_dev_rules *out,
                      hull_error *err)
{
  *out = (hull_dev_rules) { .default_allow = true };
  if (n == 0)
    return 0;
  size_t start = 0;
  if (hull_cg_device_is_deny_all (&rules[0]))
    {
      out->default_allow = false;
      start = 1;
    }
  out->v = calloc (hull_cg_n_default_devices + n, sizeof *out->v);
  if (out->v == NULL)
    return hull_fail (err, ENOMEM, "device rules");
  for (size_t k = 0; k < hull_cg_n_default_devices; k++)
    {
      const hull_cg_default_device *d = &hull_cg_default_devices[k];
      out->v[out->n++] = (hull_dev_rule) { true, d->type, d->major, d->minor,
                                           parse_access (d->access) };
    }
  for (size_t i = start; i < n; i++)
    {
      const hull_device_cgroup *d = &rules[i];
      int64_t major = d->major.set && d->major.v >= 0 ? d->major.v : -1;
      int64_t minor = d->minor.set && d->minor.v >= 0 ? d->minor.v : -1;
      if (major > UINT32_MAX || minor > UINT32_MAX)
        {
          hull_cg_device_rules_clear (out);
          return hull_fail (err, 0, "devices[%zu]: device number out of range", i);
        }
      out->v[out->n++] = (hull_dev_rule) { d->allow, d->type ? d->type[0] : 'a', major, minor,
                                           parse_access (d->access) };
    }
  /* An all-devices, all-access rule decides everything before it: it
     becomes the default (as "a" written to devices.allow/deny on v1). */
  size_t last = out->n;
  for (size_t i = 0; i < out->n; i++)
    if (is_wildcard_all (&out->v[i]))
      last = i;
  if (last < out->n)
    {
      out->default_allow = out->v[last].allow;
      memmove (out->v, out->v + last + 1, (out->n - last - 1) * sizeof *out->v);
      out->n -= last + 1;
    }
  return 0;
}

static bool
rule_matches (const hull_dev_rule *r, char type, uint32_t major, uint32_t minor)
{
  return (r->type == 'a' || r->type == type) && (r->major < 0 || r->major == major)
         && (r->minor < 0 || r->minor == minor);
}

bool
hull_cg_device_decide (const hull_dev_rules *r, char type, uint32_t major, uint32_t minor,
                       unsigned access)
{
  for (unsigned bit = 1; bit <= HULL_DEV_ACC_ALL; bit <<= 1)
    {
      if (!(access & bit))
        continue;
      bool allow = r->default_allow;
      for (size_t i = r->n; i-- > 0;)
        if ((r->v[i].access & bit) && rule_matches (&r->v[i], type, major, minor))
          {
            allow = r->v[i].allow;
            break;
          }
      if (!allow)
        return false;
    }
  return true;
}

/* ---- assembler ---- */

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define R6 BPF_REG_6

static struct bpf_insn
insn (uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  return (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src, .off = off,
                             .imm = imm };
}

#define LDX_W(dst, src, off) insn (BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_K(op, dst, imm) insn (BPF_ALU | BPF_K | (op), dst, 0, 0, imm)
#define MOV32_X(dst, src) insn (BPF_ALU | BPF_X | BPF_MOV, dst, src, 0, 0)
#define MOV64_K(dst, imm) insn (BPF_ALU64 | BPF_K | BPF_MOV, dst, 0, 0, imm)
/* 32-bit compares: device numbers above INT32_MAX would be sign-extended
   by a 64-bit compare with an immediate. */
#define JMP32_K(op, dst, imm, off) insn (BPF_JMP32 | BPF_K | (op), dst, 0, off, imm)
#define EXIT() insn (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* The bpf_cgroup_dev_ctx fields. */
#define CTX_ACCESS_TYPE 0
#define CTX_MAJOR 4
#define CTX_MINOR 8
#define DEV_TYPE(c) ((c) == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR)

int
hull_cg_device_program (const hull_dev_rules *r, struct bpf_insn **insns, size_t *n,
                        hull_error *err)
{
  /* 7 prologue, at most 3 checks + 5 per rule, 5 epilogue. */
  size_t cap = 7 + r->n * 8 + 5;
  struct bpf_insn *p = calloc (cap, sizeof *p);
  if (p == NULL)
    return hull_fail (err, ENOMEM, "device program");
  size_t k = 0;
  p[k++] = LDX_W (R2, R1, CTX_ACCESS_TYPE);
  p[k++] = MOV32_X (R3, R2);
  p[k++] = ALU32_K (BPF_RSH, R3, 16);
  p[k++] = ALU32_K (BPF_AND, R2, 0xffff);
  p[k++] = LDX_W (R4, R1, CTX_MAJOR);
  p[k++] = LDX_W (R5, R1, CTX_MINOR);
  p[k++] = MOV32_X (R6, R3); /* bits still to decide */

  for (size_t i = r->n; i-- > 0;)
    {
      const hull_dev_rule *x = &r->v[i];
      int checks = (x->type != 'a') + (x->major >= 0) + (x->minor >= 0);
      /* A failed check jumps past the rest of this rule's block. */
      int skip = checks + (x->allow ? 4 : 5);
      if (x->type != 'a')
        p[k++] = JMP32_K (BPF_JNE, R2, DEV_TYPE (x->type), (int16_t) (--skip));
      if (x->major >= 0)
        p[k++] = JMP32_K (BPF_JNE, R4, (int32_t) (uint32_t) x->major, (int16_t) (--skip));
      if (x->minor >= 0)
        p[k++] = JMP32_K (BPF_JNE, R5, (int32_t) (uint32_t) x->minor, (int16_t) (--skip));
      if (x->allow)
        {
          /* These bits are granted; allow once none is left. */
          p[k++] = ALU32_K (BPF_AND, R6, (int32_t) ~x->access);
          p[k++] = JMP32_K (BPF_JNE, R6, 0, 2);
          p[k++] = MOV64_K (R0, 1);
        }
      else
        {
          /* Deny when one of its bits is still undecided. */
          p[k++] = MOV32_X (R0, R6);
          p[k++] = ALU32_K (BPF_AND, R0, (int32_t) x->access);
          p[k++] = JMP32_K (BPF_JEQ, R0, 0, 2);
          p[k++] = MOV64_K (R0, 0);
        }
      p[k++] = EXIT ();
    }
  if (r->default_allow)
    {
      p[k++] = MOV64_K (R0, 1);
      p[k++] = EXIT ();
    }
  else
    {
      /* Every bit granted (only an empty request gets here that way). */
      p[k++] = JMP32_K (BPF_JNE, R6, 0, 2);
      p[k++] = MOV64_K (R0, 1);
      p[k++] = EXIT ();
      p[k++] = MOV64_K (R0, 0);
      p[k++] = EXIT ();
    }
  *insns = p;
  *n = k;
  return 0;
}
