/* Parsing of the cgroup statistics files (pure: text in, struct out),
 * with runc's field mapping and units so `events` prints what runc does:
 * v1 cpuacct ticks are USER_HZ (100), v2 *_usec become nanoseconds, "max"
 * is UINT64_MAX and v1's negative "unlimited" values read as 0. */
#include "config.h"
#include "cgroup/stats.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cpuacct.stat counts in USER_HZ, which is 100 on every Linux ABI. */
#define USER_HZ 100ULL
#define NS_PER_SEC 1000000000ULL

int
hull_cg_parse_u64 (const char *text, uint64_t *out)
{
  while (*text == ' ' || *text == '\t' || *text == '\n')
    text++;
  size_t len = strcspn (text, " \t\n");
  if (text[len + strspn (text + len, " \t\n")] != '\0' || len == 0)
    return -1;
  if (len == 3 && strncmp (text, "max", 3) == 0)
    {
      *out = UINT64_MAX;
      return 0;
    }
  const char *digits = text[0] == '-' ? text + 1 : text;
  if (digits[0] < '0' || digits[0] > '9')
    return -1;
  char *end;
  errno = 0;
  if (text[0] == '-')
    {
      long long v = strtoll (text, &end, 10);
      if (end != text + len || (errno != 0 && errno != ERANGE) || v > 0)
        return -1;
      *out = 0;
      return 0;
    }
  unsigned long long v = strtoull (text, &end, 10);
  if (end != text + len || errno != 0)
    return -1;
  *out = v;
  return 0;
}

static int
bad_value (hull_error *err, const char *file, const char *what)
{
  return hull_fail (err, 0, "%s: invalid value \"%.64s\"", file, what);
}

/* One file, one number. */
static int
one_u64 (const char *file, const char *text, uint64_t *out, hull_error *err)
{
  if (hull_cg_parse_u64 (text, out) < 0)
    return bad_value (err, file, text);
  return 0;
}

/* Splits text at whitespace into at most max fields (modifies text). */
static size_t
split_ws (char *text, char **fields, size_t max)
{
  size_t n = 0;
  for (char *save = NULL, *tok = strtok_r (text, " \t\n", &save); tok && n < max;
       tok = strtok_r (NULL, " \t\n", &save))
    fields[n++] = tok;
  return n;
}

/* Calls fn for each "key value" line (runc's ParseKeyValue: exactly two
 * fields, an unsigned value). */
typedef int (*kv_fn) (hull_cgroup_stats *s, const char *key, uint64_t v, hull_error *err);

static int
each_kv (hull_cgroup_stats *s, const char *file, const char *text, kv_fn fn, hull_error *err)
{
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *f[3];
      size_t n = split_ws (line, f, 3);
      if (n == 0)
        continue;
      uint64_t v;
      if (n != 2)
        return hull_fail (err, 0, "%s: malformed line \"%.64s\" (want \"KEY VALUE\")", file, f[0]);
      if (hull_cg_parse_u64 (f[1], &v) < 0)
        return bad_value (err, file, f[1]);
      if (fn (s, f[0], v, err) < 0)
        return -1;
    }
  return 0;
}

static int
u64_list_push (hull_cg_u64_list *l, uint64_t v)
{
  uint64_t *nv = realloc (l->v, (l->n + 1) * sizeof *nv);
  if (nv == NULL)
    return -1;
  l->v = nv;
  l->v[l->n++] = v;
  return 0;
}

