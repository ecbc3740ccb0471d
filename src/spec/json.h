/* yajl tree accessors that know where they are in the document, so every
 * error names the JSON path: "config.json: .linux.namespaces[2].type: ...".
 *
 * Member getters return -1 on error (err filled), 0 when the member is
 * absent (or JSON null, which Go's decoder treats the same) and 1 when it
 * was present and stored. */
#ifndef HULL_SPEC_JSON_H
#define HULL_SPEC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>
#include <hull/error.h>
#include <hull/spec.h>

/* One step of a JSON path, chained to its parent on the caller's stack;
 * a NULL path is the document root. */
typedef struct hj_path hj_path;
struct hj_path {
  const hj_path *up;
  const char *key;   /* object member, or NULL for an array element */
  size_t index;
};

#define HJ_KEY(parent, k) (&(const hj_path) { .up = (parent), .key = (k) })
#define HJ_IDX(parent, i) (&(const hj_path) { .up = (parent), .index = (i) })

typedef struct {
  const char *name;  /* message prefix, e.g. "config.json" */
  hull_error *err;
} hj_ctx;

/* Fills err with "<name>: <path>: <message>" and returns -1. */
int hj_fail (hj_ctx *c, const hj_path *p, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
int hj_oom (hj_ctx *c);

/* Parses a whole document; malformed JSON yields
 * "<name>: <path>: invalid JSON: <yajl's reason> (line L, column C)".
 * Stricter than yajl_tree_parse (and Go): no comments, no \u0000 in a
 * string or key, no duplicate keys. */
int hj_parse (hj_ctx *c, const char *json, size_t len, yajl_val *out);

/* The member's value, NULL when absent or null. */
yajl_val hj_member (yajl_val obj, const char *key);

/* Value converters: p is the path of v itself. */
int hj_expect_object (hj_ctx *c, const hj_path *p, yajl_val v);
int hj_expect_array (hj_ctx *c, const hj_path *p, yajl_val v);
int hj_string (hj_ctx *c, const hj_path *p, yajl_val v, char **out);
int hj_i64 (hj_ctx *c, const hj_path *p, yajl_val v, int64_t min, int64_t max, int64_t *out);
int hj_u64 (hj_ctx *c, const hj_path *p, yajl_val v, uint64_t max, uint64_t *out);

/* Member getters on an object (obj already checked to be an object). */
int hj_get_string (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                   bool required, char **out);
/* Same, but "" is stored as NULL: Go's omitempty cannot tell them apart. */
int hj_get_opt_string (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, char **out);
int hj_get_bool (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                 bool required, bool *out);
int hj_get_i64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                bool required, int64_t min, int64_t max, int64_t *out);
int hj_get_u64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                bool required, uint64_t max, uint64_t *out);
int hj_get_opt_i64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                    int64_t min, int64_t max, hull_opt_i64 *out);
int hj_get_opt_u64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                    uint64_t max, hull_opt_u64 *out);
int hj_get_opt_bool (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                     hull_opt_bool *out);
int hj_get_object (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                   bool required, yajl_val *out);
int hj_get_array (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                  bool required, yajl_val *out);
/* An array of strings; absent leaves out->v NULL. */
int hj_get_strv (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                 bool required, hull_strv *out);
/* An object whose values are all strings. */
int hj_get_kvmap (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                  hull_kvmap *out);

/* Fills out (a zeroed struct) from obj, already checked to be an object
 * whose path is p; returns -1 on error. */
typedef int hj_parse_fn (hj_ctx *c, const hj_path *p, yajl_val obj, void *out, void *user);
/* An optional object member parsed into a new zeroed struct of size bytes.
 * slot is the address of the caller's T *: it is set before parse runs, so
 * a failure half-way is cleaned up by the normal free path. */
int hj_get_new_object (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                       size_t size, void *slot, hj_parse_fn *parse, void *user);
/* An array of objects, each parsed by parse_one into its element of a new
 * array of elem_size-byte structs. items is the address of the caller's T *;
 * it and *n are set first, for the same reason. */
int hj_get_object_array (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                         bool required, size_t elem_size, void *items, size_t *n,
                         hj_parse_fn *parse_one, void *user);

/* Checks that s is an absolute path (p names where it came from). */
int hj_check_absolute (hj_ctx *c, const hj_path *p, const char *s);

/* calloc for n elements (n may be 0: returns a valid pointer). */
void *hj_calloc (size_t n, size_t size);

#endif
