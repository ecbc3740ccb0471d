/* Unit tests for linux.resources -> cgroup files: the pure mapping on v1,
 * hybrid and v2 layouts, runc's conversions, and the value checks. TAP. */
#include "config.h"
#include "tap.h"
#include "cgroup/resources.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The writes as "controller:file=value" lines ("?" after optional ones). */
static char *
render (const hull_resources *res, const hull_cg_map_opts *o, char *errbuf)
{
  hull_cg_writes w = { 0 };
  hull_error err = { 0 };
  static char buf[8192];
  buf[0] = '\0';
  if (hull_cg_map (res, o, &w, &err) < 0)
    {
      snprintf (errbuf, HULL_ERROR_MSG_MAX, "%s", err.msg);
      hull_cg_writes_clear (&w);
      return NULL;
    }
  size_t len = 0;
  for (size_t i = 0; i < w.n; i++)
    len += snprintf (buf + len, sizeof buf - len, "%s:%s=%s%s\n", w.v[i].controller,
                     w.v[i].file, w.v[i].value, w.v[i].optional ? "?" : "");
  hull_cg_writes_clear (&w);
  return buf;
}

static void
expect_map (const char *name, const hull_resources *res, const hull_cg_map_opts *o,
            const char *want)
{
  char e[HULL_ERROR_MSG_MAX] = "";
  const char *got = render (res, o, e);
  if (got == NULL)
    printf ("#   error: %s\n", e);
  ok (got && streq (got, want), "%s", name);
}

/* Checks: NULL want = must pass; else the message must contain want. */
static void
expect_check (const char *name, hull_cgroup_layout layout, const hull_resources *res,
              const char *want)
{
  hull_error err = { 0 };
  int r = hull_cg_check_values (layout, res, "config.json: .linux.resources", &err);
  if (want == NULL)
    {
      if (r < 0)
        printf ("#   unexpected error: %s\n", err.msg);
      ok (r == 0, "%s", name);
      return;
    }
  bool good = r < 0 && strstr (err.msg, want) != NULL;
  if (!good)
    printf ("#   got: %s\n#   expected to contain: %s\n", r < 0 ? err.msg : "(success)", want);
  ok (good, "%s", name);
}

#define I64(x) ((hull_opt_i64) { true, (x) })
#define U64(x) ((hull_opt_u64) { true, (x) })

static const hull_cg_map_opts V1 = { .layout = HULL_CGROUP_LAYOUT_V1, .memsw = true,
                                     .has_cur_limit = true, .cur_limit = UINT64_MAX };
static const hull_cg_map_opts V2 = { .layout = HULL_CGROUP_LAYOUT_V2 };

