/* Unit tests for the events statistics: cgroup v1 and v2 file texts (as
 * captured on real hosts) -> hull_cgroup_stats -> runc's JSON, the
 * parsers' errors, and Go duration parsing for --interval. TAP. */
#include "config.h"
#include "tap.h"
#include "cgroup/stats.h"
#include <hull/duration.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

typedef struct {
  const char *file, *text;
} file_text;

/* Feeds the files (v2 per entry set), finishes, returns 0 or the error. */
static int
load (hull_cgroup_stats *s, bool v2, const file_text *files, hull_error *err)
{
  *s = (hull_cgroup_stats) { 0 };
  for (; files->file; files++)
    if (hull_cg_stats_parse (s, v2, files->file, files->text, err) < 0)
      return -1;
  hull_cg_stats_finish (s, v2);
  return 0;
}

static char *
to_json (const hull_cgroup_stats *s)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (hull_cgroup_stats_gen (g, s) == 0 && yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    out = strndup ((const char *) buf, len);
  yajl_gen_free (g);
  return out;
}

/* ---- cgroup v1 (texts from a Debian 12 host, kernel 6.x) ---- */

static const file_text v1_files[] = {
  { "cpuacct.stat", "user 12\nsystem 3\n" },
  { "cpuacct.usage", "7801591\n" },
  { "cpuacct.usage_percpu", "5792854 2008737 \n" },
  { "cpuacct.usage_all", "cpu user system\n0 1000 4000000\n1 0 0\n" },
  { "cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 12345\nnr_bursts 0\nburst_time 0\n" },
  { "cpuset.cpus", "0-1\n" },
  { "cpuset.mems", "0\n" },
  { "cpuset.cpu_exclusive", "0\n" },
  { "cpuset.sched_load_balance", "1\n" },
  { "cpuset.sched_relax_domain_level", "-1\n" },
  { "memory.stat", "cache 8192\nrss 49152\nactive_anon 4096\nhierarchical_memory_limit 67108864\n"
                   "total_cache 8192\n" },
  { "memory.usage_in_bytes", "643072\n" },
  { "memory.max_usage_in_bytes", "2293760\n" },
  { "memory.failcnt", "0\n" },
  { "memory.limit_in_bytes", "67108864\n" },
  { "memory.memsw.usage_in_bytes", "643072\n" },
  { "memory.memsw.max_usage_in_bytes", "2293760\n" },
  { "memory.memsw.failcnt", "0\n" },
  { "memory.memsw.limit_in_bytes", "9223372036854771712\n" },
  { "memory.kmem.usage_in_bytes", "536576\n" },
  { "memory.kmem.max_usage_in_bytes", "598016\n" },
  { "memory.kmem.failcnt", "0\n" },
  { "memory.kmem.limit_in_bytes", "9223372036854771712\n" },
  { "memory.kmem.tcp.usage_in_bytes", "0\n" },
  { "memory.kmem.tcp.max_usage_in_bytes", "0\n" },
  { "memory.kmem.tcp.failcnt", "0\n" },
  { "memory.kmem.tcp.limit_in_bytes", "9223372036854771712\n" },
  { "pids.current", "3\n" },
  { "pids.max", "50\n" },
  { "blkio.throttle.io_serviced_recursive", "8:0 Read 124\n8:0 Write 104\n8:0 Sync 104\n"
                                            "8:0 Async 124\n8:0 Total 228\nTotal 228\n" },
  { "blkio.throttle.io_service_bytes_recursive", "8:0 Read 1282048\n8:0 Write 0\nTotal 1282048\n" },
  { "blkio.sectors_recursive", "8:16 6792\n" },
  { "hugetlb.2MB.usage_in_bytes", "2097152\n" },
  { "hugetlb.2MB.max_usage_in_bytes", "4194304\n" },
  { "hugetlb.2MB.failcnt", "1\n" },
  { "hugetlb.1GB.usage_in_bytes", "0\n" },
  { "hugetlb.1GB.max_usage_in_bytes", "0\n" },
  { "hugetlb.1GB.failcnt", "0\n" },
  { NULL, NULL },
};

