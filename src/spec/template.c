/* The config.json `hull spec` writes: runc's example spec (an interactive
 * `sh` on a terminal, which a foreground `hull run` relays), except that
 * the hostname is "hull". Key order follows runc's output. */
#include "config.h"
#include <hull/spec.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static const char *const default_caps[] = {
  "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL
};

static const char *const masked_paths[] = {
  "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
  "/proc/scsi", "/sys/devices/virtual/tpm", NULL
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL
};

static void
str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static void
kv (yajl_gen g, const char *key, const char *value)
{
  str (g, key);
  str (g, value);
}

static void
kint (yajl_gen g, const char *key, long long value)
{
  str (g, key);
  yajl_gen_integer (g, value);
}

static void
kbool (yajl_gen g, const char *key, bool value)
{
  str (g, key);
  yajl_gen_bool (g, value);
}

static void
karray (yajl_gen g, const char *key, const char *const *list)
{
  str (g, key);
  yajl_gen_array_open (g);
  for (; *list; list++)
    str (g, *list);
  yajl_gen_array_close (g);
}

static void
gen_process (yajl_gen g)
{
  static const char *const args[] = { "sh", NULL };
  static const char *const env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL
  };

  str (g, "process");
  yajl_gen_map_open (g);
  kbool (g, "terminal", true);
  str (g, "user");
  yajl_gen_map_open (g);
  kint (g, "uid", 0);
  kint (g, "gid", 0);
  yajl_gen_map_close (g);
  karray (g, "args", args);
  karray (g, "env", env);
  kv (g, "cwd", "/");
  str (g, "capabilities");
  yajl_gen_map_open (g);
  karray (g, "bounding", default_caps);
  karray (g, "effective", default_caps);
  karray (g, "permitted", default_caps);
  yajl_gen_map_close (g);
  str (g, "rlimits");
  yajl_gen_array_open (g);
  yajl_gen_map_open (g);
  kv (g, "type", "RLIMIT_NOFILE");
  kint (g, "hard", 1024);
  kint (g, "soft", 1024);
  yajl_gen_map_close (g);
  yajl_gen_array_close (g);
  kbool (g, "noNewPrivileges", true);
  yajl_gen_map_close (g);
}

static void
gen_mount (yajl_gen g, const char *dest, const char *type, const char *source,
           const char *const *options)
{
  yajl_gen_map_open (g);
  kv (g, "destination", dest);
  kv (g, "type", type);
  kv (g, "source", source);
  if (options != NULL)
    karray (g, "options", options);
  yajl_gen_map_close (g);
}

static void
gen_mounts (yajl_gen g, bool rootless)
{
  static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  static const char *const pts[] = {
    "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL
  };
  /* A rootless container cannot map gid 5 (tty): only its own gid exists. */
  static const char *const pts_rootless[] = {
    "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL
  };
  static const char *const shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
  static const char *const mqueue[] = { "nosuid", "noexec", "nodev", NULL };
  static const char *const sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
  /* Without a network namespace of its own, sysfs cannot be mounted fresh. */
  static const char *const sys_rootless[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
  static const char *const cgroup[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };

  str (g, "mounts");
  yajl_gen_array_open (g);
  gen_mount (g, "/proc", "proc", "proc", NULL);
  gen_mount (g, "/dev", "tmpfs", "tmpfs", dev);
  gen_mount (g, "/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts);
  gen_mount (g, "/dev/shm", "tmpfs", "shm", shm);
  gen_mount (g, "/dev/mqueue", "mqueue", "mqueue", mqueue);
  if (rootless)
    gen_mount (g, "/sys", "none", "/sys", sys_rootless);
  else
    {
      gen_mount (g, "/sys", "sysfs", "sysfs", sys);
      gen_mount (g, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
    }
  yajl_gen_array_close (g);
}

static void
gen_mapping (yajl_gen g, const char *key, unsigned long long host_id)
{
  str (g, key);
  yajl_gen_array_open (g);
  yajl_gen_map_open (g);
  kint (g, "containerID", 0);
  kint (g, "hostID", (long long) host_id);
  kint (g, "size", 1);
  yajl_gen_map_close (g);
  yajl_gen_array_close (g);
}

static void
gen_linux (yajl_gen g, bool rootless, bool cgroupns, uid_t uid, gid_t gid)
{
  /* runc's lists: the cgroup namespace on a cgroup v2 host only, the user
   * namespace last. */
  const char *namespaces[8];
  size_t n = 0;
  namespaces[n++] = "pid";
  if (!rootless)
    namespaces[n++] = "network";
  namespaces[n++] = "ipc";
  namespaces[n++] = "uts";
  namespaces[n++] = "mount";
  if (cgroupns)
    namespaces[n++] = "cgroup";
  if (rootless)
    namespaces[n++] = "user";
  namespaces[n] = NULL;

  str (g, "linux");
  yajl_gen_map_open (g);
  if (rootless)
    {
      gen_mapping (g, "uidMappings", uid);
      gen_mapping (g, "gidMappings", gid);
    }
  else
    {
      /* Deny all devices by default; the runtime adds the standard ones. */
      str (g, "resources");
      yajl_gen_map_open (g);
      str (g, "devices");
      yajl_gen_array_open (g);
      yajl_gen_map_open (g);
      kbool (g, "allow", false);
      kv (g, "access", "rwm");
      yajl_gen_map_close (g);
      yajl_gen_array_close (g);
      yajl_gen_map_close (g);
    }
  str (g, "namespaces");
  yajl_gen_array_open (g);
  for (const char *const *ns = namespaces; *ns; ns++)
    {
      yajl_gen_map_open (g);
      kv (g, "type", *ns);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  karray (g, "maskedPaths", masked_paths);
  karray (g, "readonlyPaths", readonly_paths);
  yajl_gen_map_close (g);
}

char *
hull_spec_default_json (bool rootless, bool cgroupns, uid_t uid, gid_t gid)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_config (g, yajl_gen_indent_string, "\t");

  yajl_gen_map_open (g);
  kv (g, "ociVersion", "1.3.0");
  gen_process (g);
  str (g, "root");
  yajl_gen_map_open (g);
  kv (g, "path", "rootfs");
  kbool (g, "readonly", true);
  yajl_gen_map_close (g);
  kv (g, "hostname", "hull");
  gen_mounts (g, rootless);
  gen_linux (g, rootless, cgroupns, uid, gid);
  yajl_gen_map_close (g);

  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  /* The unit tests parse this text back, which catches generator misuse. */
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    {
      out = malloc (len + 1);
      if (out != NULL)
        {
          memcpy (out, buf, len);
          out[len] = '\0';
        }
    }
  yajl_gen_free (g);
  return out;
}
