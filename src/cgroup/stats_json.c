/* The stats as runc's events "data" object (runc's types/events.go): same
 * keys in the same order, and encoding/json's rules: a field tagged
 * omitempty is left out when zero or empty, the others always appear,
 * map keys are sorted, network_interfaces is null. */
#include "config.h"
#include "cgroup/stats.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

typedef struct {
  yajl_gen g;
  bool ok;
} gen;

static void
key (gen *j, const char *k)
{
  j->ok = j->ok && yajl_gen_string (j->g, (const unsigned char *) k, strlen (k)) == yajl_gen_status_ok;
}

static void
str (gen *j, const char *s)
{
  key (j, s);
}

static void
u64 (gen *j, uint64_t v)
{
  /* yajl_gen_integer is a long long: limits such as UINT64_MAX need text. */
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, v);
  j->ok = j->ok && yajl_gen_number (j->g, buf, (size_t) n) == yajl_gen_status_ok;
}

static void
i64 (gen *j, int64_t v)
{
  j->ok = j->ok && yajl_gen_integer (j->g, v) == yajl_gen_status_ok;
}

/* Go's float64 encoding (for the PSI averages, 0 to 100): the shortest
 * decimal text that reads back the same, without an exponent. */
static void
f64 (gen *j, double v)
{
  char buf[64];
  int n = 0;
  for (int prec = 0; prec <= 17; prec++)
    {
      n = snprintf (buf, sizeof buf, "%.*f", prec, v);
      if (strtod (buf, NULL) == v)
        break;
    }
  j->ok = j->ok && yajl_gen_number (j->g, buf, (size_t) n) == yajl_gen_status_ok;
}

static void
open_map (gen *j)
{
  j->ok = j->ok && yajl_gen_map_open (j->g) == yajl_gen_status_ok;
}

static void
close_map (gen *j)
{
  j->ok = j->ok && yajl_gen_map_close (j->g) == yajl_gen_status_ok;
}

static void
open_array (gen *j)
{
  j->ok = j->ok && yajl_gen_array_open (j->g) == yajl_gen_status_ok;
}

static void
close_array (gen *j)
{
  j->ok = j->ok && yajl_gen_array_close (j->g) == yajl_gen_status_ok;
}

/* "k": v, left out when v is 0 (omitempty). */
static void
u64_omit (gen *j, const char *k, uint64_t v)
{
  if (v == 0)
    return;
  key (j, k);
  u64 (j, v);
}

static void
u64_always (gen *j, const char *k, uint64_t v)
{
  key (j, k);
  u64 (j, v);
}

static void
u64_list (gen *j, const char *k, const hull_cg_u64_list *l)
{
  if (l->n == 0)
    return;
  key (j, k);
  open_array (j);
  for (size_t i = 0; i < l->n; i++)
    u64 (j, l->v[i]);
  close_array (j);
}

static void
u16_list (gen *j, const char *k, const hull_cg_u16_list *l)
{
  if (l->n == 0)
    return;
  key (j, k);
  open_array (j);
  for (size_t i = 0; i < l->n; i++)
    u64 (j, l->v[i]);
  close_array (j);
}

static void
psi_data (gen *j, const char *k, const hull_cg_psi_data *d)
{
  key (j, k);
  open_map (j);
  key (j, "avg10");
  f64 (j, d->avg10);
  key (j, "avg60");
  f64 (j, d->avg60);
  key (j, "avg300");
  f64 (j, d->avg300);
  u64_always (j, "total", d->total);
  close_map (j);
}

/* A *PSIStats: absent when nil; some and full always (Go's omitempty
 * never drops a struct). */
static void
psi (gen *j, const hull_cg_psi *p)
{
  if (!p->present)
    return;
  key (j, "psi");
  open_map (j);
  psi_data (j, "some", &p->some);
  psi_data (j, "full", &p->full);
  close_map (j);
}

static void
cpu (gen *j, const hull_cgroup_stats *s)
{
  key (j, "cpu");
  open_map (j);
  key (j, "usage");
  open_map (j);
  u64_omit (j, "total", s->cpu.total);
  u64_list (j, "percpu", &s->cpu.percpu);
  u64_list (j, "percpu_kernel", &s->cpu.percpu_kernel);
  u64_list (j, "percpu_user", &s->cpu.percpu_user);
  u64_always (j, "kernel", s->cpu.kernel);
  u64_always (j, "user", s->cpu.user);
  close_map (j);
  key (j, "throttling");
  open_map (j);
  u64_omit (j, "periods", s->cpu.periods);
  u64_omit (j, "throttledPeriods", s->cpu.throttled_periods);
  u64_omit (j, "throttledTime", s->cpu.throttled_time);
  close_map (j);
  psi (j, &s->cpu.psi);
  close_map (j);
}

