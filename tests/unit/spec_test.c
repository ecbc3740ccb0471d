/* Unit tests for the config.json parser and the default spec template.
 * Prints TAP; exits non-zero when any test fails. JSON in this file uses
 * single quotes for readability; q() turns them into double quotes. */
#include "config.h"
#include <hull/spec.h>
#include <hull/error.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int n_run, n_failed;

#define CHECK(cond)                                                             \
  do                                                                            \
    {                                                                           \
      if (!(cond))                                                              \
        {                                                                       \
          printf ("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
          return false;                                                         \
        }                                                                       \
    }                                                                           \
  while (0)

#define CHECK_STR(a, b)                                                         \
  do                                                                            \
    {                                                                           \
      const char *a_ = (a), *b_ = (b);                                          \
      if (a_ == NULL || strcmp (a_, b_) != 0)                                   \
        {                                                                       \
          printf ("# %s:%d: got \"%s\"\n#   expected \"%s\"\n", __FILE__,       \
                  __LINE__, a_ ? a_ : "(null)", b_);                            \
          return false;                                                         \
        }                                                                       \
    }                                                                           \
  while (0)

static void
report (const char *name, bool ok)
{
  n_run++;
  if (!ok)
    n_failed++;
  printf ("%s %d - %s\n", ok ? "ok" : "not ok", n_run, name);
}

#define RUN(fn) report (#fn, fn ())

/* Single quotes -> double quotes. */
static char *
q (const char *s)
{
  char *r = strdup (s);
  for (char *p = r; *p; p++)
    if (*p == '\'')
      *p = '"';
  return r;
}

static int
parse_q (const char *json, hull_spec **out, hull_error *err)
{
  char *j = q (json);
  int r = hull_spec_parse (j, strlen (j), "config.json", out, err);
  free (j);
  return r;
}

#include "spec_test_cases.h"

static bool
test_full_process (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (full_config, &s, &err) == 0);
  CHECK_STR (s->oci_version, "1.3.0");
  hull_process *p = s->process;
  CHECK (p != NULL);
  CHECK (p->terminal);
  CHECK (p->console_height.set && p->console_height.v == 25);
  CHECK (p->console_width.set && p->console_width.v == 80);
  CHECK (p->user.uid == 1000 && p->user.gid == 1001);
  CHECK (p->user.umask.set && p->user.umask.v == 18);
  CHECK (p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 6);
  CHECK_STR (p->user.username, "u");
  CHECK (p->args.n == 3 && p->args.v[3] == NULL);
  CHECK_STR (p->args.v[2], "true");
  CHECK (p->env.n == 2 && p->env.v[2] == NULL);
  CHECK_STR (p->env.v[1], "TERM=xterm");
  CHECK_STR (p->cwd, "/home");
  CHECK (p->capabilities != NULL);
  CHECK (p->capabilities->bounding.n == 2);
  CHECK_STR (p->capabilities->bounding.v[1], "CAP_CHOWN");
  CHECK (p->capabilities->inheritable.n == 0 && p->capabilities->inheritable.v != NULL);
  CHECK (p->capabilities->ambient.n == 1);
  CHECK (p->n_rlimits == 2);
  CHECK_STR (p->rlimits[0].type, "RLIMIT_NOFILE");
  CHECK (p->rlimits[0].resource == RLIMIT_NOFILE);
  CHECK (p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096);
  CHECK (p->rlimits[1].resource == RLIMIT_CORE && p->rlimits[1].hard == UINT64_MAX);
  CHECK (p->no_new_privileges);
  CHECK_STR (p->apparmor_profile, "prof");
  CHECK (p->oom_score_adj.set && p->oom_score_adj.v == -500);
  CHECK (p->scheduler != NULL);
  CHECK_STR (p->scheduler->policy, "SCHED_BATCH");
  CHECK (p->scheduler->nice.set && p->scheduler->nice.v == -5);
  CHECK (!p->scheduler->priority.set);
  CHECK (p->scheduler->flags.n == 1);
  CHECK (p->scheduler->runtime.v == 10 && p->scheduler->deadline.v == 20);
  CHECK (p->scheduler->period.set && p->scheduler->period.v == 30);
  CHECK_STR (p->selinux_label, "system_u:system_r:container_t:s0");
  CHECK (p->io_priority != NULL && p->io_priority->priority == 4);
  CHECK_STR (p->io_priority->class_, "IOPRIO_CLASS_BE");
  CHECK (p->exec_cpu_affinity != NULL);
  CHECK_STR (p->exec_cpu_affinity->final, "1-3");
  hull_spec_free (s);
  return true;
}

