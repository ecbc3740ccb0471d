libhull_a_SOURCES += \
	src/linux/attrs.c \
	src/linux/caps.c \
	src/linux/copyup.c \
	src/linux/console.c \
	src/linux/devices.c \
	src/linux/hostname.c \
	src/linux/identity.c \
	src/linux/idmap.c \
	src/linux/lsm.c \
	src/linux/masked.c \
	src/linux/mempolicy.c \
	src/linux/mounts.c \
	src/linux/namespaces.c \
	src/linux/pivot.c \
	src/linux/procfs.c \
	src/linux/rootfs.c \
	src/linux/safe_path.c \
	src/linux/sched.c \
	src/linux/seccomp.c \
	src/linux/seccomp_enosys.c \
	src/linux/sysctl.c
noinst_HEADERS += \
	include/hull/rootfs.h \
	src/linux/attrs.h \
	src/linux/caps.h \
	src/linux/console.h \
	src/linux/idmap.h \
	src/linux/lsm.h \
	src/linux/namespaces.h \
	src/linux/procfs.h \
	src/linux/rootfs_internal.h \
	src/linux/safe_path.h \
	src/linux/seccomp_enosys.h \
	src/linux/security.h