static void
test_memory (void)
{
  hull_memory m = { .limit = I64 (67108864), .swap = I64 (134217728),
                    .reservation = I64 (33554432), .swappiness = U64 (10),
                    .disable_oom_killer = { true, true }, .kernel = I64 (1000000),
                    .kernel_tcp = I64 (1000000) };
  hull_resources r = { .memory = &m };
  expect_map ("v1 memory: fresh cgroup, limit before memsw; kernel ignored", &r, &V1,
              "memory:memory.limit_in_bytes=67108864\n"
              "memory:memory.memsw.limit_in_bytes=134217728\n"
              "memory:memory.soft_limit_in_bytes=33554432\n"
              "memory:memory.swappiness=10\n"
              "memory:memory.oom_control=1\n");
  hull_cg_map_opts raise = V1;
  raise.cur_limit = 67108864;
  hull_memory up = { .limit = I64 (268435456), .swap = I64 (536870912) };
  r = (hull_resources) { .memory = &up };
  expect_map ("v1 memory: raising writes memsw first", &r, &raise,
              "memory:memory.memsw.limit_in_bytes=536870912\n"
              "memory:memory.limit_in_bytes=268435456\n");
  raise.cur_limit = 268435456;
  hull_memory down = { .limit = I64 (67108864), .swap = I64 (134217728) };
  r = (hull_resources) { .memory = &down };
  expect_map ("v1 memory: lowering writes the limit first", &r, &raise,
              "memory:memory.limit_in_bytes=67108864\n"
              "memory:memory.memsw.limit_in_bytes=134217728\n");
  hull_memory unl = { .limit = I64 (-1) };
  r = (hull_resources) { .memory = &unl };
  expect_map ("v1 memory: -1 also lifts memsw (when it exists)", &r, &V1,
              "memory:memory.memsw.limit_in_bytes=-1?\n"
              "memory:memory.limit_in_bytes=-1\n");
  hull_cg_map_opts nosw = V1;
  nosw.memsw = false;
  expect_map ("v1 memory: -1 without swap accounting", &r, &nosw,
              "memory:memory.limit_in_bytes=-1\n");
  hull_memory zero = { .limit = I64 (0), .reservation = I64 (0) };
  r = (hull_resources) { .memory = &zero };
  expect_map ("v1 memory: 0 means unset (as runc)", &r, &V1, "");

  r = (hull_resources) { .memory = &m };
  expect_map ("v2 memory: swap.max = swap - limit, low from reservation", &r, &V2,
              ":memory.swap.max=67108864\n"
              ":memory.max=67108864\n"
              ":memory.low=33554432\n");
  r = (hull_resources) { .memory = &unl };
  expect_map ("v2 memory: -1 is max for both", &r, &V2,
              ":memory.swap.max=max?\n"
              ":memory.max=max\n");
  hull_memory same = { .limit = I64 (1048576), .swap = I64 (1048576) };
  r = (hull_resources) { .memory = &same };
  expect_map ("v2 memory: swap == limit disables swap", &r, &V2,
              ":memory.swap.max=0?\n"
              ":memory.max=1048576\n");
  hull_memory sw = { .limit = I64 (1048576), .swap = I64 (-1) };
  r = (hull_resources) { .memory = &sw };
  expect_map ("v2 memory: swap -1 is unlimited swap", &r, &V2,
              ":memory.swap.max=max?\n"
              ":memory.max=1048576\n");
}

static void
test_cpu (void)
{
  hull_cpu c = { .shares = U64 (512), .quota = I64 (50000), .period = U64 (100000),
                 .burst = U64 (1000), .realtime_period = U64 (1000000),
                 .realtime_runtime = I64 (950000), .cpus = "0-1", .mems = "0" };
  hull_resources r = { .cpu = &c };
  expect_map ("v1 cpu: period before quota, rt period before runtime, cpuset", &r, &V1,
              "cpu:cpu.shares=512\n"
              "cpu:cpu.cfs_period_us=100000\n"
              "cpu:cpu.cfs_quota_us=50000\n"
              "cpu:cpu.cfs_burst_us=1000\n"
              "cpu:cpu.rt_period_us=1000000\n"
              "cpu:cpu.rt_runtime_us=950000\n"
              "cpuset:cpuset.cpus=0-1\n"
              "cpuset:cpuset.mems=0\n");
  hull_cpu c2 = { .shares = U64 (1024), .quota = I64 (50000), .period = U64 (100000),
                  .burst = U64 (1000), .idle = I64 (1), .cpus = "3", .mems = "" };
  r = (hull_resources) { .cpu = &c2 };
  expect_map ("v2 cpu: weight, cpu.max then burst, idle, cpuset", &r, &V2,
              ":cpu.weight=100\n"
              ":cpu.max=50000 100000\n"
              ":cpu.max.burst=1000\n"
              ":cpu.idle=1\n"
              ":cpuset.cpus=3\n");
  hull_cpu c3 = { .quota = I64 (-1), .period = U64 (250000) };
  r = (hull_resources) { .cpu = &c3 };
  expect_map ("v2 cpu: quota -1 is max", &r, &V2, ":cpu.max=max 250000\n");
  hull_cpu c4 = { .quota = I64 (20000) };
  r = (hull_resources) { .cpu = &c4 };
  expect_map ("v2 cpu: quota alone", &r, &V2, ":cpu.max=20000\n");

  static const struct { uint64_t shares, weight; } conv[] = {
    { 0, 0 }, { 1, 1 }, { 2, 1 }, { 3, 2 }, { 100, 17 }, { 512, 59 }, { 1024, 100 },
    { 2048, 174 }, { 10000, 627 }, { 262143, 10000 }, { 262144, 10000 }, { 300000, 10000 },
  };
  for (size_t i = 0; i < sizeof conv / sizeof *conv; i++)
    {
      uint64_t got = hull_cg_cpu_weight (conv[i].shares);
      if (got != conv[i].weight)
        printf ("#   got %llu\n", (unsigned long long) got);
      ok (got == conv[i].weight, "cpu.shares %llu -> cpu.weight %llu",
          (unsigned long long) conv[i].shares, (unsigned long long) conv[i].weight);
    }
}

