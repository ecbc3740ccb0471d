/* What the Linux security modules hull drives can do on this host: for
 * `features` (linux.apparmor.enabled, linux.selinux.enabled) and for the
 * checks in lsm.c. */
#ifndef HULL_LINUX_LSM_H
#define HULL_LINUX_LSM_H

#include <stdbool.h>

/* AppArmor is loaded and enabled: securityfs shows it and the module
 * parameter says "Y" (the test runc uses). */
bool hull_lsm_apparmor_enabled (void);

/* SELinux is enabled: selinuxfs is mounted at /sys/fs/selinux. */
bool hull_lsm_selinux_enabled (void);

#endif
