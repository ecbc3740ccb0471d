/* process.apparmorProfile and process.selinuxLabel: both take effect at the
 * program's execve, through /proc/self/attr. As in runc, a profile or
 * label the host cannot enforce is an error, never silently dropped: the
 * container would otherwise run unconfined. linux.mountLabel is the rootfs
 * code's (ignored when SELinux is off, as runc does). */
#include "config.h"
#include "linux/security.h"
#include "linux/lsm.h"
#include "linux/procfs.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool
hull_lsm_apparmor_enabled (void)
{
  if (access ("/sys/kernel/security/apparmor", F_OK) < 0)
    return false;
  FILE *f = fopen ("/sys/module/apparmor/parameters/enabled", "re");
  if (f == NULL)
    return false;
  int c = fgetc (f);
  fclose (f);
  return c == 'Y';
}

bool
hull_lsm_selinux_enabled (void)
{
  struct statfs st;
  if (statfs ("/sys/fs/selinux", &st) < 0 || (unsigned long) st.f_type != SELINUX_MAGIC)
    return false;
  return access ("/sys/fs/selinux/enforce", F_OK) == 0;
}

static bool
given (const char *s)
{
  return s != NULL && *s != '\0';
}

int
hull_lsm_check (const hull_spec *spec, hull_error *err)
{
  const hull_process *proc = spec->process;
  if (proc == NULL)
    return 0;
  if (given (proc->apparmor_profile) && !hull_lsm_apparmor_enabled ())
    return hull_fail (err, 0,
                      "config.json: .process.apparmorProfile: profile \"%s\" given but AppArmor is "
                      "not enabled on this host",
                      proc->apparmor_profile);
  /* The check runc's validator makes, with its meaning. */
  if (given (proc->selinux_label) && !hull_lsm_selinux_enabled ())
    return hull_fail (err, 0,
                      "config.json: .process.selinuxLabel: label given but SELinux is disabled or "
                      "not supported on this host");
  return 0;
}

int
hull_lsm_apply (const hull_spec *spec, hull_error *err)
{
  const hull_process *proc = spec->process;
  char buf[4096];
  if (given (proc->apparmor_profile))
    {
      int len = snprintf (buf, sizeof buf, "exec %s", proc->apparmor_profile);
      if (len < 0 || (size_t) len >= sizeof buf)
        return hull_fail (err, ENAMETOOLONG, "config.json: .process.apparmorProfile");
      /* The per-LSM file since Linux 5.1; the shared one before. */
      const char *attr = "/proc/self/attr/apparmor/exec";
      if (access (attr, F_OK) < 0 && errno == ENOENT)
        attr = "/proc/self/attr/exec";
      if (hull_procfs_write (AT_FDCWD, attr, buf, (size_t) len, err) < 0)
        return hull_error_prefix (err, "config.json: .process.apparmorProfile \"%s\": ",
                                  proc->apparmor_profile);
    }
  if (given (proc->selinux_label)
      && hull_procfs_write (AT_FDCWD, "/proc/self/attr/exec", proc->selinux_label,
                            strlen (proc->selinux_label), err)
             < 0)
    return hull_error_prefix (err, "config.json: .process.selinuxLabel \"%s\": ",
                              proc->selinux_label);
  return 0;
}