static void
test_pids_blkio (void)
{
  static const struct { int64_t limit; const char *v1; } pids[] = {
    { 100, "pids:pids.max=100\n" }, { 0, "pids:pids.max=max\n" }, { -1, "pids:pids.max=max\n" },
  };
  for (size_t i = 0; i < 3; i++)
    {
      hull_resources r = { .pids_limit = I64 (pids[i].limit) };
      expect_map ("v1 pids", &r, &V1, pids[i].v1);
      expect_map ("v2 pids", &r, &V2, pids[i].v1 + 4);
    }

  hull_blkio_weight_device wd = { .major = 8, .minor = 0, .weight = U64 (300),
                                  .leaf_weight = U64 (200) };
  hull_blkio_throttle rb[] = { { 8, 0, 1048576 }, { 8, 16, 2097152 } };
  hull_blkio_throttle wi[] = { { 8, 0, 100 } };
  hull_blkio b = { .weight = U64 (500), .leaf_weight = U64 (400), .weight_device = &wd,
                   .n_weight_device = 1, .throttle_read_bps = { rb, 2 },
                   .throttle_write_iops = { wi, 1 } };
  hull_resources r = { .block_io = &b };
  expect_map ("v1 blkio", &r, &V1,
              "blkio:blkio.weight=500\n"
              "blkio:blkio.leaf_weight=400\n"
              "blkio:blkio.weight_device=8:0 300\n"
              "blkio:blkio.leaf_weight_device=8:0 200\n"
              "blkio:blkio.throttle.read_bps_device=8:0 1048576\n"
              "blkio:blkio.throttle.read_bps_device=8:16 2097152\n"
              "blkio:blkio.throttle.write_iops_device=8:0 100\n");
  b.leaf_weight = (hull_opt_u64) { 0 };
  expect_map ("v2 io: converted weight, bfq device weight, io.max per device", &r, &V2,
              ":io.weight=4950\n"
              ":io.bfq.weight=8:0 300\n"
              ":io.max=8:0 rbps=1048576 wiops=100\n"
              ":io.max=8:16 rbps=2097152\n");
  ok (hull_cg_io_weight (10) == 1 && hull_cg_io_weight (1000) == 10000
      && hull_cg_io_weight (0) == 0, "blkio weight 10/1000/0 -> io.weight 1/10000/0");
}

