#include "config.h"
#include "linux/security.h"
#include <stddef.h>

int hull_seccomp_check (const hull_spec *spec, hull_error *err) { return 0; }
int hull_seccomp_prepare (const hull_spec *spec, const char *id, const char *bundle,
                          hull_seccomp_ctx **out, hull_error *err) { *out = NULL; return 0; }
int hull_seccomp_load (hull_seccomp_ctx *ctx, hull_error *err) { return 0; }
int hull_seccomp_load_early (const hull_spec *spec) { return 0; }
void hull_seccomp_free (hull_seccomp_ctx *ctx) { }
