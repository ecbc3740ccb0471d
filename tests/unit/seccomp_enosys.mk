check_PROGRAMS += tests/unit/seccomp_enosys_test
tests_unit_seccomp_enosys_test_SOURCES = tests/unit/seccomp_enosys_test.c tests/unit/tap.h
tests_unit_seccomp_enosys_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/seccomp_enosys_test
