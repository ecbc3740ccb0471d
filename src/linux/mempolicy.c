/* linux.memoryPolicy: set_mempolicy(2) in init, inherited by the program
 * across execve. A raw syscall, so hull needs no libnuma. */
#include "config.h"
#include "linux/attrs.h"
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The uapi values; older headers lack the newest modes. */
enum
{
  MODE_DEFAULT = 0,
  MODE_PREFERRED = 1,
  MODE_BIND = 2,
  MODE_INTERLEAVE = 3,
  MODE_LOCAL = 4,
  MODE_PREFERRED_MANY = 5,
  MODE_WEIGHTED_INTERLEAVE = 6,
};
#define F_STATIC_NODES (1 << 15)
#define F_RELATIVE_NODES (1 << 14)
#define F_NUMA_BALANCING (1 << 13)

/* Enough for any distribution kernel (CONFIG_NODES_SHIFT <= 10). */
#define MAX_NODES 1024
#define ULONG_BITS (sizeof (unsigned long) * CHAR_BIT)

static const struct
{
  const char *name;
  int value;
} modes[] = {
  { "MPOL_DEFAULT", MODE_DEFAULT },
  { "MPOL_PREFERRED", MODE_PREFERRED },
  { "MPOL_BIND", MODE_BIND },
  { "MPOL_INTERLEAVE", MODE_INTERLEAVE },
  { "MPOL_LOCAL", MODE_LOCAL },
  { "MPOL_PREFERRED_MANY", MODE_PREFERRED_MANY },
  { "MPOL_WEIGHTED_INTERLEAVE", MODE_WEIGHTED_INTERLEAVE },
}, flags[] = {
  { "MPOL_F_STATIC_NODES", F_STATIC_NODES },
  { "MPOL_F_RELATIVE_NODES", F_RELATIVE_NODES },
  { "MPOL_F_NUMA_BALANCING", F_NUMA_BALANCING },
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

/* The mode | flags word and the node mask; -1 with err set when the
 * policy is not one the kernel could accept. */
static int
resolve (const hull_memory_policy *m, int *mode_out, unsigned long *mask, bool *has_nodes,
         hull_error *err)
{
  int mode = -1, fl = 0;
  for (size_t i = 0; i < N_OF (modes); i++)
    if (strcmp (m->mode, modes[i].name) == 0)
      mode = modes[i].value;
  if (mode < 0)
    return hull_fail (err, 0, "config.json: .linux.memoryPolicy.mode: unknown mode \"%s\"",
                      m->mode);
  for (size_t i = 0; i < m->flags.n; i++)
    {
      size_t j;
      for (j = 0; j < N_OF (flags); j++)
        if (strcmp (m->flags.v[i], flags[j].name) == 0)
          break;
      if (j == N_OF (flags))
        return hull_fail (err, 0, "config.json: .linux.memoryPolicy.flags[%zu]: unknown flag \"%s\"",
                          i, m->flags.v[i]);
      fl |= flags[j].value;
    }
  if ((fl & F_STATIC_NODES) && (fl & F_RELATIVE_NODES))
    return hull_fail (err, 0,
                      "config.json: .linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
                      "MPOL_F_RELATIVE_NODES exclude each other");

  *has_nodes = m->nodes != NULL && *m->nodes != '\0';
  memset (mask, 0, MAX_NODES / CHAR_BIT);
  if (*has_nodes && hull_id_list_parse (m->nodes, "node", mask, MAX_NODES, err) < 0)
    return hull_error_prefix (err, "config.json: .linux.memoryPolicy.nodes: ");
  /* What each mode takes, as the kernel (and runc's validator) see it. */
  switch (mode)
    {
    case MODE_DEFAULT:
    case MODE_LOCAL:
      if (*has_nodes)
        return hull_fail (err, 0, "config.json: .linux.memoryPolicy.nodes: %s takes no nodes",
                          m->mode);
      if (mode == MODE_DEFAULT && fl != 0)
        return hull_fail (err, 0, "config.json: .linux.memoryPolicy.flags: MPOL_DEFAULT takes no "
                          "flags");
      break;
    case MODE_PREFERRED:
      break;
    default:
      if (!*has_nodes)
        return hull_fail (err, 0, "config.json: .linux.memoryPolicy.nodes: %s needs at least one "
                          "node",
                          m->mode);
    }
  *mode_out = mode | fl;
  return 0;
}

int
hull_mempolicy_check (const hull_linux *l, hull_error *err)
{
  unsigned long mask[MAX_NODES / ULONG_BITS];
  int mode;
  bool has_nodes;
  if (l->memory_policy == NULL)
    return 0;
  return resolve (l->memory_policy, &mode, mask, &has_nodes, err);
}

int
hull_mempolicy_apply (const hull_linux *l, hull_error *err)
{
  unsigned long mask[MAX_NODES / ULONG_BITS];
  int mode;
  bool has_nodes;
  const hull_memory_policy *m = l->memory_policy;
  if (m == NULL)
    return 0;
  if (resolve (m, &mode, mask, &has_nodes, err) < 0)
    return -1;
  /* maxnode counts one past the last bit (the kernel's historic
     off-by-one). */
  if (syscall (SYS_set_mempolicy, mode, has_nodes ? mask : NULL,
               has_nodes ? (unsigned long) MAX_NODES + 1 : 0UL)
      < 0)
    {
      hull_fail_errno (err, "config.json: .linux.memoryPolicy: set_mempolicy %s nodes \"%s\"",
                       m->mode, has_nodes ? m->nodes : "");
      if (err->errnum == EINVAL)
        hull_error_hint (err, "a node may be offline, outside the container's cpuset.mems, or "
                         "the mode and flags unsupported by this kernel");
      return -1;
    }
  return 0;
}
