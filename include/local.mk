noinst_HEADERS += \
	include/hull/error.h \
	include/hull/cleanup.h \
	include/hull/duration.h \
	include/hull/fs.h \
	include/hull/log.h \
	include/hull/spec.h \
	include/hull/tty.h
