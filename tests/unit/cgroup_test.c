/* Unit tests for the cgroup path logic: mountinfo parsing, the mapping of
 * /proc/self/cgroup + cgroupsPath to directories, systemd slice expansion,
 * state JSON and the v1 cpuset copy (on plain files). TAP output. */
#include "config.h"
#include "tap.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char mountinfo[] =
  "22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
  "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
  "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
  "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children\n"
  "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
  "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/lib/systemd/x,name=systemd\n"
  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
  "50 1 0:32 /process_api /mnt/my\\040mem rw - cgroup cgroup rw,memory\n"
  "garbage line\n"
  "51 1 0:39 /sub /weird rw - cgroup cgroup rw,pids";

static const char proc_cgroup[] =
  "9:name=systemd:/\n"
  "8:pids:/sub/inner\n"
  "4:memory:/process_api/5d15\n"
  "3:cpuset:/\n"
  "2:cpu,cpuacct:/user.slice\n"
  "0::/\n";

static hull_cg_hierarchy
hier (const char *ctrl, const char *mp, const char *root, bool v2)
{
  return (hull_cg_hierarchy) { .controllers = (char *) ctrl, .mount_point = (char *) mp,
                               .root = (char *) root, .v2 = v2 };
}

static void
test_mountinfo (void)
{
  hull_cg_hierarchy *h = NULL;
  size_t n = 0;
  hull_error err = { 0 };
  int r = hull_cg_v1_hierarchies (mountinfo, &h, &n, &err);
  ok (r == 0 && n == 5, "v1 hierarchies found: 4 distinct plus pids (n=%zu)", n);
  if (r == 0 && n == 5)
    {
      ok (streq (h[0].controllers, "cpu,cpuacct") && streq (h[0].mount_point, "/sys/fs/cgroup/cpu,cpuacct"),
          "co-mounted cpu,cpuacct");
      ok (streq (h[1].controllers, "cpuset"), "clone_children is not a controller");
      ok (streq (h[2].controllers, "memory") && streq (h[2].mount_point, "/sys/fs/cgroup/memory")
          && streq (h[2].root, "/"), "bind mount elsewhere does not replace /sys/fs/cgroup/memory");
      ok (streq (h[3].controllers, "name=systemd"), "named hierarchy, release_agent/xattr dropped");
      ok (streq (h[4].mount_point, "/weird") && streq (h[4].root, "/sub"), "root field kept");
      ok (!h[0].v2 && !h[4].v2, "v1 entries are not v2");
    }
  hull_cg_hierarchies_free (h, n);

  /* The first memory mount is the odd one: the later one under /sys wins. */
  static const char swapped[] =
    "50 1 0:32 /x /mnt/my\\040mem rw - cgroup cgroup rw,memory\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
  r = hull_cg_v1_hierarchies (swapped, &h, &n, &err);
  ok (r == 0 && n == 1 && streq (h[0].mount_point, "/sys/fs/cgroup/memory") && streq (h[0].root, "/"),
      "mount under /sys/fs/cgroup preferred");
  hull_cg_hierarchies_free (h, n);

  static const char escaped[] = "50 1 0:32 / /mnt/my\\040mem rw - cgroup cgroup rw,memory\n";
  r = hull_cg_v1_hierarchies (escaped, &h, &n, &err);
  ok (r == 0 && n == 1 && streq (h[0].mount_point, "/mnt/my mem"), "octal escapes decoded");
  hull_cg_hierarchies_free (h, n);

  hull_cg_hierarchy u;
  r = hull_cg_v2_hierarchy (mountinfo, "/sys/fs/cgroup/unified", &u, &err);
  ok (r == 0 && u.v2 && streq (u.controllers, "") && streq (u.root, "/")
      && streq (u.mount_point, "/sys/fs/cgroup/unified"), "unified hierarchy found");
  if (r == 0)
    {
      free (u.controllers);
      free (u.mount_point);
      free (u.root);
    }
}

/* Computes and compares every directory; NULL expect = must fail with
 * a message containing want_err. */
static void
check_dirs (const char *name, const char *pc, const hull_cg_hierarchy *h, size_t n,
            const char *path, const char *id, bool systemd, const char *const *expect,
            const char *want_err)
{
  char **dirs = NULL;
  hull_error err = { 0 };
  int r = hull_cg_compute_dirs (pc, h, n, path, id, systemd, &dirs, &err);
  if (expect == NULL)
    {
      bool good = r < 0 && strstr (err.msg, want_err) != NULL;
      if (!good)
        printf ("#   r=%d msg=%s\n", r, err.msg);
      ok (good, "%s", name);
      return;
    }
  bool good = r == 0;
  if (!good)
    printf ("#   error: %s\n", err.msg);
  for (size_t i = 0; good && i < n; i++)
    good = streq (dirs[i], expect[i]);
  ok (good, "%s", name);
  if (r == 0)
    hull_cg_free_strs (dirs, n);
}