static bool
test_full_top_level (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (full_config, &s, &err) == 0);
  CHECK_STR (s->root.path, "/var/lib/rootfs");
  CHECK (s->root.readonly);
  CHECK_STR (s->hostname, "box");
  CHECK_STR (s->domainname, "example.org");
  CHECK (s->n_mounts == 2);
  CHECK_STR (s->mounts[0].destination, "/proc");
  CHECK (s->mounts[0].options.v == NULL && s->mounts[0].options.n == 0);
  CHECK_STR (s->mounts[1].source, "/srv/data");
  CHECK_STR (s->mounts[1].type, "bind");
  CHECK (s->mounts[1].options.n == 2);
  CHECK_STR (s->mounts[1].options.v[1], "ro");
  CHECK (s->mounts[1].n_uid_mappings == 1 && s->mounts[1].uid_mappings[0].host_id == 100000);
  CHECK (s->mounts[1].uid_mappings[0].size == 65536);
  CHECK (s->mounts[1].n_gid_mappings == 1 && s->mounts[1].gid_mappings[0].size == 10);
  CHECK (s->hooks.prestart.n == 1);
  CHECK_STR (s->hooks.prestart.items[0].path, "/bin/pre");
  CHECK (s->hooks.prestart.items[0].args.n == 2);
  CHECK_STR (s->hooks.prestart.items[0].env.v[0], "A=1");
  CHECK (s->hooks.prestart.items[0].timeout.set && s->hooks.prestart.items[0].timeout.v == 5);
  CHECK (s->hooks.create_runtime.n == 1 && s->hooks.create_container.n == 1);
  CHECK (s->hooks.start_container.n == 1 && s->hooks.poststart.n == 1);
  CHECK (s->hooks.poststop.n == 2);
  CHECK_STR (s->hooks.poststop.items[1].path, "/bin/stop2");
  CHECK (!s->hooks.poststop.items[1].timeout.set);
  CHECK (s->annotations.n == 2);
  CHECK_STR (s->annotations.items[0].key, "org.example.key");
  CHECK_STR (s->annotations.items[0].value, "value");
  CHECK_STR (s->annotations.items[1].value, "");
  hull_spec_free (s);
  return true;
}

static bool
test_full_linux (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (full_config, &s, &err) == 0);
  hull_linux *l = s->linux_;
  CHECK (l != NULL);
  CHECK (l->n_namespaces == 8);
  CHECK (l->namespaces[1].type == HULL_NS_NETWORK);
  CHECK_STR (l->namespaces[1].path, "/var/run/netns/x");
  CHECK (l->namespaces[0].path == NULL);
  CHECK (l->namespaces[7].type == HULL_NS_TIME);
  CHECK (l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 1000);
  CHECK (l->n_gid_mappings == 2 && l->gid_mappings[1].container_id == 1);
  CHECK (l->gid_mappings[1].size == 65535);
  CHECK (l->time_monotonic.set && l->time_monotonic.secs == -10 && l->time_monotonic.nanosecs == 5);
  CHECK (l->time_boottime.set && l->time_boottime.secs == 3600 && l->time_boottime.nanosecs == 0);
  CHECK (l->n_devices == 2);
  CHECK (l->devices[0].type == 'c' && l->devices[0].major == 10 && l->devices[0].minor == 229);
  CHECK (l->devices[0].file_mode.set && l->devices[0].file_mode.v == 0666);
  CHECK (l->devices[0].uid.set && l->devices[0].gid.set);
  CHECK (l->devices[1].type == 'p' && !l->devices[1].file_mode.set);
  CHECK_STR (l->cgroups_path, "/hull/test");
  CHECK_STR (l->rootfs_propagation, "rslave");
  CHECK (l->sysctl.n == 2);
  CHECK_STR (l->sysctl.items[0].key, "net.ipv4.ip_forward");
  CHECK_STR (l->sysctl.items[0].value, "1");
  CHECK (l->masked_paths.n == 2 && l->readonly_paths.n == 1);
  CHECK_STR (l->masked_paths.v[1], "/sys/firmware");
  CHECK_STR (l->mount_label, "system_u:object_r:container_file_t:s0");
  CHECK (l->personality != NULL);
  CHECK_STR (l->personality->domain, "LINUX32");
  CHECK (l->memory_policy != NULL);
  CHECK_STR (l->memory_policy->mode, "MPOL_INTERLEAVE");
  CHECK_STR (l->memory_policy->nodes, "0-1");
  CHECK (l->memory_policy->flags.n == 1);
  CHECK (l->n_net_devices == 2);
  CHECK_STR (l->net_devices[0].name, "eth1");
  CHECK_STR (l->net_devices[0].new_name, "ceth0");
  CHECK (l->net_devices[1].new_name == NULL);
  CHECK_STR (l->intel_rdt_clos_id, "guaranteed_group");
  hull_spec_free (s);
  return true;
}