static const char v1_json[] =
  "{\"cpu\":{\"usage\":{\"total\":7801591,\"percpu\":[5792854,2008737],"
  "\"percpu_kernel\":[4000000,0],\"percpu_user\":[1000,0],\"kernel\":30000000,"
  "\"user\":120000000},\"throttling\":{\"periods\":10,\"throttledPeriods\":2,"
  "\"throttledTime\":12345}},"
  "\"cpuset\":{\"cpus\":[0,1],\"cpu_exclusive\":0,\"mems\":[0],\"mem_hardwall\":0,"
  "\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
  "\"memory_pressure\":0,\"sched_load_balance\":1,\"sched_relax_domain_level\":-1},"
  "\"memory\":{\"cache\":8192,\"usage\":{\"limit\":67108864,\"usage\":643072,\"max\":2293760,"
  "\"failcnt\":0},\"swap\":{\"limit\":9223372036854771712,\"usage\":643072,\"max\":2293760,"
  "\"failcnt\":0},\"kernel\":{\"limit\":9223372036854771712,\"usage\":536576,\"max\":598016,"
  "\"failcnt\":0},\"kernelTCP\":{\"limit\":9223372036854771712,\"failcnt\":0},"
  "\"raw\":{\"active_anon\":4096,\"cache\":8192,\"hierarchical_memory_limit\":67108864,"
  "\"rss\":49152,\"total_cache\":8192}},"
  "\"pids\":{\"current\":3,\"limit\":50},"
  "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1282048},"
  "{\"major\":8,\"op\":\"Write\"}],"
  "\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":124},"
  "{\"major\":8,\"op\":\"Write\",\"value\":104},{\"major\":8,\"op\":\"Sync\",\"value\":104},"
  "{\"major\":8,\"op\":\"Async\",\"value\":124},{\"major\":8,\"op\":\"Total\",\"value\":228}],"
  "\"sectorsRecursive\":[{\"major\":8,\"minor\":16,\"value\":6792}]},"
  "\"hugetlb\":{\"1GB\":{\"failcnt\":0},\"2MB\":{\"usage\":2097152,\"max\":4194304,"
  "\"failcnt\":1}},"
  "\"intel_rdt\":{},\"network_interfaces\":null}";

static void
test_v1 (void)
{
  hull_cgroup_stats s;
  hull_error err = { 0 };
  int r = load (&s, false, v1_files, &err);
  if (r < 0)
    printf ("#   error: %s\n", err.msg);
  ok (r == 0, "v1: every file parses");
  ok (s.cpu.user == 120000000 && s.cpu.kernel == 30000000, "v1: cpuacct.stat ticks -> ns");
  ok (s.cpu.percpu.n == 2 && s.cpu.percpu_kernel.v[0] == 4000000 && s.cpu.percpu_user.v[0] == 1000,
      "v1: cpuacct.usage_all columns: user, then system (kernel)");
  ok (s.memory.cache == 8192, "v1: cache from memory.stat's cache");
  ok (s.memory.swap.limit == 9223372036854771712ULL, "v1: swap is memsw (memory+swap)");
  ok (s.pids.current == 3 && s.pids.limit == 50, "v1: pids");
  ok (s.blkio.lists[HULL_CG_BLKIO_SERVICED].n == 5, "v1: blkio Total line skipped, per-op kept");
  char *j = to_json (&s);
  ok (j && streq (j, v1_json), "v1: JSON has runc's keys, order and omitempty");
  free (j);
  hull_cgroup_stats_clear (&s);
}

/* ---- cgroup v2 ---- */

