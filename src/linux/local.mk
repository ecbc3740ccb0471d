libhull_a_SOURCES += \
	src/linux/attrs.c \
	src/linux/caps.c \
	src/linux/devices.c \
	src/linux/hostname.c \
	src/linux/identity.c \
	src/linux/lsm.c \
	src/linux/masked.c \
	src/linux/mounts.c \
	src/linux/namespaces.c \
	src/linux/pivot.c \
	src/linux/rootfs.c \
	src/linux/safe_path.c \
	src/linux/seccomp.c \
	src/linux/sysctl.c
noinst_HEADERS += \
	include/hull/rootfs.h \
	src/linux/caps.h \
	src/linux/namespaces.h \
	src/linux/rootfs_internal.h \
	src/linux/safe_path.h \
	src/linux/security.h