static void
test_paths (void)
{
  hull_cg_hierarchy hy[] = {
    hier ("cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct", "/", false),
    hier ("memory", "/sys/fs/cgroup/memory", "/", false),
    hier ("name=systemd", "/sys/fs/cgroup/systemd", "/", false),
    hier ("", "/sys/fs/cgroup/unified", "/", true),
  };
  size_t n = sizeof hy / sizeof hy[0];

  check_dirs ("default path nests under the caller's cgroup per hierarchy", proc_cgroup, hy, n,
              NULL, "abc", false,
              (const char *const[]) { "/sys/fs/cgroup/cpu,cpuacct/user.slice/hull/abc",
                                      "/sys/fs/cgroup/memory/process_api/5d15/hull/abc",
                                      "/sys/fs/cgroup/systemd/hull/abc",
                                      "/sys/fs/cgroup/unified/hull/abc" }, NULL);
  check_dirs ("empty cgroupsPath is the default", proc_cgroup, hy, n, "", "abc", false,
              (const char *const[]) { "/sys/fs/cgroup/cpu,cpuacct/user.slice/hull/abc",
                                      "/sys/fs/cgroup/memory/process_api/5d15/hull/abc",
                                      "/sys/fs/cgroup/systemd/hull/abc",
                                      "/sys/fs/cgroup/unified/hull/abc" }, NULL);
  check_dirs ("relative path cleaned", proc_cgroup, hy, n, "a//b/./c/", "abc", false,
              (const char *const[]) { "/sys/fs/cgroup/cpu,cpuacct/user.slice/a/b/c",
                                      "/sys/fs/cgroup/memory/process_api/5d15/a/b/c",
                                      "/sys/fs/cgroup/systemd/a/b/c",
                                      "/sys/fs/cgroup/unified/a/b/c" }, NULL);
  check_dirs ("absolute path used as given", proc_cgroup, hy, n, "/process_api/5d15/x", "abc", false,
              (const char *const[]) { "/sys/fs/cgroup/cpu,cpuacct/process_api/5d15/x",
                                      "/sys/fs/cgroup/memory/process_api/5d15/x",
                                      "/sys/fs/cgroup/systemd/process_api/5d15/x",
                                      "/sys/fs/cgroup/unified/process_api/5d15/x" }, NULL);
  check_dirs ("\"..\" refused", proc_cgroup, hy, n, "a/../../b", "abc", false, NULL,
              "\"..\" is not allowed");
  check_dirs ("\"..\" refused in absolute paths", proc_cgroup, hy, n, "/a/..", "abc", false, NULL,
              "\"..\" is not allowed");
  check_dirs ("systemd path needs the systemd manager", proc_cgroup, hy, n,
              "system.slice:hull:abc", "abc", false, NULL,
              "systemd cgroup path \"system.slice:hull:abc\" requires the systemd cgroup manager");
  check_dirs ("one colon is a plain name", proc_cgroup, hy, 1, "a:b", "abc", false,
              (const char *const[]) { "/sys/fs/cgroup/cpu,cpuacct/user.slice/a:b" }, NULL);
  check_dirs ("bad id for the default path", proc_cgroup, hy, n, NULL, "a/b", false, NULL,
              "cannot name a cgroup");
  check_dirs ("systemd manager: slice path is absolute", proc_cgroup, hy, 2,
              "user.slice:hull:abc", "abc", true,
              (const char *const[]) { "/sys/fs/cgroup/cpu,cpuacct/user.slice/hull-abc.scope",
                                      "/sys/fs/cgroup/memory/user.slice/hull-abc.scope" }, NULL);
  check_dirs ("systemd manager: default", proc_cgroup, hy, 1, NULL, "abc", true,
              (const char *const[]) { "/sys/fs/cgroup/cpu,cpuacct/system.slice/hull-abc.scope" }, NULL);
  check_dirs ("systemd manager: plain path refused", proc_cgroup, hy, 1, "/a/b", "abc", true, NULL,
              "expected \"slice:prefix:name\"");

  hull_cg_hierarchy pids[] = { hier ("pids", "/weird", "/sub", false) };
  check_dirs ("mount root stripped from the caller's path", proc_cgroup, pids, 1, NULL, "abc", false,
              (const char *const[]) { "/weird/inner/hull/abc" }, NULL);
  hull_cg_hierarchy other_root[] = { hier ("pids", "/weird", "/elsewhere", false) };
  check_dirs ("caller outside the mounted root", proc_cgroup, other_root, 1, NULL, "abc", false,
              NULL, "is not under /elsewhere");
  hull_cg_hierarchy blkio[] = { hier ("blkio", "/sys/fs/cgroup/blkio", "/", false) };
  check_dirs ("no /proc/self/cgroup line for the hierarchy", proc_cgroup, blkio, 1, NULL, "abc",
              false, NULL, "no entry for the blkio hierarchy");
  check_dirs ("absolute path needs no /proc/self/cgroup line", proc_cgroup, blkio, 1, "/x", "abc",
              false, (const char *const[]) { "/sys/fs/cgroup/blkio/x" }, NULL);
  check_dirs ("absolute \"/\" is the hierarchy root", proc_cgroup, blkio, 1, "/", "abc",
              false, (const char *const[]) { "/sys/fs/cgroup/blkio" }, NULL);

  hull_cg_hierarchy v2[] = { hier ("", "/sys/fs/cgroup", "/", true) };
  check_dirs ("pure v2 uses the 0:: line", "0::/user.slice/session-1.scope\n", v2, 1, NULL, "abc",
              false, (const char *const[]) { "/sys/fs/cgroup/user.slice/session-1.scope/hull/abc" }, NULL);
  check_dirs ("v1 line does not satisfy the unified hierarchy", "4:memory:/x\n", v2, 1, NULL, "abc",
              false, NULL, "no entry for the unified hierarchy");
  hull_cg_hierarchy mem[] = { hier ("memory", "/sys/fs/cgroup/memory", "/", false) };
  check_dirs ("unified line does not satisfy a v1 hierarchy", "0::/x\n", mem, 1, NULL, "abc",
              false, NULL, "no entry for the memory hierarchy");
  check_dirs ("co-mounted line matches by any controller", "7:cpu,memory:/c\n", mem, 1, NULL, "abc",
              false, (const char *const[]) { "/sys/fs/cgroup/memory/c/hull/abc" }, NULL);
}