static void
u64_list_clear (hull_cg_u64_list *l)
{
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

int
hull_cg_parse_id_list (const char *text, hull_cg_u16_list *out)
{
  out->v = NULL;
  out->n = 0;
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return -1;
  copy[strcspn (copy, "\n")] = '\0';
  if (copy[0] == '\0')
    return 0;
  char *save = NULL;
  for (char *item = strtok_r (copy, ",", &save); item; item = strtok_r (NULL, ",", &save))
    {
      char *end;
      errno = 0;
      unsigned long lo = strtoul (item, &end, 10), hi = lo;
      if (end == item || errno != 0)
        goto bad;
      if (*end == '-')
        {
          char *p = end + 1;
          hi = strtoul (p, &end, 10);
          if (end == p || errno != 0)
            goto bad;
        }
      if (*end != '\0' || lo > hi || hi > UINT16_MAX)
        goto bad;
      uint16_t *nv = realloc (out->v, (out->n + (hi - lo + 1)) * sizeof *nv);
      if (nv == NULL)
        goto bad;
      out->v = nv;
      for (unsigned long i = lo; i <= hi; i++)
        out->v[out->n++] = (uint16_t) i;
    }
  return 0;
bad:
  free (out->v);
  out->v = NULL;
  out->n = 0;
  return -1;
}

/* ---- cpu ---- */

static int
parse_cpuacct_stat (hull_cgroup_stats *s, const char *file, const char *text, hull_error *err)
{
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  char *f[4];
  uint64_t user, sys;
  if (split_ws (copy, f, 4) < 4 || strcmp (f[0], "user") != 0 || strcmp (f[2], "system") != 0)
    return hull_fail (err, 0, "%s: expected \"user N\" and \"system N\" lines", file);
  if (hull_cg_parse_u64 (f[1], &user) < 0)
    return bad_value (err, file, f[1]);
  if (hull_cg_parse_u64 (f[3], &sys) < 0)
    return bad_value (err, file, f[3]);
  s->cpu.user = user * NS_PER_SEC / USER_HZ;
  s->cpu.kernel = sys * NS_PER_SEC / USER_HZ;
  return 0;
}

static int
parse_percpu (hull_cgroup_stats *s, const char *file, const char *text, hull_error *err)
{
  u64_list_clear (&s->cpu.percpu);
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  char *save = NULL;
  for (char *tok = strtok_r (copy, " \t\n", &save); tok; tok = strtok_r (NULL, " \t\n", &save))
    {
      uint64_t v;
      if (hull_cg_parse_u64 (tok, &v) < 0)
        return bad_value (err, file, tok);
      if (u64_list_push (&s->cpu.percpu, v) < 0)
        return hull_fail (err, ENOMEM, "%s", file);
    }
  return 0;
}

/* cpuacct.usage_all: a "cpu user system" header, then "N USER SYSTEM". */
static int
parse_usage_all (hull_cgroup_stats *s, const char *file, const char *text, hull_error *err)
{
  u64_list_clear (&s->cpu.percpu_kernel);
  u64_list_clear (&s->cpu.percpu_user);
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  char *save = NULL;
  bool header = true;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      if (header)
        {
          header = false;
          continue;
        }
      char *f[4];
      uint64_t user, sys;
      if (split_ws (line, f, 4) != 3)
        continue;
      if (hull_cg_parse_u64 (f[1], &user) < 0)
        return bad_value (err, file, f[1]);
      if (hull_cg_parse_u64 (f[2], &sys) < 0)
        return bad_value (err, file, f[2]);
      if (u64_list_push (&s->cpu.percpu_kernel, sys) < 0
          || u64_list_push (&s->cpu.percpu_user, user) < 0)
        return hull_fail (err, ENOMEM, "%s", file);
    }
  return 0;
}

static int
kv_cpu_v1 (hull_cgroup_stats *s, const char *k, uint64_t v, hull_error *err)
{
  (void) err;
  if (strcmp (k, "nr_periods") == 0)
    s->cpu.periods = v;
  else if (strcmp (k, "nr_throttled") == 0)
    s->cpu.throttled_periods = v;
  else if (strcmp (k, "throttled_time") == 0)
    s->cpu.throttled_time = v;
  return 0;
}