static const file_text v2_files[] = {
  { "cpu.stat", "usage_usec 7801\nuser_usec 5000\nsystem_usec 2801\ncore_sched.force_idle_usec 0\n"
                "nr_periods 4\nnr_throttled 1\nthrottled_usec 250\nnr_bursts 0\nburst_usec 0\n" },
  { "memory.stat", "anon 49152\nfile 8192\nkernel 12288\nsock 0\npgfault 641\n" },
  { "memory.current", "643072\n" },
  { "memory.max", "67108864\n" },
  { "memory.peak", "2293760\n" },
  { "memory.swap.current", "4096\n" },
  { "memory.swap.max", "max\n" },
  { "pids.current", "2\n" },
  { "pids.max", "max\n" },
  { "io.stat", "254:1 rbytes=6901432320 wbytes=14245535744 rios=263278 wios=248603 dbytes=0 dios=0\n"
               "8:0 rbytes=2702336 wbytes=0 rios=97 wios=0 dbytes=0 dios=0\n" },
  { "hugetlb.2MB.current", "2097152\n" },
  { "hugetlb.2MB.events", "max 3\n" },
  { "cpu.pressure", "some avg10=1.50 avg60=0.12 avg300=0.00 total=4242\n"
                    "full avg10=0.00 avg60=0.00 avg300=0.00 total=7\n" },
  { NULL, NULL },
};

static const char v2_json[] =
  "{\"cpu\":{\"usage\":{\"total\":7801000,\"kernel\":2801000,\"user\":5000000},"
  "\"throttling\":{\"periods\":4,\"throttledPeriods\":1,\"throttledTime\":250000},"
  "\"psi\":{\"some\":{\"avg10\":1.5,\"avg60\":0.12,\"avg300\":0,\"total\":4242},"
  "\"full\":{\"avg10\":0,\"avg60\":0,\"avg300\":0,\"total\":7}}},"
  "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
  "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,"
  "\"sched_load_balance\":0,\"sched_relax_domain_level\":0},"
  "\"memory\":{\"cache\":8192,\"usage\":{\"limit\":67108864,\"usage\":643072,\"max\":2293760,"
  "\"failcnt\":0},\"swap\":{\"limit\":18446744073709551615,\"usage\":647168,\"failcnt\":0},"
  "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
  "\"raw\":{\"anon\":49152,\"file\":8192,\"kernel\":12288,\"pgfault\":641,\"sock\":0}},"
  "\"pids\":{\"current\":2},"
  "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":254,\"minor\":1,\"op\":\"Read\","
  "\"value\":6901432320},{\"major\":254,\"minor\":1,\"op\":\"Write\",\"value\":14245535744},"
  "{\"major\":8,\"op\":\"Read\",\"value\":2702336},{\"major\":8,\"op\":\"Write\"}],"
  "\"ioServicedRecursive\":[{\"major\":254,\"minor\":1,\"op\":\"Read\",\"value\":263278},"
  "{\"major\":254,\"minor\":1,\"op\":\"Write\",\"value\":248603},"
  "{\"major\":8,\"op\":\"Read\",\"value\":97},{\"major\":8,\"op\":\"Write\"}]},"
  "\"hugetlb\":{\"2MB\":{\"usage\":2097152,\"failcnt\":3}},"
  "\"intel_rdt\":{},\"network_interfaces\":null}";

