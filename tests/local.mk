# Unit tests: plain C programs printing TAP, linked against libhull.a.
check_PROGRAMS += tests/unit/spec_test
tests_unit_spec_test_SOURCES = tests/unit/spec_test.c tests/unit/spec_test_cases.h
tests_unit_spec_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/spec_test
include $(srcdir)/tests/unit/cgroup.mk
include $(srcdir)/tests/unit/resources.mk
include $(srcdir)/tests/unit/stats.mk
include $(srcdir)/tests/unit/hooks.mk
include $(srcdir)/tests/unit/sync.mk
include $(srcdir)/tests/unit/devices_bpf.mk
include $(srcdir)/tests/unit/fds.mk
include $(srcdir)/tests/unit/seccomp_enosys.mk
