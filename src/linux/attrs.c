#include "config.h"
#include "linux/security.h"

int hull_process_attrs_check (const hull_spec *spec, hull_error *err) { return 0; }
int hull_process_attrs_apply (const hull_spec *spec, hull_error *err) { return 0; }
int hull_process_affinity_final (const hull_spec *spec, hull_error *err) { return 0; }