static void
test_v2 (void)
{
  hull_cgroup_stats s;
  hull_error err = { 0 };
  int r = load (&s, true, v2_files, &err);
  if (r < 0)
    printf ("#   error: %s\n", err.msg);
  ok (r == 0, "v2: every file parses");
  ok (s.cpu.total == 7801000 && s.cpu.throttled_time == 250000, "v2: cpu.stat usec -> ns");
  ok (s.memory.usage.limit == 67108864, "v2: memory.max");
  ok (s.memory.swap.usage == 643072 + 4096, "v2: swap usage is memory + swap, as v1 reports it");
  ok (s.memory.swap.limit == UINT64_MAX, "v2: swap.max \"max\" stays unlimited");
  ok (s.memory.swap.max == 0, "v2: no peak for the memory+swap sum");
  ok (s.pids.limit == 0, "v2: pids.max \"max\" is no limit (0)");
  ok (s.memory.cache == 8192, "v2: cache from memory.stat's file");
  char *j = to_json (&s);
  ok (j && streq (j, v2_json), "v2: JSON has runc's keys, order and omitempty");
  free (j);
  hull_cgroup_stats_clear (&s);

  /* A limited swap adds the memory limit, as runc does. */
  static const file_text limited[] = {
    { "memory.stat", "file 0\n" }, { "memory.current", "100\n" }, { "memory.max", "1000\n" },
    { "memory.swap.current", "10\n" }, { "memory.swap.max", "500\n" }, { NULL, NULL },
  };
  r = load (&s, true, limited, &err);
  ok (r == 0 && s.memory.swap.limit == 1500 && s.memory.swap.usage == 110,
      "v2: swap limit is memory.max + memory.swap.max");
  hull_cgroup_stats_clear (&s);

  /* Without the pids controller the processes are counted. */
  static const file_text procs[] = { { "cgroup.procs", "12\n13\n14\n" }, { NULL, NULL } };
  r = load (&s, true, procs, &err);
  ok (r == 0 && s.pids.current == 3, "v2: pids.current from cgroup.procs lines");
  hull_cgroup_stats_clear (&s);
}

/* Hybrid: v1 files plus hugetlb in the unified tree's (v2) format. */
static void
test_hybrid (void)
{
  hull_cgroup_stats s = { 0 };
  hull_error err = { 0 };
  int r = hull_cg_stats_parse (&s, false, "memory.stat", "cache 4096\nfile 1\n", &err);
  r = r == 0 ? hull_cg_stats_parse (&s, true, "hugetlb.1GB.current", "0\n", &err) : r;
  r = r == 0 ? hull_cg_stats_parse (&s, true, "hugetlb.1GB.events", "max 2\n", &err) : r;
  hull_cg_stats_finish (&s, false);
  ok (r == 0 && s.memory.cache == 4096 && s.n_hugetlb == 1 && s.hugetlb[0].failcnt == 2
        && strcmp (s.hugetlb[0].size, "1GB") == 0,
      "hybrid: v1 memory with unified hugetlb");
  hull_cgroup_stats_clear (&s);
}

static void
test_empty (void)
{
  hull_cgroup_stats s = { 0 };
  hull_cg_stats_finish (&s, false);
  char *j = to_json (&s);
  ok (j && streq (j, "{\"cpu\":{\"usage\":{\"kernel\":0,\"user\":0},\"throttling\":{}},"
                     "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,"
                     "\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
                     "\"memory_pressure\":0,\"sched_load_balance\":0,"
                     "\"sched_relax_domain_level\":0},"
                     "\"memory\":{\"usage\":{\"limit\":0,\"failcnt\":0},\"swap\":{\"limit\":0,"
                     "\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},"
                     "\"kernelTCP\":{\"limit\":0,\"failcnt\":0}},\"pids\":{},\"blkio\":{},"
                     "\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}"),
      "no data: only the fields runc always prints");
  free (j);
}

/* Errors name the file and the bad text. */
static void
expect_error (bool v2, const char *file, const char *text, const char *want)
{
  hull_cgroup_stats s = { 0 };
  hull_error err = { 0 };
  int r = hull_cg_stats_parse (&s, v2, file, text, &err);
  bool good = r < 0 && strstr (err.msg, want) != NULL && strstr (err.msg, file) != NULL;
  if (!good)
    printf ("#   got: %s\n#   expected to contain: %s\n", r < 0 ? err.msg : "(success)", want);
  ok (good, "error: %s \"%.20s\"", file, text);
  hull_cgroup_stats_clear (&s);
}

static void
test_errors (void)
{
  expect_error (false, "memory.stat", "cache 1 2\n", "malformed line");
  expect_error (false, "memory.stat", "cache x\n", "invalid value \"x\"");
  expect_error (false, "cpuacct.stat", "system 1\nuser 2\n", "user N");
  expect_error (false, "memory.usage_in_bytes", "12ab\n", "invalid value");
  expect_error (false, "cpuset.cpus", "3-1\n", "invalid value");
  expect_error (false, "blkio.io_serviced_recursive", "8:0 Read\n", "invalid value \"Read\"");
  expect_error (false, "blkio.io_serviced_recursive", "a:0 Read 1\n", "invalid device");
  expect_error (true, "cpu.pressure", "some avg10=x\n", "invalid value");
  expect_error (true, "pids.current", "\n", "invalid value");
}