static int
kv_cpu_v2 (hull_cgroup_stats *s, const char *k, uint64_t v, hull_error *err)
{
  (void) err;
  if (strcmp (k, "usage_usec") == 0)
    s->cpu.total = v * 1000;
  else if (strcmp (k, "user_usec") == 0)
    s->cpu.user = v * 1000;
  else if (strcmp (k, "system_usec") == 0)
    s->cpu.kernel = v * 1000;
  else if (strcmp (k, "nr_periods") == 0)
    s->cpu.periods = v;
  else if (strcmp (k, "nr_throttled") == 0)
    s->cpu.throttled_periods = v;
  else if (strcmp (k, "throttled_usec") == 0)
    s->cpu.throttled_time = v * 1000;
  return 0;
}

/* ---- PSI: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" ---- */

static int
parse_psi (hull_cg_psi *psi, const char *file, const char *text, hull_error *err)
{
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *f[6];
      size_t n = split_ws (line, f, 6);
      hull_cg_psi_data *d;
      if (n > 0 && strcmp (f[0], "some") == 0)
        d = &psi->some;
      else if (n > 0 && strcmp (f[0], "full") == 0)
        d = &psi->full;
      else
        continue;
      for (size_t i = 1; i < n; i++)
        {
          char *eq = strchr (f[i], '=');
          if (eq == NULL)
            return hull_fail (err, 0, "%s: invalid psi data \"%.64s\"", file, f[i]);
          *eq++ = '\0';
          char *end;
          if (strcmp (f[i], "total") == 0)
            {
              if (hull_cg_parse_u64 (eq, &d->total) < 0)
                return bad_value (err, file, eq);
              continue;
            }
          double *dst = strcmp (f[i], "avg10") == 0    ? &d->avg10
                        : strcmp (f[i], "avg60") == 0  ? &d->avg60
                        : strcmp (f[i], "avg300") == 0 ? &d->avg300
                                                       : NULL;
          if (dst == NULL)
            continue;
          *dst = strtod (eq, &end);
          if (end == eq || *end != '\0')
            return bad_value (err, file, eq);
        }
    }
  psi->present = true;
  return 0;
}

/* ---- memory ---- */

static int
raw_set (hull_cgroup_stats *s, const char *k, uint64_t v, hull_error *err)
{
  for (size_t i = 0; i < s->memory.n_raw; i++)
    if (strcmp (s->memory.raw[i].key, k) == 0)
      {
        s->memory.raw[i].value = v;
        return 0;
      }
  hull_cg_stat_kv *nv = realloc (s->memory.raw, (s->memory.n_raw + 1) * sizeof *nv);
  if (nv == NULL)
    return hull_fail (err, ENOMEM, "memory.stat");
  s->memory.raw = nv;
  char *key = strdup (k);
  if (key == NULL)
    return hull_fail (err, ENOMEM, "memory.stat");
  s->memory.raw[s->memory.n_raw++] = (hull_cg_stat_kv) { key, v };
  return 0;
}

static const hull_cg_stat_kv *
raw_get (const hull_cgroup_stats *s, const char *k)
{
  for (size_t i = 0; i < s->memory.n_raw; i++)
    if (strcmp (s->memory.raw[i].key, k) == 0)
      return &s->memory.raw[i];
  return NULL;
}

/* v1 "memory.", "memory.memsw.", "memory.kmem.", "memory.kmem.tcp." +
 * usage_in_bytes / max_usage_in_bytes / failcnt / limit_in_bytes. */
static uint64_t *
v1_mem_field (hull_cgroup_stats *s, const char *file)
{
  static const struct {
    const char *prefix;
    size_t off;
  } entries[] = {
    { "memory.kmem.tcp.", offsetof (hull_cgroup_stats, memory.kernel_tcp) },
    { "memory.kmem.", offsetof (hull_cgroup_stats, memory.kernel) },
    { "memory.memsw.", offsetof (hull_cgroup_stats, memory.swap) },
    { "memory.", offsetof (hull_cgroup_stats, memory.usage) },
  };
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
    {
      size_t len = strlen (entries[i].prefix);
      if (strncmp (file, entries[i].prefix, len) != 0)
        continue;
      hull_cg_mem_entry *e = (hull_cg_mem_entry *) ((char *) s + entries[i].off);
      const char *rest = file + len;
      if (strcmp (rest, "usage_in_bytes") == 0)
        return &e->usage;
      if (strcmp (rest, "max_usage_in_bytes") == 0)
        return &e->max;
      if (strcmp (rest, "failcnt") == 0)
        return &e->failcnt;
      if (strcmp (rest, "limit_in_bytes") == 0)
        return &e->limit;
      return NULL;
    }
  return NULL;
}

