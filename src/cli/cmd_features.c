/* features: what this build of hull supports, as the runtime-spec
 * features document (features.md) defines it. */
#include "config.h"
#include "cli/cli.h"
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <yajl/yajl_gen.h>
#include "linux/idmap.h"
#include "linux/lsm.h"
#include "linux/security.h"

/* Whether config.json's linux.seccomp is applied: init loads the filter
 * (src/linux/seccomp.c), so report it with the actions, operators and
 * architectures. */
static const bool seccomp_enforced = true;

static const char features_help[] =
  "Usage: hull features\n"
  "\n"
  "Print the features this runtime supports as JSON (the OCI runtime-spec\n"
  "features document): supported spec versions, hooks, mount options,\n"
  "namespaces, capabilities, cgroup versions and security modules.\n"
  "\n"
  "Options:\n"
  "  -h, --help    show this help\n";

static const struct option features_options[] = {
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* In runtime-spec order (features.md lists them so). */
static const char *const hooks[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};
static const size_t n_hooks = sizeof hooks / sizeof hooks[0];

/* The options the rootfs code understands, sorted like runc's list. */
static const char *const mount_options[] = {
  "async",       "atime",        "bind",         "defaults",     "dev",         "diratime",
  "dirsync",     "exec",         "idmap",        "lazytime",     "loud",        "mand",
  "noatime",     "nodev",        "nodiratime",   "noexec",       "nolazytime",  "nomand",
  "norelatime",  "nostrictatime", "nosuid",      "nosymfollow",  "private",     "ratime",
  "rbind",       "rdev",         "rdiratime",    "relatime",     "remount",     "rexec",
  "ridmap",      "rnoatime",     "rnodev",       "rnodiratime",  "rnoexec",     "rnorelatime",
  "rnostrictatime", "rnosuid",   "rnosymfollow", "ro",           "rprivate",    "rrelatime",
  "rro",         "rrw",          "rshared",      "rslave",       "rstrictatime", "rsuid",
  "rsymfollow",  "runbindable",  "rw",           "shared",       "silent",      "slave",
  "strictatime", "suid",         "symfollow",    "sync",         "tmpcopyup",   "unbindable",
};

static const char *const namespaces[] = {
  "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
};

static const char *const seccomp_actions[] = {
  "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
  "SCMP_ACT_TRAP",
};

static const char *const seccomp_operators[] = {
  "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
  "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
};

/* libseccomp names; those this libseccomp resolves are reported, as
 * SCMP_ARCH_<NAME> (sorted by that name). */
static const char *const seccomp_archs[] = {
  "aarch64",  "arm",      "loongarch64", "m68k",  "mips",   "mips64", "mips64n32",
  "mipsel",   "mipsel64", "mipsel64n32", "parisc", "parisc64", "ppc",  "ppc64",
  "ppc64le",  "riscv64",  "s390",        "s390x", "sh",     "sheb",   "x32",
  "x86",      "x86_64",
};

#define N(a) (sizeof (a) / sizeof (a)[0])

static void
gen_str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static void
gen_str_array (yajl_gen g, const char *key, const char *const *items, size_t n)
{
  gen_str (g, key);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    gen_str (g, items[i]);
  yajl_gen_array_close (g);
}

static void
gen_bool (yajl_gen g, const char *key, bool v)
{
  gen_str (g, key);
  yajl_gen_bool (g, v);
}

/* {"enabled": v} */
static void
gen_enabled (yajl_gen g, const char *key, bool v)
{
  gen_str (g, key);
  yajl_gen_map_open (g);
  gen_bool (g, "enabled", v);
  yajl_gen_map_close (g);
}

/* The capability names libcap knows, "CAP_CHOWN" style. */
static void
gen_capabilities (yajl_gen g)
{
  gen_str (g, "capabilities");
  yajl_gen_array_open (g);
  for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++)
    {
      char *name = cap_to_name (cap);
      if (name == NULL)
        continue;
      /* Unknown to libcap: it returns the number. */
      if (strncmp (name, "cap_", 4) == 0)
        {
          char upper[64];
          size_t i;
          for (i = 0; name[i] && i < sizeof upper - 1; i++)
            upper[i] = (char) toupper ((unsigned char) name[i]);
          upper[i] = '\0';
          gen_str (g, upper);
        }
      cap_free (name);
    }
  yajl_gen_array_close (g);
}

