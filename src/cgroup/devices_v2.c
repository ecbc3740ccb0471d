/* cgroup v2 device control: the program from devices_bpf.c loaded with
 * bpf(BPF_PROG_LOAD) and attached to the container's cgroup. Replacing
 * attaches the new program first and only then detaches the old ones, so
 * the cgroup is never without one. No RLIMIT_MEMLOCK games: kernels since
 * 5.11 charge BPF memory to the memory cgroup. */
#include "config.h"
#include "cgroup/devices_bpf.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <hull/log.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Enough for any sane cgroup: hull attaches one, a nested manager a few. */
#define MAX_PROGS 64
#define LOG_SIZE 65536

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (__NR_bpf, cmd, attr, sizeof *attr);
}

static int
load_program (const struct bpf_insn *insns, size_t n, hull_error *err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  attr.license = (uint64_t) (uintptr_t) "Apache";
  int fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  int saved = errno;
  if (saved != EINVAL && saved != EACCES)
    return hull_fail (err, saved, "bpf(BPF_PROG_LOAD) of the device program");
  /* The verifier refused it: load again for its log, to say why. */
  cleanup_free char *log = calloc (1, LOG_SIZE);
  if (log != NULL)
    {
      attr.log_buf = (uint64_t) (uintptr_t) log;
      attr.log_size = LOG_SIZE;
      attr.log_level = 1;
      fd = sys_bpf (BPF_PROG_LOAD, &attr);
      if (fd >= 0)
        return fd;
      size_t len = strlen (log);
      while (len > 0 && log[len - 1] == '\n')
        log[--len] = '\0';
      const char *last = strrchr (log, '\n');
      return hull_fail (err, saved, "bpf(BPF_PROG_LOAD) of the device program: verifier: %s",
                        last ? last + 1 : log);
    }
  return hull_fail (err, saved, "bpf(BPF_PROG_LOAD) of the device program");
}

/* The ids of the device programs attached to the cgroup (*n = 0 for none). */
static int
query_programs (int dirfd, const char *dir, uint32_t *ids, uint32_t *n, hull_error *err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t) dirfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t) (uintptr_t) ids;
  attr.query.prog_cnt = *n;
  if (sys_bpf (BPF_PROG_QUERY, &attr) < 0)
    return hull_fail_errno (err, "bpf(BPF_PROG_QUERY) on %s", dir);
  *n = attr.query.prog_cnt < *n ? attr.query.prog_cnt : *n;
  return 0;
}

static int
detach_program (int dirfd, uint32_t id, const char *dir, hull_error *err)
{
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_id = id;
  cleanup_close int fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return 0; /* already gone (a concurrent update) */
      return hull_fail_errno (err, "bpf(BPF_PROG_GET_FD_BY_ID %u)", id);
    }
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) dirfd;
  attr.attach_bpf_fd = (uint32_t) fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
    return hull_fail_errno (err, "bpf(BPF_PROG_DETACH) of program %u from %s", id, dir);
  return 0;
}

/* Rootless in a user namespace cannot use bpf(2); runc ignores the rules
   there too (such a container cannot create device nodes anyway). */
static bool
in_user_namespace (void)
{
  cleanup_free char *map = NULL;
  hull_error ignored;
  if (hull_read_file ("/proc/self/uid_map", &map, NULL, &ignored) < 0)
    return false;
  unsigned long a, b, c;
  return sscanf (map, "%lu %lu %lu", &a, &b, &c) != 3 || a != 0 || b != 0 || c != 4294967295UL;
}

int
hull_cg_v2_set_devices (const char *dir, const hull_device_cgroup *rules, size_t n,
                        hull_error *err)
{
  hull_dev_rules r;
  if (hull_cg_device_rules (rules, n, &r, err) < 0)
    return -1;
  if (n == 0)
    return 0;
  cleanup_free struct bpf_insn *insns = NULL;
  size_t n_insns = 0;
  int ret = hull_cg_device_program (&r, &insns, &n_insns, err);
  hull_cg_device_rules_clear (&r);
  if (ret < 0)
    return -1;

  cleanup_close int dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return hull_fail_errno (err, "open %s", dir);
  cleanup_close int prog = load_program (insns, n_insns, err);
  if (prog < 0)
    {
      if ((err->errnum == EPERM || err->errnum == EACCES) && in_user_namespace ())
        {
          hull_debug ("%s: ignoring the device rules in a user namespace", err->msg);
          return 0;
        }
      return -1;
    }
  uint32_t old[MAX_PROGS];
  uint32_t n_old = MAX_PROGS;
  if (query_programs (dirfd, dir, old, &n_old, err) < 0)
    return -1;

  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) dirfd;
  attr.attach_bpf_fd = (uint32_t) prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return hull_fail_errno (err, "bpf(BPF_PROG_ATTACH) of the device program to %s", dir);
  hull_debug ("cgroup: device program (%zu instructions) attached to %s, %u old", n_insns,
              dir, n_old);
  /* The new program is in force: the old ones can go. */
  for (uint32_t i = 0; i < n_old; i++)
    if (detach_program (dirfd, old[i], dir, err) < 0)
      return -1;
  return 0;
}
