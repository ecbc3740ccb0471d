libhull_a_SOURCES += \
	src/cgroup/cgroup.c \
	src/cgroup/devices_bpf.c \
	src/cgroup/devices_v2.c \
	src/cgroup/freeze.c \
	src/cgroup/oom.c \
	src/cgroup/path.c \
	src/cgroup/record.c \
	src/cgroup/resources.c \
	src/cgroup/resources_v1.c \
	src/cgroup/resources_v2.c \
	src/cgroup/signal.c \
	src/cgroup/stats.c \
	src/cgroup/stats_blkio.c \
	src/cgroup/stats_json.c \
	src/cgroup/stats_parse.c \
	src/cgroup/v1.c \
	src/cgroup/v2.c
noinst_HEADERS += \
	include/hull/cgroup.h \
	src/cgroup/devices_bpf.h \
	src/cgroup/internal.h \
	src/cgroup/resources.h \
	src/cgroup/stats.h
