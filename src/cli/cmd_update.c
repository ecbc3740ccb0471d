/* update: change a live container's resource limits, from a LinuxResources
 * JSON (--resources FILE or - for stdin, what containerd sends) or from
 * runc's per-resource flags. */
#include "config.h"
#include "cli/cli.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char update_help[] =
  "Usage: hull update [OPTIONS] CONTAINER-ID\n"
  "\n"
  "Update the resource limits of a created, running or paused container. With\n"
  "--resources, the limits come from a LinuxResources JSON document (the OCI\n"
  "spec's linux.resources), and every other option is ignored:\n"
  "\n"
  "  {\"memory\": {\"limit\": 536870912}, \"cpu\": {\"shares\": 512}, \"pids\": {\"limit\": 100}}\n"
  "\n"
  "Unchanged values can be omitted. Memory sizes accept the suffixes k, m, g, t\n"
  "and p (powers of 1024, as in 512m or 1.5g), or -1 for unlimited.\n"
  "\n"
  "Options:\n"
  "  -r, --resources FILE         read the resources from FILE, - for stdin\n"
  "      --blkio-weight N         block IO weight, 10 to 1000\n"
  "      --cpu-period N           CPU CFS period (microseconds)\n"
  "      --cpu-quota N            CPU CFS quota per period (microseconds)\n"
  "      --cpu-share N            CPU shares (relative weight)\n"
  "      --cpu-rt-period N        CPU realtime period (microseconds)\n"
  "      --cpu-rt-runtime N       CPU realtime runtime per period (microseconds)\n"
  "      --cpuset-cpus LIST       CPUs to use (0-3,5)\n"
  "      --cpuset-mems LIST       memory nodes to use\n"
  "      --memory SIZE            memory limit\n"
  "      --memory-reservation SIZE  memory soft limit\n"
  "      --memory-swap SIZE       memory plus swap limit, -1 for unlimited swap\n"
  "      --kernel-memory SIZE     accepted for runc compatibility, ignored\n"
  "      --kernel-memory-tcp SIZE accepted for runc compatibility, ignored\n"
  "      --pids-limit N           maximum number of processes\n"
  "      --l3-cache-schema S      Intel RDT: not supported\n"
  "      --mem-bw-schema S        Intel RDT: not supported\n"
  "  -h, --help                   show this help\n";

enum {
  OPT_BLKIO_WEIGHT = 256,
  OPT_CPU_PERIOD,
  OPT_CPU_QUOTA,
  OPT_CPU_SHARE,
  OPT_CPU_RT_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_MEMORY,
  OPT_MEMORY_RESERVATION,
  OPT_MEMORY_SWAP,
  OPT_KERNEL_MEMORY,
  OPT_KERNEL_MEMORY_TCP,
  OPT_PIDS_LIMIT,
  OPT_L3_CACHE_SCHEMA,
  OPT_MEM_BW_SCHEMA,
};