static bool
test_full_resources (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (full_config, &s, &err) == 0);
  hull_resources *r = s->linux_->resources;
  CHECK (r != NULL);
  CHECK (r->n_devices == 2);
  CHECK (!r->devices[0].allow && r->devices[0].type == NULL && !r->devices[0].major.set);
  CHECK_STR (r->devices[0].access, "rwm");
  CHECK (r->devices[1].allow && r->devices[1].minor.set && r->devices[1].minor.v == 229);
  CHECK_STR (r->devices[1].type, "c");
  CHECK (r->memory != NULL);
  CHECK (r->memory->limit.set && r->memory->limit.v == -1);
  CHECK (r->memory->reservation.v == 1048576 && r->memory->swap.v == 2097152);
  CHECK (!r->memory->kernel.set);
  CHECK (r->memory->swappiness.set && r->memory->swappiness.v == 10);
  CHECK (r->memory->disable_oom_killer.set && r->memory->disable_oom_killer.v);
  CHECK (r->memory->check_before_update.set && !r->memory->check_before_update.v);
  CHECK (!r->memory->use_hierarchy.set);
  CHECK (r->cpu != NULL && r->cpu->shares.v == 1024 && r->cpu->quota.v == 50000);
  CHECK (r->cpu->period.v == 100000 && r->cpu->burst.v == 1000);
  CHECK (r->cpu->realtime_runtime.v == 950 && r->cpu->realtime_period.v == 1000);
  CHECK_STR (r->cpu->cpus, "0-3");
  CHECK (r->cpu->idle.set && r->cpu->idle.v == 1);
  CHECK (r->pids_limit.set && r->pids_limit.v == 32);
  CHECK (r->block_io != NULL && r->block_io->weight.v == 500 && r->block_io->leaf_weight.v == 300);
  CHECK (r->block_io->n_weight_device == 1 && r->block_io->weight_device[0].weight.v == 600);
  CHECK (!r->block_io->weight_device[0].leaf_weight.set);
  CHECK (r->block_io->throttle_read_bps.n == 1 && r->block_io->throttle_read_bps.items[0].rate == 1000);
  CHECK (r->block_io->throttle_write_iops.n == 1 && r->block_io->throttle_write_iops.items[0].minor == 16);
  CHECK (r->block_io->throttle_write_bps.n == 0);
  CHECK (r->n_hugepage_limits == 1 && r->hugepage_limits[0].limit == 209715200);
  CHECK_STR (r->hugepage_limits[0].page_size, "2MB");
  CHECK (r->network != NULL && r->network->class_id.v == 1048577);
  CHECK (r->network->n_priorities == 1 && r->network->priorities[0].priority == 500);
  CHECK (r->n_rdma == 1 && r->rdma[0].hca_objects.v == 10000);
  CHECK_STR (r->rdma[0].device, "mlx5_1");
  CHECK (r->unified.n == 2);
  CHECK_STR (r->unified.items[1].value, "default 100");
  hull_spec_free (s);
  return true;
}

static bool
test_full_seccomp (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (full_config, &s, &err) == 0);
  hull_seccomp *sc = s->linux_->seccomp;
  CHECK (sc != NULL);
  CHECK_STR (sc->default_action, "SCMP_ACT_ERRNO");
  CHECK (sc->default_errno_ret.set && sc->default_errno_ret.v == 1);
  CHECK (sc->architectures.n == 2);
  CHECK (sc->flags.n == 1);
  CHECK_STR (sc->listener_path, "/run/seccomp.sock");
  CHECK_STR (sc->listener_metadata, "meta");
  CHECK (sc->n_syscalls == 4);
  CHECK (sc->syscalls[0].names.n == 2);
  CHECK_STR (sc->syscalls[0].names.v[1], "write");
  CHECK (sc->syscalls[1].n_args == 2);
  CHECK (sc->syscalls[1].args[1].index == 1 && sc->syscalls[1].args[1].value == 255);
  CHECK (sc->syscalls[1].args[1].value_two == 7);
  CHECK_STR (sc->syscalls[1].args[1].op, "SCMP_CMP_MASKED_EQ");
  CHECK (sc->syscalls[2].errno_ret.set && sc->syscalls[2].errno_ret.v == 38);
  CHECK (!sc->syscalls[0].errno_ret.set);
  hull_spec_free (s);
  return true;
}

/* ---- small valid configs ---- */

static bool
test_minimal (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q ("{" BASE "}", &s, &err) == 0);
  CHECK (s->linux_ == NULL && s->hostname == NULL && s->n_mounts == 0);
  CHECK (s->process->env.v != NULL && s->process->env.v[0] == NULL && s->process->env.n == 0);
  CHECK (s->process->user.uid == 0 && s->process->capabilities == NULL);
  CHECK (!s->process->terminal && !s->root.readonly);
  CHECK (s->annotations.n == 0 && s->hooks.poststop.n == 0);
  CHECK (hull_spec_namespace (s, HULL_NS_PID) == NULL);
  hull_spec_free (s);
  return true;
}

