# The hull binary: global options and one file per subcommand.
hull_SOURCES += \
	src/cli/cmd_create.c \
	src/cli/cmd_delete.c \
	src/cli/cmd_events.c \
	src/cli/cmd_exec.c \
	src/cli/cmd_features.c \
	src/cli/cmd_kill.c \
	src/cli/cmd_list.c \
	src/cli/cmd_pause.c \
	src/cli/cmd_ps.c \
	src/cli/cmd_spec.c \
	src/cli/cmd_start.c \
	src/cli/cmd_state.c \
	src/cli/cmd_update.c \
	src/cli/common.c \
	src/cli/main.c
noinst_HEADERS += \
	src/cli/cli.h