static uint64_t *
v2_mem_field (hull_cgroup_stats *s, const char *file)
{
  static const struct {
    const char *name;
    size_t off;
  } fields[] = {
    { "memory.current", offsetof (hull_cgroup_stats, memory.usage.usage) },
    { "memory.max", offsetof (hull_cgroup_stats, memory.usage.limit) },
    { "memory.peak", offsetof (hull_cgroup_stats, memory.usage.max) },
    { "memory.swap.current", offsetof (hull_cgroup_stats, memory.swap.usage) },
    { "memory.swap.max", offsetof (hull_cgroup_stats, memory.swap.limit) },
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strcmp (file, fields[i].name) == 0)
      return (uint64_t *) ((char *) s + fields[i].off);
  return NULL;
}

/* ---- hugetlb: hugetlb.<size>.<what> ---- */

static hull_cg_hugetlb_stat *
hugetlb_entry (hull_cgroup_stats *s, const char *size, size_t len)
{
  if (len == 0 || len >= sizeof s->hugetlb[0].size)
    return NULL;
  for (size_t i = 0; i < s->n_hugetlb; i++)
    if (strlen (s->hugetlb[i].size) == len && strncmp (s->hugetlb[i].size, size, len) == 0)
      return &s->hugetlb[i];
  hull_cg_hugetlb_stat *nv = realloc (s->hugetlb, (s->n_hugetlb + 1) * sizeof *nv);
  if (nv == NULL)
    return NULL;
  s->hugetlb = nv;
  hull_cg_hugetlb_stat *h = &s->hugetlb[s->n_hugetlb++];
  *h = (hull_cg_hugetlb_stat) { 0 };
  memcpy (h->size, size, len);
  return h;
}

static int
parse_hugetlb (hull_cgroup_stats *s, bool v2, const char *file, const char *text,
               hull_error *err)
{
  const char *size = file + strlen ("hugetlb.");
  const char *dot = strchr (size, '.');
  if (dot == NULL)
    return 0;
  const char *what = dot + 1;
  uint64_t v;
  if (v2 && strcmp (what, "events") == 0)
    {
      /* "max N": how often an allocation hit the limit, v1's failcnt. */
      const char *p = strstr (text, "max ");
      if (p != NULL && p != text && p[-1] != '\n')
        p = NULL;
      if (p == NULL)
        return 0;
      char num[32];
      snprintf (num, sizeof num, "%.*s", (int) strcspn (p + 4, "\n"), p + 4);
      if (hull_cg_parse_u64 (num, &v) < 0)
        return bad_value (err, file, num);
    }
  else if ((v2 && strcmp (what, "current") == 0)
           || (!v2
               && (strcmp (what, "usage_in_bytes") == 0 || strcmp (what, "max_usage_in_bytes") == 0
                   || strcmp (what, "failcnt") == 0)))
    {
      if (one_u64 (file, text, &v, err) < 0)
        return -1;
    }
  else
    return 0;
  hull_cg_hugetlb_stat *h = hugetlb_entry (s, size, (size_t) (dot - size));
  if (h == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  if (strcmp (what, "events") == 0 || strcmp (what, "failcnt") == 0)
    h->failcnt = v;
  else if (strcmp (what, "max_usage_in_bytes") == 0)
    h->max = v;
  else
    h->usage = v;
  return 0;
}

/* ---- cpuset (v1) ---- */

static uint64_t *
cpuset_field (hull_cgroup_stats *s, const char *file)
{
  static const struct {
    const char *name;
    size_t off;
  } fields[] = {
    { "cpuset.cpu_exclusive", offsetof (hull_cgroup_stats, cpuset.cpu_exclusive) },
    { "cpuset.mem_hardwall", offsetof (hull_cgroup_stats, cpuset.mem_hardwall) },
    { "cpuset.mem_exclusive", offsetof (hull_cgroup_stats, cpuset.mem_exclusive) },
    { "cpuset.memory_migrate", offsetof (hull_cgroup_stats, cpuset.memory_migrate) },
    { "cpuset.memory_spread_page", offsetof (hull_cgroup_stats, cpuset.memory_spread_page) },
    { "cpuset.memory_spread_slab", offsetof (hull_cgroup_stats, cpuset.memory_spread_slab) },
    { "cpuset.memory_pressure", offsetof (hull_cgroup_stats, cpuset.memory_pressure) },
    { "cpuset.sched_load_balance", offsetof (hull_cgroup_stats, cpuset.sched_load_balance) },
  };
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strcmp (file, fields[i].name) == 0)
      return (uint64_t *) ((char *) s + fields[i].off);
  return NULL;
}