static bool
test_unknown_fields_ignored (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q ("{'ociVersion':'1.2.0','future':{'x':[1,2,{}]},'windows':{'layerFolders':[]},"
                  "'process':{'args':['sh'],'cwd':'/','newThing':true,"
                  "'user':{'uid':0,'gid':0,'sid':'x'}},"
                  "'root':{'path':'r','extra':1},"
                  "'linux':{'namespaces':[{'type':'pid','flags':9}],'vtpms':[]}}",
                  &s, &err) == 0);
  CHECK (s->linux_ != NULL && s->linux_->n_namespaces == 1);
  hull_spec_free (s);
  return true;
}

static bool
test_null_is_absent (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (WITH ("'hostname':null,'mounts':null,'linux':{'resources':null,"
                        "'namespaces':[{'type':'uts','path':null}]}"), &s, &err) == 0);
  CHECK (s->hostname == NULL && s->mounts == NULL);
  CHECK (s->linux_->resources == NULL && s->linux_->namespaces[0].path == NULL);
  hull_spec_free (s);
  return true;
}

static bool
test_empty_strings_are_absent (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (WITH ("'hostname':'','linux':{'cgroupsPath':'','namespaces':[{'type':'uts','path':''}]}"),
                  &s, &err) == 0);
  CHECK (s->hostname == NULL && s->linux_->cgroups_path == NULL);
  CHECK (s->linux_->namespaces[0].path == NULL);
  hull_spec_free (s);
  return true;
}

static bool
test_numbers_edges (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q ("{'ociVersion':'1.0.0-rc5','root':{'path':'r'},"
                  "'process':{'args':['sh'],'cwd':'/','user':{'uid':4294967295,'gid':-0},"
                  "'rlimits':[{'type':'RLIMIT_AS','soft':18446744073709551615,'hard':18446744073709551615}]},"
                  "'linux':{'resources':{'memory':{'limit':-9223372036854775807,'swap':9223372036854775807}}}}",
                  &s, &err) == 0);
  CHECK (s->process->user.uid == 4294967295u && s->process->user.gid == 0);
  CHECK (s->process->rlimits[0].soft == UINT64_MAX);
  CHECK (s->linux_->resources->memory->limit.v == -INT64_MAX);
  CHECK (s->linux_->resources->memory->swap.v == INT64_MAX);
  hull_spec_free (s);
  return true;
}

static bool
test_spec_namespace (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (LINUX ("'namespaces':[{'type':'mount'},{'type':'network','path':'/proc/1/ns/net'}]"),
                  &s, &err) == 0);
  const hull_namespace *ns = hull_spec_namespace (s, HULL_NS_NETWORK);
  CHECK (ns != NULL && ns->type == HULL_NS_NETWORK);
  CHECK_STR (ns->path, "/proc/1/ns/net");
  CHECK (hull_spec_namespace (s, HULL_NS_MOUNT) != NULL);
  CHECK (hull_spec_namespace (s, HULL_NS_USER) == NULL);
  CHECK (hull_spec_namespace (NULL, HULL_NS_USER) == NULL);
  hull_spec_free (s);
  return true;
}

static bool
test_ns_names (void)
{
  static const char *const names[] = {
    "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"
  };
  for (int i = 0; i < HULL_NS_COUNT; i++)
    {
      CHECK (hull_ns_type_from_name (names[i]) == i);
      CHECK_STR (hull_ns_type_name ((hull_ns_type) i), names[i]);
    }
  CHECK (hull_ns_type_from_name ("net") == -1);
  CHECK (hull_ns_type_from_name (NULL) == -1);
  CHECK (hull_ns_type_name (HULL_NS_COUNT) == NULL);
  return true;
}

