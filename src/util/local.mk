libhull_a_SOURCES += \
	src/util/duration.c \
	src/util/error.c \
	src/util/fs.c \
	src/util/log.c \
	src/util/tty.c
