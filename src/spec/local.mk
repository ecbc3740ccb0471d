libhull_a_SOURCES += \
	src/spec/json.c \
	src/spec/json_parse.c \
	src/spec/names.c \
	src/spec/parse.c \
	src/spec/parse_process.c \
	src/spec/parse_linux.c \
	src/spec/parse_resources.c \
	src/spec/parse_seccomp.c \
	src/spec/free.c \
	src/spec/template.c

noinst_HEADERS += \
	src/spec/json.h \
	src/spec/parse.h