static void
test_misc (void)
{
  hull_hugepage_limit h[] = { { "2MB", 4194304 } };
  hull_resources r = { .hugepage_limits = h, .n_hugepage_limits = 1 };
  expect_map ("v1 hugetlb (+ rsvd when present)", &r, &V1,
              "hugetlb:hugetlb.2MB.limit_in_bytes=4194304\n"
              "hugetlb:hugetlb.2MB.rsvd.limit_in_bytes=4194304?\n");
  hull_cg_map_opts hy = { .layout = HULL_CGROUP_LAYOUT_HYBRID, .hugetlb_v2 = true };
  expect_map ("hybrid hugetlb in the unified hierarchy", &r, &hy,
              ":hugetlb.2MB.max=4194304\n"
              ":hugetlb.2MB.rsvd.max=4194304?\n");
  hy.hugetlb_v2 = false;
  expect_map ("hybrid hugetlb mounted as v1 prefers v1", &r, &hy,
              "hugetlb:hugetlb.2MB.limit_in_bytes=4194304\n"
              "hugetlb:hugetlb.2MB.rsvd.limit_in_bytes=4194304?\n");
  expect_map ("v2 hugetlb", &r, &V2,
              ":hugetlb.2MB.max=4194304\n:hugetlb.2MB.rsvd.max=4194304?\n");

  hull_net_priority prio[] = { { "eth0", 5 }, { "lo", 1 } };
  hull_network net = { .class_id = U64 (0x100001), .priorities = prio, .n_priorities = 2 };
  hull_rdma rd[] = { { "mlx5_1", U64 (3), U64 (1000) }, { "mlx4_0", U64 (2), { 0 } } };
  r = (hull_resources) { .network = &net, .rdma = rd, .n_rdma = 2 };
  expect_map ("v1 net_cls, net_prio, rdma", &r, &V1,
              "net_cls:net_cls.classid=1048577\n"
              "net_prio:net_prio.ifpriomap=eth0 5\n"
              "net_prio:net_prio.ifpriomap=lo 1\n"
              "rdma:rdma.max=mlx5_1 hca_handle=3 hca_object=1000\n"
              "rdma:rdma.max=mlx4_0 hca_handle=2\n");

  hull_kv kv[] = { { "memory.high", "1000000" }, { "pids.max", "7" } };
  r = (hull_resources) { .unified = { kv, 2 } };
  expect_map ("v2 unified keys as-is", &r, &V2, ":memory.high=1000000\n:pids.max=7\n");
  hy.hugetlb_v2 = true;
  expect_map ("hybrid unified keys go to the unified dir", &r, &hy,
              ":memory.high=1000000\n:pids.max=7\n");

  char name[32];
  ok (hull_cg_hugepage_size_name ("hugepages-2048kB", name, sizeof name)
      && streq (name, "2MB"), "hugepages-2048kB is 2MB");
  ok (hull_cg_hugepage_size_name ("hugepages-1048576kB", name, sizeof name)
      && streq (name, "1GB"), "hugepages-1048576kB is 1GB");
  ok (hull_cg_hugepage_size_name ("hugepages-64kB", name, sizeof name)
      && streq (name, "64KB"), "hugepages-64kB is 64KB");
  ok (!hull_cg_hugepage_size_name ("foo", name, sizeof name), "not a hugepages dir");
}

