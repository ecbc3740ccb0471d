libhull_a_SOURCES += \
	src/process/apply.c \
	src/process/clone.c \
	src/process/exec.c \
	src/process/hooks.c \
	src/process/init.c \
	src/process/join.c \
	src/process/spawn.c \
	src/process/sync.c
noinst_HEADERS += \
	src/process/apply.h \
	src/process/clone.h \
	src/process/exec.h \
	src/process/hooks.h \
	src/process/init.h \
	src/process/join.h \
	src/process/spawn.h \
	src/process/sync.h