static void
gen_seccomp (yajl_gen g)
{
  gen_str (g, "seccomp");
  yajl_gen_map_open (g);
  gen_bool (g, "enabled", seccomp_enforced);
  if (seccomp_enforced)
    {
      gen_str_array (g, "actions", seccomp_actions, N (seccomp_actions));
      gen_str_array (g, "operators", seccomp_operators, N (seccomp_operators));
      gen_str (g, "archs");
      yajl_gen_array_open (g);
      for (size_t i = 0; i < N (seccomp_archs); i++)
        if (seccomp_arch_resolve_name (seccomp_archs[i]) != 0)
          {
            char name[64] = "SCMP_ARCH_";
            size_t len = strlen (name);
            for (const char *p = seccomp_archs[i]; *p && len < sizeof name - 1; p++)
              name[len++] = (char) toupper ((unsigned char) *p);
            name[len] = '\0';
            gen_str (g, name);
          }
      yajl_gen_array_close (g);
      gen_str (g, "knownFlags");
      yajl_gen_array_open (g);
      for (size_t i = 0; hull_seccomp_flag_name (i); i++)
        gen_str (g, hull_seccomp_flag_name (i));
      yajl_gen_array_close (g);
      gen_str (g, "supportedFlags");
      yajl_gen_array_open (g);
      for (size_t i = 0; hull_seccomp_flag_name (i); i++)
        if (hull_seccomp_flag_supported (i))
          gen_str (g, hull_seccomp_flag_name (i));
      yajl_gen_array_close (g);
    }
  yajl_gen_map_close (g);
}

static void
gen_linux (yajl_gen g)
{
  gen_str (g, "linux");
  yajl_gen_map_open (g);
  gen_str_array (g, "namespaces", namespaces, N (namespaces));
  gen_capabilities (g);

  gen_str (g, "cgroup");
  yajl_gen_map_open (g);
  gen_bool (g, "v1", true);
  gen_bool (g, "v2", true);
  gen_bool (g, "systemd", false);
  gen_bool (g, "systemdUser", false);
  gen_bool (g, "rdma", true);
  yajl_gen_map_close (g);

  gen_seccomp (g);
  gen_enabled (g, "apparmor", hull_lsm_apparmor_enabled ());
  gen_enabled (g, "selinux", hull_lsm_selinux_enabled ());
  gen_enabled (g, "intelRdt", false);

  gen_str (g, "mountExtensions");
  yajl_gen_map_open (g);
  gen_enabled (g, "idmap", hull_idmap_supported ());
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

int
cmd_features (const hull_context *ctx, int argc, char **argv)
{
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":h", features_options, NULL)) != -1)
    {
      if (c == 'h')
        return cli_usage (features_help);
      return cli_bad_option ("features", c, argv);
    }
  if (cli_check_args ("features", argc - optind, 0, 0) != 0)
    return 1;

  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return cli_error ("features: out of memory");
  /* Four-space indentation, as runc prints it. */
  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_map_open (g);
  gen_str (g, "ociVersionMin");
  gen_str (g, "1.0.0");
  gen_str (g, "ociVersionMax");
  gen_str (g, HULL_SPEC_VERSION);
  gen_str_array (g, "hooks", hooks, n_hooks);
  gen_str_array (g, "mountOptions", mount_options, N (mount_options));
  gen_linux (g);

  gen_str (g, "annotations");
  yajl_gen_map_open (g);
  const struct scmp_version *v = seccomp_version ();
  if (v)
    {
      char version[48];
      snprintf (version, sizeof version, "%u.%u.%u", v->major, v->minor, v->micro);
      gen_str (g, "io.github.seccomp.libseccomp.version");
      gen_str (g, version);
    }
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);

  const unsigned char *buf;
  size_t len;
  int ret = 0;
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    fwrite (buf, 1, len, stdout);
  else
    ret = cli_error ("features: cannot generate JSON");
  yajl_gen_free (g);
  if (ret == 0 && fflush (stdout) != 0)
    ret = cli_error ("features: write: %s", strerror (errno));
  return ret;
}
