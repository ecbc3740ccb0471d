check_PROGRAMS += tests/unit/hooks_test
tests_unit_hooks_test_SOURCES = tests/unit/hooks_test.c tests/unit/tap.h
tests_unit_hooks_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/hooks_test