static bool
test_all_rlimits (void)
{
  static const struct { const char *name; int res; } all[] = {
    { "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
    { "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
    { "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
    { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
    { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
    { "RLIMIT_RSS", RLIMIT_RSS }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
    { "RLIMIT_RTTIME", RLIMIT_RTTIME }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
    { "RLIMIT_STACK", RLIMIT_STACK },
  };
  char json[4096];
  size_t n = sizeof all / sizeof all[0];
  int len = snprintf (json, sizeof json,
                     "{'ociVersion':'1.0.2','root':{'path':'r'},'process':{'args':['x'],'cwd':'/','rlimits':[");
  for (size_t i = 0; i < n; i++)
    len += snprintf (json + len, sizeof json - (size_t) len, "%s{'type':'%s','soft':1,'hard':2}",
                     i ? "," : "", all[i].name);
  snprintf (json + len, sizeof json - (size_t) len, "]}}");

  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q (json, &s, &err) == 0);
  CHECK (s->process->n_rlimits == n);
  for (size_t i = 0; i < n; i++)
    CHECK (s->process->rlimits[i].resource == all[i].res);
  hull_spec_free (s);
  return true;
}

static bool
check_bad (size_t i)
{
  hull_spec *s = (hull_spec *) 1;
  hull_error err = { 0 };
  CHECK (parse_q (bad[i].json, &s, &err) < 0);
  CHECK (s == NULL);
  CHECK_STR (err.msg, bad[i].msg);
  return true;
}

static bool
test_nul_byte (void)
{
  static const char json[] = "{\"ociVersion\":\"1.0\0\"}";
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (hull_spec_parse (json, sizeof json - 1, "config.json", &s, &err) < 0);
  CHECK_STR (err.msg, "config.json: invalid JSON: NUL byte in input (line 1, column 19)");
  return true;
}

static bool
test_deep_nesting (void)
{
  size_t depth = 100000;
  char *json = malloc (depth * 2 + 1);
  CHECK (json != NULL);
  memset (json, '[', depth);
  memset (json + depth, ']', depth);
  json[depth * 2] = '\0';
  hull_spec *s = NULL;
  hull_error err = { 0 };
  int r = hull_spec_parse (json, depth * 2, "config.json", &s, &err);
  free (json);
  CHECK (r < 0);
  CHECK_STR (err.msg, "config.json: invalid JSON: nested deeper than 512 levels (line 1, column 513)");
  return true;
}

/* Messages quote at most HULL_SHORT_MAX bytes of a value, then "…". */
static bool
test_long_values_cut (void)
{
  enum { BIG = 100000 };
  char *big = malloc (BIG + 1), *json = malloc (BIG + 512), *want = malloc (BIG + 512);
  CHECK (big != NULL && json != NULL && want != NULL);
  hull_spec *s = NULL;
  hull_error err = { 0 };

  memset (big, '9', 5000);
  big[5000] = '\0';
  snprintf (json, BIG + 512, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
            "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":%s,\"gid\":0}}}", big);
  CHECK (hull_spec_parse (json, strlen (json), "config.json", &s, &err) < 0);
  snprintf (want, BIG + 512, "config.json: .process.user.uid: value %.100s… out of range (0..4294967295)", big);
  CHECK_STR (err.msg, want);

  memset (big, 'a', BIG);
  big[BIG] = '\0';
  snprintf (json, BIG + 512, "{" BASE ",\"hostname\":\"%s\"}", big);
  char *j = q (json);
  CHECK (hull_spec_parse (j, strlen (j), "config.json", &s, &err) < 0);
  free (j);
  CHECK_STR (err.msg, "config.json: .hostname: longer than 64 bytes");

  snprintf (json, BIG + 512, "{" BASE ",'linux':{'namespaces':[{'type':'%s'}]}}", big);
  j = q (json);
  CHECK (hull_spec_parse (j, strlen (j), "config.json", &s, &err) < 0);
  free (j);
  snprintf (want, BIG + 512, "config.json: .linux.namespaces[0].type: unknown namespace \"%.100s…\"", big);
  CHECK_STR (err.msg, want);

  /* A long key in the path is cut the same way. */
  snprintf (json, BIG + 512, "{" BASE ",'annotations':{'%s':1}}", big);
  j = q (json);
  CHECK (hull_spec_parse (j, strlen (j), "config.json", &s, &err) < 0);
  free (j);
  snprintf (want, BIG + 512, "config.json: .annotations.%.100s…: expected a string", big);
  CHECK_STR (err.msg, want);

  /* Not inside a UTF-8 character: 99 ASCII bytes, then 2-byte "é"s. */
  memset (big, 'a', 99);
  strcpy (big + 99, "éééé");
  snprintf (want, BIG + 512, "%.99s…", big);
  CHECK_STR (HULL_SHORT (big), want);
  CHECK_STR (HULL_SHORT ("short"), "short");
  free (big);
  free (json);
  free (want);
  return true;
}

static bool
test_unterminated_buffer (void)
{
  /* The parser must honour len and not read to a NUL. */
  const char *json = "{\"ociVersion\":\"1.0.0\"}garbage";
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (hull_spec_parse (json, 22, "config.json", &s, &err) < 0);
  CHECK_STR (err.msg, "config.json: .root: required field missing");
  return true;
}

/* process is OPTIONAL (config.md): absent, the spec has none; create
 * builds the container and start refuses it. */
static bool
test_no_process (void)
{
  hull_spec *s = NULL;
  hull_error err = { 0 };
  CHECK (parse_q ("{'ociVersion':'1.0.2','root':{'path':'rootfs'},'hostname':'h'}", &s, &err) == 0);
  CHECK (s->process == NULL);
  CHECK_STR (s->hostname, "h");
  hull_spec_free (s);
  /* null as absent, as Go's encoding/json (runtime-tools, runc) reads it */
  CHECK (parse_q ("{'ociVersion':'1.0.2','root':{'path':'rootfs'},'process':null}", &s, &err) == 0);
  CHECK (s->process == NULL);
  hull_spec_free (s);
  return true;
}

/* ---- hull_resources_parse ---- */

static bool
test_resources_parse (void)
{
  hull_resources *r = NULL;
  hull_error err = { 0 };
  char *j = q ("{'memory':{'limit':-1,'swap':-1},'pids':{'limit':100},'cpu':{'cpus':'0-1','shares':512},"
               "'unified':{'pids.max':'10'}}");
  CHECK (hull_resources_parse (j, strlen (j), "resources", &r, &err) == 0);
  free (j);
  CHECK (r->memory != NULL && r->memory->limit.set && r->memory->limit.v == -1);
  CHECK (r->pids_limit.set && r->pids_limit.v == 100);
  CHECK_STR (r->cpu->cpus, "0-1");
  CHECK (r->cpu->shares.v == 512 && !r->cpu->quota.set);
  CHECK (r->unified.n == 1);
  CHECK (r->block_io == NULL && r->network == NULL);
  hull_resources_free (r);
  return true;
}

static bool
test_resources_parse_errors (void)
{
  hull_resources *r = (hull_resources *) 1;
  hull_error err = { 0 };
  char *j = q ("{'cpu':{'shares':-2}}");
  CHECK (hull_resources_parse (j, strlen (j), "resources", &r, &err) < 0);
  free (j);
  CHECK (r == NULL);
  CHECK_STR (err.msg, "resources: .cpu.shares: expected a non-negative integer");
  CHECK (hull_resources_parse ("[]", 2, "resources", &r, &err) < 0);
  CHECK_STR (err.msg, "resources: expected a JSON object at the top level");
  CHECK (hull_resources_parse ("{", 1, "resources", &r, &err) < 0);
  CHECK_STR (err.msg, "resources: invalid JSON: parse error: premature EOF (line 1, column 2)");
  CHECK (hull_resources_parse ("{}", 2, "resources", &r, &err) == 0);
  CHECK (r != NULL && r->memory == NULL && !r->pids_limit.set);
  hull_resources_free (r);
  hull_resources_free (NULL);
  return true;
}

/* ---- the default template ---- */

static bool
test_default_template (void)
{
  char *json = hull_spec_default_json (false, false, 0, 0);
  CHECK (json != NULL);
  CHECK (strstr (json, "\n\t\"ociVersion\": \"1.3.0\"") != NULL);
  hull_spec *s = NULL;
  hull_error err = { 0 };
  int r = hull_spec_parse (json, strlen (json), "config.json", &s, &err);
  free (json);
  if (r < 0)
    printf ("# %s\n", err.msg);
  CHECK (r == 0);
  CHECK_STR (s->oci_version, "1.3.0");
  CHECK (s->process->terminal);
  CHECK (s->process->user.uid == 0 && s->process->user.gid == 0);
  CHECK (s->process->args.n == 1);
  CHECK_STR (s->process->args.v[0], "sh");
  CHECK (s->process->env.n == 2);
  CHECK_STR (s->process->env.v[1], "TERM=xterm");
  CHECK_STR (s->process->cwd, "/");
  CHECK (s->process->capabilities->bounding.n == 3);
  CHECK (s->process->capabilities->effective.n == 3 && s->process->capabilities->permitted.n == 3);
  CHECK (s->process->capabilities->inheritable.v == NULL && s->process->capabilities->ambient.v == NULL);
  CHECK (s->process->n_rlimits == 1 && s->process->rlimits[0].resource == RLIMIT_NOFILE);
  CHECK (s->process->rlimits[0].soft == 1024 && s->process->rlimits[0].hard == 1024);
  CHECK (s->process->no_new_privileges);
  CHECK_STR (s->root.path, "rootfs");
  CHECK (s->root.readonly);
  CHECK_STR (s->hostname, "hull");
  CHECK (s->n_mounts == 7);
  CHECK_STR (s->mounts[2].options.v[5], "gid=5");
  CHECK_STR (s->mounts[5].type, "sysfs");
  CHECK_STR (s->mounts[6].destination, "/sys/fs/cgroup");
  CHECK (s->linux_->n_namespaces == 5);
  CHECK (hull_spec_namespace (s, HULL_NS_NETWORK) != NULL);
  CHECK (hull_spec_namespace (s, HULL_NS_CGROUP) == NULL);
  CHECK (hull_spec_namespace (s, HULL_NS_USER) == NULL);
  CHECK (s->linux_->n_uid_mappings == 0);
  CHECK (s->linux_->resources != NULL && s->linux_->resources->n_devices == 1);
  CHECK (!s->linux_->resources->devices[0].allow);
  CHECK (s->linux_->masked_paths.n == 11 && s->linux_->readonly_paths.n == 5);
  hull_spec_free (s);
  return true;
}

/* runc's namespace lists, the cgroup one only when asked (cgroup v2). */
static bool
test_default_template_namespaces (void)
{
  static const struct {
    bool rootless, cgroupns;
    const char *want;
  } cases[] = {
    { false, false, "pid network ipc uts mount" },
    { false, true, "pid network ipc uts mount cgroup" },
    { true, false, "pid ipc uts mount user" },
    { true, true, "pid ipc uts mount cgroup user" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *json = hull_spec_default_json (cases[i].rootless, cases[i].cgroupns, 0, 0);
      CHECK (json != NULL);
      hull_spec *s = NULL;
      hull_error err = { 0 };
      int r = hull_spec_parse (json, strlen (json), "config.json", &s, &err);
      free (json);
      CHECK (r == 0);
      char got[128] = "";
      for (size_t j = 0; j < s->linux_->n_namespaces; j++)
        snprintf (got + strlen (got), sizeof got - strlen (got), "%s%s", j ? " " : "",
                  hull_ns_type_name (s->linux_->namespaces[j].type));
      hull_spec_free (s);
      CHECK_STR (got, cases[i].want);
    }
  return true;
}

static bool
test_default_template_rootless (void)
{
  char *json = hull_spec_default_json (true, false, 1234, 5678);
  CHECK (json != NULL);
  hull_spec *s = NULL;
  hull_error err = { 0 };
  int r = hull_spec_parse (json, strlen (json), "config.json", &s, &err);
  free (json);
  if (r < 0)
    printf ("# %s\n", err.msg);
  CHECK (r == 0);
  CHECK (s->process->terminal);
  CHECK (hull_spec_namespace (s, HULL_NS_USER) != NULL);
  CHECK (hull_spec_namespace (s, HULL_NS_NETWORK) == NULL);
  CHECK (hull_spec_namespace (s, HULL_NS_CGROUP) == NULL);
  CHECK (hull_spec_namespace (s, HULL_NS_PID) != NULL);
  CHECK (s->linux_->n_uid_mappings == 1 && s->linux_->uid_mappings[0].host_id == 1234);
  CHECK (s->linux_->uid_mappings[0].container_id == 0 && s->linux_->uid_mappings[0].size == 1);
  CHECK (s->linux_->n_gid_mappings == 1 && s->linux_->gid_mappings[0].host_id == 5678);
  CHECK (s->linux_->resources == NULL);
  CHECK (s->n_mounts == 6);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      CHECK (strcmp (s->mounts[i].destination, "/sys/fs/cgroup") != 0);
      for (size_t j = 0; j < s->mounts[i].options.n; j++)
        CHECK (strncmp (s->mounts[i].options.v[j], "gid=", 4) != 0);
    }
  CHECK_STR (s->mounts[5].destination, "/sys");
  CHECK_STR (s->mounts[5].source, "/sys");
  CHECK_STR (s->mounts[5].options.v[0], "rbind");
  hull_spec_free (s);
  return true;
}

/* ---- files ---- */

static bool
test_load_file (void)
{
  char path[] = "/tmp/hull-spec-test-XXXXXX";
  int fd = mkstemp (path);
  CHECK (fd >= 0);
  char *json = hull_spec_default_json (false, false, 0, 0);
  size_t len = strlen (json);
  bool wrote = write (fd, json, len) == (ssize_t) len;
  close (fd);
  free (json);
  hull_spec *s = NULL;
  hull_error err = { 0 };
  int r = hull_spec_load (path, "config.json", &s, &err);
  unlink (path);
  CHECK (wrote);
  CHECK (r == 0 && s != NULL);
  CHECK_STR (s->hostname, "hull");
  hull_spec_free (s);

  s = (hull_spec *) 1;
  CHECK (hull_spec_load ("/nonexistent/config.json", "config.json", &s, &err) < 0);
  CHECK (s == NULL);
  CHECK (strstr (err.msg, "/nonexistent/config.json") != NULL);
  hull_spec_free (NULL);
  return true;
}

static int
parse_process_q (const char *json, hull_process **out, hull_error *err)
{
  char *j = q (json);
  int r = hull_process_parse (j, strlen (j), "proc.json", out, err);
  free (j);
  return r;
}

/* exec --process: a lone process object, the same checks as .process,
 * messages with the file's name and the path inside it. */
static bool
test_process_parse (void)
{
  hull_process *p = NULL;
  hull_error err = { 0 };
  CHECK (parse_process_q ("{'args': ['sh', '-c', 'true'], 'cwd': '/tmp', 'env': ['A=1'],"
                          " 'user': {'uid': 7, 'gid': 8, 'additionalGids': [9]},"
                          " 'capabilities': {'bounding': ['CAP_CHOWN']}}",
                          &p, &err) == 0);
  CHECK (p->args.n == 3);
  CHECK_STR (p->args.v[2], "true");
  CHECK_STR (p->cwd, "/tmp");
  CHECK (p->env.n == 1);
  CHECK (p->user.uid == 7 && p->user.gid == 8);
  CHECK (p->user.n_additional_gids == 1 && p->user.additional_gids[0] == 9);
  CHECK (p->capabilities && p->capabilities->bounding.n == 1);
  hull_process_free (p);

  /* No env: still a vector execve can take. */
  CHECK (parse_process_q ("{'args': ['true'], 'cwd': '/'}", &p, &err) == 0);
  CHECK (p->env.v != NULL && p->env.v[0] == NULL);
  hull_process_free (p);

  static const struct { const char *json, *msg; } bad_procs[] = {
    { "{'args': [], 'cwd': '/'}", "proc.json: .args: expected a non-empty array" },
    { "{'cwd': '/'}", "proc.json: .args: required field missing" },
    { "{'args': ['true'], 'cwd': 'tmp'}",
      "proc.json: .cwd: expected an absolute path, got \"tmp\"" },
    { "{'args': ['true'], 'cwd': '/', 'user': {'uid': -1, 'gid': 0}}", "proc.json: .user.uid: " },
    { "['true']", "proc.json: expected an object" },
    { "{'args': ['true'], 'cwd': '/'", "proc.json: invalid JSON" },
    { "{'args': ['true'], 'cwd': '/', 'capabilities': {'permitted': ['CAP_NOPE']}}",
      "proc.json: .capabilities.permitted[0]: unknown capability \"CAP_NOPE\"" },
  };
  for (size_t i = 0; i < sizeof bad_procs / sizeof bad_procs[0]; i++)
    {
      p = NULL;
      memset (&err, 0, sizeof err);
      CHECK (parse_process_q (bad_procs[i].json, &p, &err) < 0);
      CHECK (p == NULL);
      if (strncmp (err.msg, bad_procs[i].msg, strlen (bad_procs[i].msg)) != 0)
        {
          printf ("# got \"%s\"\n#   expected a start \"%s\"\n", err.msg, bad_procs[i].msg);
          return false;
        }
    }
  return true;
}

/* config.json.example at the top of the tree must stay valid. */
static bool
test_example_config (void)
{
  const char *srcdir = getenv ("srcdir");
  char path[4096];
  snprintf (path, sizeof path, "%s/config.json.example", srcdir ? srcdir : ".");
  if (access (path, R_OK) != 0)
    {
      printf ("# %s not found, nothing to check\n", path);
      return true;
    }
  hull_spec *s = NULL;
  hull_error err = { 0 };
  int r = hull_spec_load (path, "config.json.example", &s, &err);
  if (r < 0)
    printf ("# %s\n", err.msg);
  CHECK (r == 0);
  CHECK (!s->process->terminal);
  CHECK_STR (s->root.path, "rootfs");
  hull_spec_free (s);
  return true;
}

int
main (void)
{
  RUN (test_full_process);
  RUN (test_full_top_level);
  RUN (test_full_linux);
  RUN (test_full_resources);
  RUN (test_full_seccomp);
  RUN (test_minimal);
  RUN (test_no_process);
  RUN (test_unknown_fields_ignored);
  RUN (test_null_is_absent);
  RUN (test_empty_strings_are_absent);
  RUN (test_numbers_edges);
  RUN (test_spec_namespace);
  RUN (test_ns_names);
  RUN (test_all_rlimits);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char name[256];
      snprintf (name, sizeof name, "rejects: %s", bad[i].name);
      report (name, check_bad (i));
    }
  RUN (test_nul_byte);
  RUN (test_deep_nesting);
  RUN (test_unterminated_buffer);
  RUN (test_long_values_cut);
  RUN (test_resources_parse);
  RUN (test_resources_parse_errors);
  RUN (test_default_template);
  RUN (test_default_template_rootless);
  RUN (test_default_template_namespaces);
  RUN (test_load_file);
  RUN (test_example_config);
  RUN (test_process_parse);
  printf ("1..%d\n", n_run);
  return n_failed == 0 ? 0 : 1;
}
