/* Internal interface between the config.json parser's files. Each parser
 * fills a caller-owned, zeroed struct; on failure the struct may be half
 * filled and the caller frees it with the matching *_free function. */
#ifndef HULL_SPEC_PARSE_H
#define HULL_SPEC_PARSE_H

#include <hull/spec.h>
#include "spec/json.h"

/* names.c */
int spec_rlimit_from_name (const char *name);  /* RLIMIT_* or -1 */
/* Whether s is one of the names in the NULL-terminated list. */
bool spec_in_list (const char *s, const char *const *list);

/* parse.c */
int spec_parse_id_mappings (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                            hull_id_mapping **out, size_t *n_out);

/* parse_process.c */
int spec_parse_process (hj_ctx *c, const hj_path *p, yajl_val v, hull_process *out);

/* parse_linux.c */
int spec_parse_linux (hj_ctx *c, const hj_path *p, yajl_val v, hull_linux *out);

/* parse_resources.c */
int spec_parse_resources (hj_ctx *c, const hj_path *p, yajl_val v, hull_resources *out);

/* parse_seccomp.c */
int spec_parse_seccomp (hj_ctx *c, const hj_path *p, yajl_val v, hull_seccomp *out);

/* free.c: each frees the members, not the struct itself */
void spec_strv_clear (hull_strv *v);
void spec_kvmap_clear (hull_kvmap *m);
void spec_process_clear (hull_process *p);
void spec_linux_clear (hull_linux *l);
void spec_resources_clear (hull_resources *r);
void spec_seccomp_clear (hull_seccomp *s);

#endif
