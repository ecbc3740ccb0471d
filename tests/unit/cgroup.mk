check_PROGRAMS += tests/unit/cgroup_test
tests_unit_cgroup_test_SOURCES = tests/unit/cgroup_test.c tests/unit/tap.h
tests_unit_cgroup_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/cgroup_test
