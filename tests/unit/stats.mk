check_PROGRAMS += tests/unit/stats_test
tests_unit_stats_test_SOURCES = tests/unit/stats_test.c tests/unit/tap.h
tests_unit_stats_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/stats_test