static void
test_values (void)
{
  uint64_t v = 1;
  ok (hull_cg_parse_u64 ("max\n", &v) == 0 && v == UINT64_MAX, "u64: max");
  ok (hull_cg_parse_u64 ("-1\n", &v) == 0 && v == 0, "u64: v1's -1 is 0 (runc)");
  ok (hull_cg_parse_u64 (" 42 \n", &v) == 0 && v == 42, "u64: whitespace around");
  ok (hull_cg_parse_u64 ("18446744073709551616", &v) < 0, "u64: out of range");
  ok (hull_cg_parse_u64 ("1 2", &v) < 0 && hull_cg_parse_u64 ("", &v) < 0, "u64: two or none");

  hull_cg_u16_list l;
  ok (hull_cg_parse_id_list ("0-3,5\n", &l) == 0 && l.n == 5 && l.v[3] == 3 && l.v[4] == 5,
      "cpu list 0-3,5");
  free (l.v);
  ok (hull_cg_parse_id_list ("\n", &l) == 0 && l.n == 0, "cpu list empty");
  ok (hull_cg_parse_id_list ("1,x", &l) < 0 && hull_cg_parse_id_list ("70000", &l) < 0,
      "cpu list: junk and out of range rejected");

  uint64_t oom, kill;
  ok (hull_cg_parse_memory_events ("low 0\nhigh 0\nmax 12\noom 2\noom_kill 3\noom_group_kill 0\n",
                                   &oom, &kill) == 0 && oom == 2 && kill == 3,
      "memory.events: oom and oom_kill");
  ok (hull_cg_parse_memory_events ("low 0\n", &oom, &kill) == 0 && oom == 0 && kill == 0,
      "memory.events: no counters is 0");
}

static void
expect_duration (const char *s, int64_t want)
{
  int64_t ns = -12345;
  const char *why = NULL;
  int r = hull_duration_parse (s, &ns, &why);
  if (r < 0)
    printf ("#   error: %s\n", why);
  else if (ns != want)
    printf ("#   got %lld, want %lld\n", (long long) ns, (long long) want);
  ok (r == 0 && ns == want, "duration \"%s\"", s);
}

static void
expect_bad_duration (const char *s, const char *want)
{
  int64_t ns;
  const char *why = NULL;
  int r = hull_duration_parse (s, &ns, &why);
  ok (r < 0 && why && strstr (why, want), "duration \"%s\" rejected: %s", s, why ? why : "-");
}

static void
test_durations (void)
{
  expect_duration ("5s", 5000000000LL);
  expect_duration ("500ms", 500000000LL);
  expect_duration ("1m30s", 90000000000LL);
  expect_duration ("1.5h", 5400000000000LL);
  expect_duration ("2m", 120000000000LL);
  expect_duration ("10us", 10000LL);
  expect_duration ("10\xc2\xb5s", 10000LL);
  expect_duration ("7ns", 7LL);
  expect_duration (".5s", 500000000LL);
  expect_duration ("0", 0);
  expect_duration ("-1s", -1000000000LL);
  expect_duration ("+2s", 2000000000LL);
  expect_bad_duration ("", "empty");
  expect_bad_duration ("5", "missing unit");
  expect_bad_duration ("1x", "unknown unit");
  expect_bad_duration ("s", "number");
  expect_bad_duration ("1s2", "missing unit");
  expect_bad_duration ("3000000h", "out of range");
}

int
main (void)
{
  test_v1 ();
  test_v2 ();
  test_hybrid ();
  test_empty ();
  test_errors ();
  test_values ();
  test_durations ();
  return tap_done ();
}