static void
cpuset (gen *j, const hull_cgroup_stats *s)
{
  key (j, "cpuset");
  open_map (j);
  u16_list (j, "cpus", &s->cpuset.cpus);
  u64_always (j, "cpu_exclusive", s->cpuset.cpu_exclusive);
  u16_list (j, "mems", &s->cpuset.mems);
  u64_always (j, "mem_hardwall", s->cpuset.mem_hardwall);
  u64_always (j, "mem_exclusive", s->cpuset.mem_exclusive);
  u64_always (j, "memory_migrate", s->cpuset.memory_migrate);
  u64_always (j, "memory_spread_page", s->cpuset.memory_spread_page);
  u64_always (j, "memory_spread_slab", s->cpuset.memory_spread_slab);
  u64_always (j, "memory_pressure", s->cpuset.memory_pressure);
  u64_always (j, "sched_load_balance", s->cpuset.sched_load_balance);
  key (j, "sched_relax_domain_level");
  i64 (j, s->cpuset.sched_relax_domain_level);
  close_map (j);
}

static void
mem_entry (gen *j, const char *k, const hull_cg_mem_entry *e)
{
  key (j, k);
  open_map (j);
  u64_always (j, "limit", e->limit);
  u64_omit (j, "usage", e->usage);
  u64_omit (j, "max", e->max);
  u64_always (j, "failcnt", e->failcnt);
  close_map (j);
}

static void
memory (gen *j, const hull_cgroup_stats *s)
{
  key (j, "memory");
  open_map (j);
  u64_omit (j, "cache", s->memory.cache);
  mem_entry (j, "usage", &s->memory.usage);
  mem_entry (j, "swap", &s->memory.swap);
  mem_entry (j, "kernel", &s->memory.kernel);
  mem_entry (j, "kernelTCP", &s->memory.kernel_tcp);
  if (s->memory.n_raw > 0)
    {
      key (j, "raw");
      open_map (j);
      for (size_t i = 0; i < s->memory.n_raw; i++)
        u64_always (j, s->memory.raw[i].key, s->memory.raw[i].value);
      close_map (j);
    }
  psi (j, &s->memory.psi);
  close_map (j);
}

static void
blkio (gen *j, const hull_cgroup_stats *s)
{
  /* runc's JSON names (note ioQueueRecursive, not ...Queued...). */
  static const char *const names[HULL_CG_BLKIO_N] = {
    "ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive",
    "ioServiceTimeRecursive",  "ioWaitTimeRecursive", "ioMergedRecursive",
    "ioTimeRecursive",         "sectorsRecursive",
  };
  key (j, "blkio");
  open_map (j);
  for (int i = 0; i < HULL_CG_BLKIO_N; i++)
    {
      const hull_cg_blkio_list *l = &s->blkio.lists[i];
      if (l->n == 0)
        continue;
      key (j, names[i]);
      open_array (j);
      for (size_t k = 0; k < l->n; k++)
        {
          open_map (j);
          u64_omit (j, "major", l->v[k].major);
          u64_omit (j, "minor", l->v[k].minor);
          if (l->v[k].op[0])
            {
              key (j, "op");
              str (j, l->v[k].op);
            }
          u64_omit (j, "value", l->v[k].value);
          close_map (j);
        }
      close_array (j);
    }
  psi (j, &s->blkio.psi);
  close_map (j);
}

static void
hugetlb (gen *j, const hull_cgroup_stats *s)
{
  key (j, "hugetlb");
  open_map (j);
  for (size_t i = 0; i < s->n_hugetlb; i++)
    {
      key (j, s->hugetlb[i].size);
      open_map (j);
      u64_omit (j, "usage", s->hugetlb[i].usage);
      u64_omit (j, "max", s->hugetlb[i].max);
      u64_always (j, "failcnt", s->hugetlb[i].failcnt);
      close_map (j);
    }
  close_map (j);
}

int
hull_cgroup_stats_gen (struct yajl_gen_t *g, const hull_cgroup_stats *s)
{
  gen j = { g, true };
  open_map (&j);
  cpu (&j, s);
  cpuset (&j, s);
  memory (&j, s);
  key (&j, "pids");
  open_map (&j);
  u64_omit (&j, "current", s->pids.current);
  u64_omit (&j, "limit", s->pids.limit);
  close_map (&j);
  blkio (&j, s);
  hugetlb (&j, s);
  /* Intel RDT and network statistics are not collected (runc prints an
   * empty object and null for them when it has none). */
  key (&j, "intel_rdt");
  open_map (&j);
  close_map (&j);
  key (&j, "network_interfaces");
  j.ok = j.ok && yajl_gen_null (g) == yajl_gen_status_ok;
  close_map (&j);
  return j.ok ? 0 : -1;
}
