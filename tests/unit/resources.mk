check_PROGRAMS += tests/unit/resources_test
tests_unit_resources_test_SOURCES = tests/unit/resources_test.c tests/unit/tap.h
tests_unit_resources_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/resources_test
