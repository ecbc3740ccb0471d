check_PROGRAMS += tests/unit/devices_bpf_test
tests_unit_devices_bpf_test_SOURCES = tests/unit/devices_bpf_test.c tests/unit/tap.h
tests_unit_devices_bpf_test_LDADD = libhull.a $(HULL_LIBS)
TESTS += tests/unit/devices_bpf_test