static const struct option update_options[] = {
  { "resources", required_argument, NULL, 'r' },
  { "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
  { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
  { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
  { "cpu-share", required_argument, NULL, OPT_CPU_SHARE },
  { "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
  { "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
  { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
  { "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
  { "memory", required_argument, NULL, OPT_MEMORY },
  { "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
  { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
  { "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
  { "kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP },
  { "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
  { "l3-cache-schema", required_argument, NULL, OPT_L3_CACHE_SCHEMA },
  { "mem-bw-schema", required_argument, NULL, OPT_MEM_BW_SCHEMA },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static void
resources_freep (hull_resources **res)
{
  hull_resources_free (*res);
}

static int
parse_i64 (const char *opt, const char *s, hull_opt_i64 *out)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (s[0] == '\0' || *end != '\0' || errno != 0)
    return cli_error ("invalid value for %s: \"%s\"", opt, s);
  out->set = true;
  out->v = v;
  return 0;
}

static int
parse_u64 (const char *opt, const char *s, hull_opt_u64 *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (!isdigit ((unsigned char) s[0]) || *end != '\0' || errno != 0)
    return cli_error ("invalid value for %s: \"%s\"", opt, s);
  out->set = true;
  out->v = v;
  return 0;
}

/* docker's units.RAMInBytes, as runc: "512m", "1.5g", "100", "2GiB"; or -1. */
static int
parse_size (const char *opt, const char *s, hull_opt_i64 *out)
{
  if (strcmp (s, "-1") == 0)
    {
      out->set = true;
      out->v = -1;
      return 0;
    }
  const char *p = s;
  if (!isdigit ((unsigned char) *p))
    return cli_error ("invalid value for %s: invalid size: '%s'", opt, s);
  while (isdigit ((unsigned char) *p) || (*p == '.' && isdigit ((unsigned char) p[1])))
    p++;
  char *end;
  double v = strtod (s, &end);
  if (end != p)
    return cli_error ("invalid value for %s: invalid size: '%s'", opt, s);
  if (*p == ' ')
    p++;
  static const char units[] = "kmgtp";
  double mult = 1;
  const char *u = *p ? strchr (units, tolower ((unsigned char) *p)) : NULL;
  if (u)
    {
      for (const char *k = units; k <= u; k++)
        mult *= 1024;
      p++;
    }
  if (*p == 'i' || *p == 'I')
    p++;
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p != '\0' || v * mult >= 9.2e18)
    return cli_error ("invalid value for %s: invalid size: '%s'", opt, s);
  out->set = true;
  out->v = (int64_t) (v * mult);
  return 0;
}

static hull_memory *
memory_of (hull_resources *res)
{
  if (res->memory == NULL)
    res->memory = calloc (1, sizeof *res->memory);
  return res->memory;
}

static hull_cpu *
cpu_of (hull_resources *res)
{
  if (res->cpu == NULL)
    res->cpu = calloc (1, sizeof *res->cpu);
  return res->cpu;
}

/* Applies one flag to res; returns 0 or the exit status (1). */
static int
apply_flag (hull_resources *res, int c, const char *name, const char *arg)
{
  hull_memory *m = NULL;
  hull_cpu *cpu = NULL;
  hull_opt_i64 ignored;
  if (c >= OPT_MEMORY && c <= OPT_MEMORY_SWAP && (m = memory_of (res)) == NULL)
    return cli_error ("update: out of memory");
  if (c >= OPT_CPU_PERIOD && c <= OPT_CPUSET_MEMS && (cpu = cpu_of (res)) == NULL)
    return cli_error ("update: out of memory");
  switch (c)
    {
    case OPT_BLKIO_WEIGHT:
      if (res->block_io == NULL && (res->block_io = calloc (1, sizeof *res->block_io)) == NULL)
        return cli_error ("update: out of memory");
      return parse_u64 (name, arg, &res->block_io->weight);
    case OPT_CPU_PERIOD: return parse_u64 (name, arg, &cpu->period);
    case OPT_CPU_QUOTA: return parse_i64 (name, arg, &cpu->quota);
    case OPT_CPU_SHARE: return parse_u64 (name, arg, &cpu->shares);
    case OPT_CPU_RT_PERIOD: return parse_u64 (name, arg, &cpu->realtime_period);
    case OPT_CPU_RT_RUNTIME: return parse_i64 (name, arg, &cpu->realtime_runtime);
    case OPT_CPUSET_CPUS:
    case OPT_CPUSET_MEMS:
      {
        char **dst = c == OPT_CPUSET_CPUS ? &cpu->cpus : &cpu->mems;
        free (*dst);
        if ((*dst = strdup (arg)) == NULL)
          return cli_error ("update: out of memory");
        return 0;
      }
    case OPT_MEMORY: return parse_size (name, arg, &m->limit);
    case OPT_MEMORY_RESERVATION: return parse_size (name, arg, &m->reservation);
    case OPT_MEMORY_SWAP: return parse_size (name, arg, &m->swap);
    /* Kernel memory limits are gone from the kernel (5.16+) and from runc. */
    case OPT_KERNEL_MEMORY:
    case OPT_KERNEL_MEMORY_TCP: return parse_size (name, arg, &ignored);
    case OPT_PIDS_LIMIT: return parse_i64 (name, arg, &res->pids_limit);
    default:
      return cli_error ("update: --%s: Intel RDT is not supported", name);
    }
}

static int
read_stdin (char **out, size_t *len)
{
  size_t cap = 4096, n = 0;
  char *buf = malloc (cap);
  for (;;)
    {
      if (buf == NULL)
        return -1;
      if (n + 1 >= cap)
        {
          char *bigger = realloc (buf, cap *= 2);
          if (bigger == NULL)
            {
              free (buf);
              return -1;
            }
          buf = bigger;
        }
      ssize_t r = read (STDIN_FILENO, buf + n, cap - n - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          free (buf);
          return -1;
        }
      if (r == 0)
        break;
      n += (size_t) r;
    }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

static int
load_resources (const char *file, hull_resources **res, hull_error *err)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  bool from_stdin = strcmp (file, "-") == 0;
  if (from_stdin && read_stdin (&text, &len) < 0)
    return hull_fail_errno (err, "read the resources from stdin");
  if (!from_stdin && hull_read_file (file, &text, &len, err) < 0)
    return -1;
  return hull_resources_parse (text, len, from_stdin ? "stdin" : file, res, err);
}

int
cmd_update (const hull_context *ctx, int argc, char **argv)
{
  const char *file = NULL;
  __attribute__ ((cleanup (resources_freep))) hull_resources *res = calloc (1, sizeof *res);
  if (res == NULL)
    return cli_error ("update: out of memory");
  cli_getopt_reset ();
  int c, index;
  while ((c = getopt_long (argc, argv, ":r:h", update_options, &index)) != -1)
    switch (c)
      {
      case 'r': file = optarg; break;
      case 'h': return cli_usage (update_help);
      case '?':
      case ':': return cli_bad_option ("update", c, argv);
      default:
        if (apply_flag (res, c, update_options[index].name, optarg) != 0)
          return 1;
        break;
      }
  if (cli_check_args ("update", argc - optind, 1, 1) != 0)
    return 1;
  const char *id = argv[optind];

  hull_error err = { 0 };
  const char *where = "update";
  if (file != NULL)
    {
      /* Like runc: the document replaces every flag. */
      hull_resources_free (res);
      res = NULL;
      if (load_resources (file, &res, &err) < 0)
        return cli_fail (&err);
      where = strcmp (file, "-") == 0 ? "stdin" : file;
    }
  if (hull_container_update (ctx, id, res, where, &err) < 0)
    return cli_fail (&err);
  return 0;
}
