check_PROGRAMS += tests/unit/sync_test
tests_unit_sync_test_SOURCES = tests/unit/sync_test.c tests/unit/tap.h
tests_unit_sync_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/sync_test