static int
parse_cpuset (hull_cgroup_stats *s, const char *file, const char *text, hull_error *err)
{
  hull_cg_u16_list *list = strcmp (file, "cpuset.cpus") == 0   ? &s->cpuset.cpus
                           : strcmp (file, "cpuset.mems") == 0 ? &s->cpuset.mems
                                                               : NULL;
  if (list)
    {
      free (list->v);
      if (hull_cg_parse_id_list (text, list) < 0)
        return bad_value (err, file, text);
      return 0;
    }
  if (strcmp (file, "cpuset.sched_relax_domain_level") == 0)
    {
      char *end;
      errno = 0;
      long long v = strtoll (text, &end, 10);
      if (end == text || errno != 0 || end[strspn (end, " \n")] != '\0')
        return bad_value (err, file, text);
      s->cpuset.sched_relax_domain_level = v;
      return 0;
    }
  uint64_t *f = cpuset_field (s, file);
  return f ? one_u64 (file, text, f, err) : 0;
}

/* ---- the dispatcher ---- */

static size_t
count_lines (const char *text)
{
  size_t n = 0;
  for (const char *p = text; *p; p++)
    if (*p == '\n')
      n++;
  return n;
}

int
hull_cg_stats_parse (hull_cgroup_stats *s, bool v2, const char *file, const char *text,
                     hull_error *err)
{
  uint64_t *f;
  int r = hull_cg_stats_parse_blkio (s, v2, file, text, err);
  if (r <= 0)
    return r;
  if (strcmp (file, "memory.stat") == 0)
    {
      s->memory.have_stat = true;
      return each_kv (s, file, text, raw_set, err);
    }
  if (strcmp (file, "cpu.stat") == 0)
    return each_kv (s, file, text, v2 ? kv_cpu_v2 : kv_cpu_v1, err);
  if (strcmp (file, "pids.current") == 0)
    return one_u64 (file, text, &s->pids.current, err);
  if (strcmp (file, "pids.max") == 0)
    {
      /* "max" is no limit: runc reports 0. */
      if (one_u64 (file, text, &s->pids.limit, err) < 0)
        return -1;
      if (s->pids.limit == UINT64_MAX)
        s->pids.limit = 0;
      return 0;
    }
  if (strncmp (file, "hugetlb.", 8) == 0)
    return parse_hugetlb (s, v2, file, text, err);
  if (v2)
    {
      if ((f = v2_mem_field (s, file)) != NULL)
        return one_u64 (file, text, f, err);
      if (strcmp (file, "cpu.pressure") == 0)
        return parse_psi (&s->cpu.psi, file, text, err);
      if (strcmp (file, "memory.pressure") == 0)
        return parse_psi (&s->memory.psi, file, text, err);
      if (strcmp (file, "io.pressure") == 0)
        return parse_psi (&s->blkio.psi, file, text, err);
      /* Without the pids controller: the number of processes. */
      if (strcmp (file, "cgroup.procs") == 0)
        s->pids.current = count_lines (text);
      return 0;
    }
  if (strcmp (file, "cpuacct.stat") == 0)
    return parse_cpuacct_stat (s, file, text, err);
  if (strcmp (file, "cpuacct.usage") == 0)
    return one_u64 (file, text, &s->cpu.total, err);
  if (strcmp (file, "cpuacct.usage_percpu") == 0)
    return parse_percpu (s, file, text, err);
  if (strcmp (file, "cpuacct.usage_all") == 0)
    return parse_usage_all (s, file, text, err);
  if (strncmp (file, "cpuset.", 7) == 0)
    return parse_cpuset (s, file, text, err);
  if ((f = v1_mem_field (s, file)) != NULL)
    return one_u64 (file, text, f, err);
  return 0;
}

