check_PROGRAMS += tests/unit/fds_test
tests_unit_fds_test_SOURCES = tests/unit/fds_test.c tests/unit/tap.h
tests_unit_fds_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/fds_test