static void
test_devices (void)
{
  hull_device_cgroup d[] = {
    { .allow = false, .access = "rwm" },
    { .allow = false, .type = "c", .major = I64 (1), .minor = I64 (3), .access = "w" },
    { .allow = true, .type = "b", .major = I64 (8), .access = "r" },
    { .allow = true, .type = "a", .major = I64 (4), .access = "rw" },
  };
  hull_resources r = { .devices = d, .n_devices = 4 };
  expect_map ("v1 devices: deny-all, defaults, then the rules in order", &r, &V1,
              "devices:devices.deny=a\n"
              "devices:devices.allow=c *:* m\n"
              "devices:devices.allow=b *:* m\n"
              "devices:devices.allow=c 1:3 rwm\n"
              "devices:devices.allow=c 1:8 rwm\n"
              "devices:devices.allow=c 1:7 rwm\n"
              "devices:devices.allow=c 5:0 rwm\n"
              "devices:devices.allow=c 1:5 rwm\n"
              "devices:devices.allow=c 1:9 rwm\n"
              "devices:devices.allow=c 136:* rwm\n"
              "devices:devices.allow=c 5:2 rwm\n"
              "devices:devices.allow=c 10:200 rwm\n"
              "devices:devices.deny=c 1:3 w\n"
              "devices:devices.allow=b 8:* r\n"
              "devices:devices.allow=c 4:* rw\n"
              "devices:devices.allow=b 4:* rw\n");
  hull_device_cgroup allow_all[] = { { .allow = true, .type = "a", .access = "rwm" } };
  r = (hull_resources) { .devices = allow_all, .n_devices = 1 };
  hull_cg_writes w = { 0 };
  hull_error err;
  ok (hull_cg_map (&r, &V1, &w, &err) == 0 && w.n == 12 && streq (w.v[11].value, "a")
      && streq (w.v[11].file, "devices.allow") && w.v[11].soft,
      "v1 devices: allow-all is written after the defaults, soft");
  hull_cg_writes_clear (&w);
  r = (hull_resources) { .devices = d, .n_devices = 1 };
  expect_map ("v2 devices: nothing written", &r, &V2, "");
}