static void
check_systemd (const char *in, const char *expect)
{
  cleanup_free char *out = NULL;
  hull_error err = { 0 };
  int r = hull_cg_systemd_path (in, &out, &err);
  if (expect)
    ok (r == 0 && streq (out, expect), "systemd path %s", in);
  else
    ok (r < 0 && err.msg[0] != '\0', "systemd path %s refused (%s)", in, err.msg);
}

static void
test_systemd (void)
{
  check_systemd ("system.slice:hull:abc", "/system.slice/hull-abc.scope");
  check_systemd ("a-b-c.slice:p:n", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope");
  check_systemd ("-.slice:p:n", "/p-n.scope");
  check_systemd (":p:n", "/system.slice/p-n.scope");
  check_systemd ("machine.slice::n", "/machine.slice/n.scope");
  check_systemd ("machine.slice:p:x.slice", "/machine.slice/x.slice");
  check_systemd ("nosuffix:p:n", NULL);
  check_systemd ("a--b.slice:p:n", NULL);
  check_systemd ("-a.slice:p:n", NULL);
  check_systemd ("machine.slice:p:", NULL);
  check_systemd ("a/b.slice:p:n", NULL);
}

static void
test_json (void)
{
  hull_cgroup_dir dirs[] = {
    { .controller = "memory", .path = "/sys/fs/cgroup/memory/p/hull/abc", .created = true,
      .top = "/sys/fs/cgroup/memory/p/hull" },
    { .controller = "name=systemd", .path = "/sys/fs/cgroup/systemd/x" },
    { .controller = "", .path = "/sys/fs/cgroup/unified/hull/abc", .created = true,
      .top = "/sys/fs/cgroup/unified/hull/abc" },
  };
  hull_cgroup cg = { HULL_CGROUP_LAYOUT_HYBRID, dirs, 3 };
  cleanup_free char *json = hull_cgroup_to_json (&cg);
  ok (json != NULL, "to_json: %s", json ? json : "(null)");
  if (json == NULL)
    return;
  hull_cgroup *back = NULL;
  hull_error err = { 0 };
  int r = hull_cgroup_from_json (json, &back, &err);
  bool same = r == 0 && back->layout == cg.layout && back->n_dirs == 3;
  for (size_t i = 0; same && i < 3; i++)
    same = streq (back->dirs[i].controller, dirs[i].controller)
           && streq (back->dirs[i].path, dirs[i].path) && back->dirs[i].created == dirs[i].created
           && (dirs[i].top ? streq (back->dirs[i].top, dirs[i].top) : back->dirs[i].top == NULL);
  ok (same, "round trip (%s)", r < 0 ? err.msg : "ok");
  hull_cgroup_free (back);

  hull_cgroup empty = { .layout = HULL_CGROUP_LAYOUT_V2 };
  cleanup_free char *ej = hull_cgroup_to_json (&empty);
  r = ej ? hull_cgroup_from_json (ej, &back, &err) : -1;
  ok (r == 0 && back->n_dirs == 0 && back->layout == HULL_CGROUP_LAYOUT_V2, "empty (disabled) round trip");
  if (r == 0)
    hull_cgroup_free (back);

  r = hull_cgroup_from_json ("{\"layout\":\"v1\",\"dirs\":[{\"controller\":\"pids\",\"path\":\"/a/b\",\"created\":true}]}",
                             &back, &err);
  ok (r == 0 && streq (back->dirs[0].top, "/a/b"), "missing top defaults to the leaf");
  if (r == 0)
    hull_cgroup_free (back);

  static const struct { const char *json, *msg; } bad[] = {
    { "{", "invalid JSON" },
    { "[]", "expected an object" },
    { "{\"layout\":\"v3\",\"dirs\":[]}", ".layout" },
    { "{\"layout\":\"v1\"}", ".dirs: expected an array" },
    { "{\"layout\":\"v1\",\"dirs\":[1]}", ".dirs[0]: expected an object" },
    { "{\"layout\":\"v1\",\"dirs\":[{\"path\":\"/a\",\"created\":true}]}", ".dirs[0].controller" },
    { "{\"layout\":\"v1\",\"dirs\":[{\"controller\":\"m\",\"path\":\"a\",\"created\":true}]}", ".dirs[0].path" },
    { "{\"layout\":\"v1\",\"dirs\":[{\"controller\":\"m\",\"path\":\"/a/../b\",\"created\":true}]}", ".dirs[0].path" },
    { "{\"layout\":\"v1\",\"dirs\":[{\"controller\":\"m\",\"path\":\"/a\",\"created\":1}]}", ".dirs[0].created" },
    { "{\"layout\":\"v1\",\"dirs\":[{\"controller\":\"m\",\"path\":\"/a/b\",\"created\":true,\"top\":\"/c\"}]}", ".dirs[0].top" },
    { "{\"layout\":\"v1\",\"dirs\":[{\"controller\":\"m\",\"path\":\"/ab\",\"created\":true,\"top\":\"/a\"}]}", ".dirs[0].top" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      back = NULL;
      r = hull_cgroup_from_json (bad[i].json, &back, &err);
      bool good = r < 0 && back == NULL && strstr (err.msg, bad[i].msg) != NULL;
      if (!good)
        printf ("#   r=%d msg=%s\n", r, err.msg);
      ok (good, "from_json refuses %s", bad[i].json);
    }
}

static int
put (const char *dir, const char *file, const char *val)
{
  cleanup_free char *p = hull_path_join (dir, file);
  hull_error err;
  return hull_write_file_atomic (p, val, strlen (val), 0644, &err);
}

static char *
get (const char *dir, const char *file)
{
  cleanup_free char *p = hull_path_join (dir, file);
  char *out = NULL;
  hull_error err;
  return hull_read_file (p, &out, NULL, &err) < 0 ? NULL : out;
}

static void
test_cpuset (void)
{
  char tmpl[] = "/tmp/hull-cgtest-XXXXXX";
  const char *root = mkdtemp (tmpl);
  if (root == NULL)
    {
      ok (false, "mkdtemp");
      return;
    }
  cleanup_free char *a = hull_path_join (root, "a");
  cleanup_free char *b = hull_path_join (a, "b");
  hull_error err = { 0 };
  bool setup = hull_mkdir_p (b, 0755, &err) == 0
               && put (root, "cpuset.cpus", "0-3\n") == 0 && put (root, "cpuset.mems", "0\n") == 0
               && put (a, "cpuset.cpus", "\n") == 0 && put (a, "cpuset.mems", "0\n") == 0
               && put (b, "cpuset.cpus", "") == 0 && put (b, "cpuset.mems", "") == 0;
  int r = setup ? hull_cg_v1_cpuset_fill (root, b, &err) : -1;
  cleanup_free char *acpus = get (a, "cpuset.cpus"), *bcpus = get (b, "cpuset.cpus");
  cleanup_free char *bmems = get (b, "cpuset.mems");
  ok (r == 0 && streq (acpus, "0-3\n") && streq (bcpus, "0-3\n") && streq (bmems, "0\n"),
      "cpuset values copied top-down (%s)", r < 0 ? err.msg : "ok");

  put (a, "cpuset.mems", "1\n");
  put (b, "cpuset.mems", "0\n");
  r = hull_cg_v1_cpuset_fill (root, b, &err);
  cleanup_free char *amems = get (a, "cpuset.mems");
  cleanup_free char *bmems2 = get (b, "cpuset.mems");
  ok (r == 0 && streq (amems, "1\n") && streq (bmems2, "0\n"), "set values are left alone");

  r = hull_cg_v1_cpuset_fill ("/elsewhere", b, &err);
  ok (r < 0, "dir outside the mount refused");
  hull_remove_tree (root, &err);
}

int
main (void)
{
  test_mountinfo ();
  test_paths ();
  test_systemd ();
  test_json ();
  test_cpuset ();
  return tap_done ();
}