static int
kv_cmp (const void *a, const void *b)
{
  return strcmp (((const hull_cg_stat_kv *) a)->key, ((const hull_cg_stat_kv *) b)->key);
}

static int
hugetlb_cmp (const void *a, const void *b)
{
  return strcmp (((const hull_cg_hugetlb_stat *) a)->size,
                 ((const hull_cg_hugetlb_stat *) b)->size);
}

void
hull_cg_stats_finish (hull_cgroup_stats *s, bool v2)
{
  /* encoding/json prints map keys sorted; so does hull. */
  if (s->memory.n_raw > 1)
    qsort (s->memory.raw, s->memory.n_raw, sizeof *s->memory.raw, kv_cmp);
  if (s->n_hugetlb > 1)
    qsort (s->hugetlb, s->n_hugetlb, sizeof *s->hugetlb, hugetlb_cmp);
  const hull_cg_stat_kv *cache = raw_get (s, v2 ? "file" : "cache");
  s->memory.cache = cache ? cache->value : 0;
  if (v2 && s->memory.have_stat)
    {
      /* v1 reports swap as memory+swap: runc does the same sum on v2.
       * The peak of the sum is unknown, so 0 (omitted). */
      hull_cg_mem_entry *sw = &s->memory.swap;
      sw->usage += s->memory.usage.usage;
      if (sw->limit != UINT64_MAX)
        sw->limit += s->memory.usage.limit;
      sw->max = 0;
    }
}

int
hull_cg_parse_memory_events (const char *text, uint64_t *oom, uint64_t *oom_kill)
{
  *oom = *oom_kill = 0;
  for (const char *p = text; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    {
      uint64_t *dst = strncmp (p, "oom ", 4) == 0        ? oom
                      : strncmp (p, "oom_kill ", 9) == 0 ? oom_kill
                                                         : NULL;
      if (dst == NULL)
        continue;
      char num[32];
      const char *v = strchr (p, ' ') + 1;
      snprintf (num, sizeof num, "%.*s", (int) strcspn (v, "\n"), v);
      if (hull_cg_parse_u64 (num, dst) < 0)
        return -1;
    }
  return 0;
}

void
hull_cgroup_stats_clear (hull_cgroup_stats *s)
{
  free (s->cpu.percpu.v);
  free (s->cpu.percpu_kernel.v);
  free (s->cpu.percpu_user.v);
  free (s->cpuset.cpus.v);
  free (s->cpuset.mems.v);
  for (size_t i = 0; i < s->memory.n_raw; i++)
    free (s->memory.raw[i].key);
  free (s->memory.raw);
  for (int i = 0; i < HULL_CG_BLKIO_N; i++)
    free (s->blkio.lists[i].v);
  free (s->hugetlb);
  *s = (hull_cgroup_stats) { 0 };
}
