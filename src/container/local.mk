# Container lifecycle and the state store. One source per line, sorted:
# adding a file is inserting one line.
libhull_a_SOURCES += \
	src/container/cleanup.c \
	src/container/create.c \
	src/container/delete.c \
	src/container/events.c \
	src/container/exec.c \
	src/container/hooks.c \
	src/container/id.c \
	src/container/kill.c \
	src/container/listen_fds.c \
	src/container/pause.c \
	src/container/proc.c \
	src/container/ps.c \
	src/container/relay.c \
	src/container/signals.c \
	src/container/start.c \
	src/container/state.c \
	src/container/state_dir.c \
	src/container/update.c \
	src/container/validate.c
noinst_HEADERS += \
	include/hull/container.h \
	src/container/internal.h \
	src/container/proc.h