static void
test_checks (void)
{
  hull_resources none = { 0 };
  expect_check ("empty resources pass", HULL_CGROUP_LAYOUT_V1, &none, NULL);
  hull_cpu idle = { .idle = I64 (1) };
  hull_resources r = { .cpu = &idle };
  expect_check ("cpu.idle refused on v1", HULL_CGROUP_LAYOUT_V1, &r,
                "config.json: .linux.resources.cpu.idle: not available on cgroup v1");
  expect_check ("cpu.idle refused on hybrid", HULL_CGROUP_LAYOUT_HYBRID, &r,
                ".cpu.idle: not available on cgroup v1");
  expect_check ("cpu.idle 1 fine on v2", HULL_CGROUP_LAYOUT_V2, &r, NULL);
  hull_cpu idle2 = { .idle = I64 (2) };
  r.cpu = &idle2;
  expect_check ("cpu.idle 2 refused", HULL_CGROUP_LAYOUT_V2, &r, ".cpu.idle: 2 is not 0 or 1");
  hull_cpu sh = { .shares = U64 (1) };
  r.cpu = &sh;
  expect_check ("cpu.shares 1 refused", HULL_CGROUP_LAYOUT_V1, &r,
                ".cpu.shares: 1 is not in 2..262144");
  sh.shares.v = 262145;
  expect_check ("cpu.shares 262145 refused", HULL_CGROUP_LAYOUT_V2, &r, ".cpu.shares");
  sh.shares.v = 262144;
  expect_check ("cpu.shares 262144 fine", HULL_CGROUP_LAYOUT_V1, &r, NULL);
  static const struct { const char *s; bool good; } lists[] = {
    { "0", true }, { "0-3,5", true }, { "0-3,5-7,9", true }, { "", true }, { "3-1", false },
    { "a", false }, { "1,", false }, { "1--2", false }, { "-1", false }, { "1 2", false },
  };
  for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
    ok (hull_cg_cpuset_list_ok (lists[i].s) == lists[i].good, "cpuset list \"%s\" %s",
        lists[i].s, lists[i].good ? "parses" : "refused");
  hull_cpu cs = { .cpus = "0-x" };
  r.cpu = &cs;
  expect_check ("bad cpus refused", HULL_CGROUP_LAYOUT_V1, &r,
                ".cpu.cpus: invalid cpu list \"0-x\"");
  hull_cpu rt = { .realtime_runtime = I64 (1000) };
  r.cpu = &rt;
  expect_check ("realtime refused on v2", HULL_CGROUP_LAYOUT_V2, &r, "not available on cgroup v2");

  hull_memory sw = { .swappiness = U64 (101) };
  r = (hull_resources) { .memory = &sw };
  expect_check ("swappiness 101 refused", HULL_CGROUP_LAYOUT_V1, &r,
                ".memory.swappiness: 101 is not in 0..100");
  hull_memory lo = { .limit = I64 (2000000), .swap = I64 (1000000) };
  r.memory = &lo;
  expect_check ("swap below limit refused", HULL_CGROUP_LAYOUT_V1, &r,
                ".memory.swap: memory+swap limit");
  hull_memory nolim = { .swap = I64 (1000000) };
  r.memory = &nolim;
  expect_check ("v2 swap without limit refused", HULL_CGROUP_LAYOUT_V2, &r,
                "a swap limit needs a memory limit");
  expect_check ("v1 swap without limit passes the check", HULL_CGROUP_LAYOUT_V1, &r, NULL);

  r = (hull_resources) { .pids_limit = I64 (-2) };
  expect_check ("pids -2 refused", HULL_CGROUP_LAYOUT_V1, &r, ".pids.limit: invalid value -2");
  r.pids_limit = I64 (-1);
  expect_check ("pids -1 fine", HULL_CGROUP_LAYOUT_V1, &r, NULL);

  hull_blkio b = { .weight = U64 (5) };
  r = (hull_resources) { .block_io = &b };
  expect_check ("blkio weight 5 refused", HULL_CGROUP_LAYOUT_V1, &r,
                ".blockIO.weight: 5 is not in 10..1000");

  hull_hugepage_limit h[] = { { "2M", 1 } };
  r = (hull_resources) { .hugepage_limits = h, .n_hugepage_limits = 1 };
  expect_check ("hugepage size 2M refused", HULL_CGROUP_LAYOUT_V2, &r,
                ".hugepageLimits[0].pageSize: invalid size \"2M\"");

  hull_kv kv[] = { { "../memory.max", "1" } };
  r = (hull_resources) { .unified = { kv, 1 } };
  expect_check ("unified key with / refused", HULL_CGROUP_LAYOUT_V2, &r,
                ".unified: invalid key \"../memory.max\"");
  hull_kv kv2[] = { { "memory.high", "1" } };
  r = (hull_resources) { .unified = { kv2, 1 } };
  expect_check ("unified refused on v1", HULL_CGROUP_LAYOUT_V1, &r,
                ".unified: not available on cgroup v1");
  expect_check ("unified fine on v2", HULL_CGROUP_LAYOUT_V2, &r, NULL);

  hull_network net = { .class_id = U64 (1) };
  r = (hull_resources) { .network = &net };
  expect_check ("network refused on v2", HULL_CGROUP_LAYOUT_V2, &r,
                ".network: not available on cgroup v2");

  hull_device_cgroup d[] = {
    { .allow = false, .access = "rwm" },
    { .allow = true, .type = "c", .major = I64 (1), .minor = I64 (3), .access = "rwm" },
  };
  r = (hull_resources) { .devices = d, .n_devices = 1 };
  expect_check ("v2: a lone deny-all passes", HULL_CGROUP_LAYOUT_V2, &r, NULL);
  r.n_devices = 2;
  expect_check ("v2: device rules pass (eBPF program)", HULL_CGROUP_LAYOUT_V2, &r, NULL);
  expect_check ("hybrid: device rules fine (devices is v1)", HULL_CGROUP_LAYOUT_HYBRID, &r,
                NULL);
  d[1].major = I64 (4294967296);
  expect_check ("a device number above 32 bits is refused", HULL_CGROUP_LAYOUT_V2, &r,
                ".devices[1]: device number out of range");
  expect_check ("... on v1 too", HULL_CGROUP_LAYOUT_V1, &r,
                ".devices[1]: device number out of range");
}

int
main (void)
{
  test_memory ();
  test_cpu ();
  test_pids_blkio ();
  test_misc ();
  test_devices ();
  test_checks ();
  return tap_done ();
}
