/* hj_parse: JSON text to a yajl tree, stricter than yajl_tree_parse.
 *
 * yajl_tree_parse always allows comments, cuts strings at an embedded
 * \u0000 and keeps every duplicate key. A config that means one thing to
 * hull and another to the next tool is worse than one rejected, so the
 * tree is built here from yajl's callbacks: no comments, no NUL inside a
 * string or key, no key twice in one object. The nodes are the same
 * malloc'd yajl_val_s yajl builds, so yajl_tree_free frees them. */
#include "config.h"
#include "spec/json.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* yajl_tree_free recurses once per nesting level, so a hostile document of
 * a million '[' would blow the stack; no real config nests beyond ~10. */
#define HJ_MAX_DEPTH 512

typedef struct {
  yajl_val v;     /* the object or array being filled */
  char *key;      /* object: key of the member whose value comes next */
  size_t cap;     /* allocated slots in v's arrays */
} frame;

typedef struct {
  hj_ctx *c;
  yajl_handle h;
  const char *json;
  yajl_val root;
  size_t depth;
  bool failed;    /* a callback filled c->err */
  frame stack[HJ_MAX_DEPTH];
} builder;

static void
line_col (const char *json, size_t off, size_t *line, size_t *col)
{
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++)
    {
      if (json[i] == '\n')
        {
          (*line)++;
          *col = 1;
        }
      else
        (*col)++;
    }
}

/* A path into the tree being built, in nodes[], through the first n open
 * containers: to their last member each, or, with next, to the member
 * the innermost one gets next (none for an object between members).
 * NULL for the top level. */
static const hj_path *
where (const builder *b, size_t n, bool next, hj_path *nodes)
{
  const hj_path *up = NULL;
  for (size_t i = 0; i < n; i++)
    {
      const yajl_val v = b->stack[i].v;
      bool last = !(next && i == n - 1);
      if (YAJL_IS_OBJECT (v))
        {
          const char *key = last ? v->u.object.keys[v->u.object.len - 1] : b->stack[i].key;
          if (key == NULL)
            break;
          nodes[i] = (hj_path) { .up = up, .key = key };
        }
      else
        nodes[i] = (hj_path) { .up = up, .index = v->u.array.len - (last ? 1 : 0) };
      up = &nodes[i];
    }
  return up;
}

static int
fail_oom (builder *b)
{
  hj_oom (b->c);
  b->failed = true;
  return 0;
}

/* Stores v (owned) as the next member of the innermost container. */
static int
add (builder *b, yajl_val v)
{
  if (v == NULL)
    return fail_oom (b);
  if (b->depth == 0)
    {
      b->root = v;
      return 1;
    }
  frame *f = &b->stack[b->depth - 1];
  bool obj = YAJL_IS_OBJECT (f->v);
  size_t *len = obj ? &f->v->u.object.len : &f->v->u.array.len;
  yajl_val **values = obj ? &f->v->u.object.values : &f->v->u.array.values;
  if (*len == f->cap)
    {
      size_t cap = f->cap ? f->cap * 2 : 4;
      yajl_val *nv = realloc (*values, cap * sizeof *nv);
      if (nv == NULL)
        {
          yajl_tree_free (v);
          return fail_oom (b);
        }
      *values = nv;
      if (obj)
        {
          const char **nk = realloc (f->v->u.object.keys, cap * sizeof *nk);
          if (nk == NULL)
            {
              yajl_tree_free (v);
              return fail_oom (b);
            }
          f->v->u.object.keys = nk;
        }
      f->cap = cap;
    }
  if (obj)
    {
      f->v->u.object.keys[*len] = f->key;
      f->key = NULL;
    }
  (*values)[(*len)++] = v;
  return 1;
}

static yajl_val
node (yajl_type t)
{
  yajl_val v = calloc (1, sizeof *v);
  if (v)
    v->type = t;
  return v;
}

static int
on_null (void *ctx)
{
  return add (ctx, node (yajl_t_null));
}

static int
on_boolean (void *ctx, int value)
{
  return add (ctx, node (value ? yajl_t_true : yajl_t_false));
}

/* yajl hands over the literal text: keep it (u.number.r is what the spec
 * readers parse), and fill i and d as yajl_tree would for other readers. */
static int
on_number (void *ctx, const char *s, size_t len)
{
  yajl_val v = node (yajl_t_number);
  if (v == NULL || (v->u.number.r = strndup (s, len)) == NULL)
    {
      free (v);
      return fail_oom (ctx);
    }
  char *end;
  errno = 0;
  v->u.number.i = strtoll (v->u.number.r, &end, 10);
  if (errno == 0 && *end == '\0')
    v->u.number.flags |= YAJL_NUMBER_INT_VALID;
  errno = 0;
  v->u.number.d = strtod (v->u.number.r, &end);
  if (errno == 0 && *end == '\0')
    v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
  return add (ctx, v);
}

static int
on_string (void *ctx, const unsigned char *s, size_t len)
{
  builder *b = ctx;
  if (memchr (s, '\0', len) != NULL)
    {
      hj_path nodes[HJ_MAX_DEPTH];
      hj_fail (b->c, where (b, b->depth, true, nodes), "NUL character (\\u0000) in a string");
      b->failed = true;
      return 0;
    }
  yajl_val v = node (yajl_t_string);
  if (v == NULL || (v->u.string = strndup ((const char *) s, len)) == NULL)
    {
      free (v);
      return fail_oom (b);
    }
  return add (b, v);
}

static int
on_map_key (void *ctx, const unsigned char *s, size_t len)
{
  builder *b = ctx;
  frame *f = &b->stack[b->depth - 1];
  if (memchr (s, '\0', len) != NULL)
    {
      hj_path nodes[HJ_MAX_DEPTH];
      hj_fail (b->c, where (b, b->depth, true, nodes), "NUL character (\\u0000) in a key");
      b->failed = true;
      return 0;
    }
  free (f->key);
  f->key = strndup ((const char *) s, len);
  return f->key ? 1 : fail_oom (b);
}

static int
open_container (builder *b, yajl_type t)
{
  if (b->depth == HJ_MAX_DEPTH)
    {
      size_t line, col, off = yajl_get_bytes_consumed (b->h);
      line_col (b->json, off > 0 ? off - 1 : 0, &line, &col);
      hull_fail (b->c->err, 0, "%s: invalid JSON: nested deeper than %d levels (line %zu, column %zu)",
                 b->c->name, HJ_MAX_DEPTH, line, col);
      b->failed = true;
      return 0;
    }
  yajl_val v = node (t);
  if (v == NULL)
    return fail_oom (b);
  if (!add (b, v))
    return 0;
  b->stack[b->depth++] = (frame) { .v = v };
  return 1;
}

static int
on_start_map (void *ctx)
{
  return open_container (ctx, yajl_t_object);
}

static int
on_start_array (void *ctx)
{
  return open_container (ctx, yajl_t_array);
}

static int
cmp_key (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
on_end_map (void *ctx)
{
  builder *b = ctx;
  yajl_val o = b->stack[b->depth - 1].v;
  size_t n = o->u.object.len;
  if (n > 1)
    {
      /* Sorted copy: n log n even for a hostile object of many keys. */
      cleanup_free const char **keys = malloc (n * sizeof *keys);
      if (keys == NULL)
        return fail_oom (b);
      memcpy (keys, o->u.object.keys, n * sizeof *keys);
      qsort (keys, n, sizeof *keys, cmp_key);
      for (size_t i = 1; i < n; i++)
        if (strcmp (keys[i - 1], keys[i]) == 0)
          {
            hj_path nodes[HJ_MAX_DEPTH];
            const hj_path *p = where (b, b->depth - 1, false, nodes);
            hj_fail (b->c, HJ_KEY (p, keys[i]), "duplicate key");
            b->failed = true;
            return 0;
          }
    }
  b->depth--;
  return 1;
}

static int
on_end_array (void *ctx)
{
  builder *b = ctx;
  b->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end_map,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end_array,
};

/* yajl's reason ("parse error: premature EOF") without its trailing
 * newline and period, and where it happened. */
static int
fail_syntax (builder *b, size_t off, size_t len)
{
  char reason[256];
  unsigned char *e = yajl_get_error (b->h, 0, NULL, 0);
  snprintf (reason, sizeof reason, "%s", e ? (const char *) e : "parse error");
  if (e)
    yajl_free_error (b->h, e);
  size_t rl = strcspn (reason, "\n");
  reason[rl] = '\0';
  while (rl > 0 && (reason[rl - 1] == '.' || reason[rl - 1] == ' '))
    reason[--rl] = '\0';

  /* yajl may stop on the blank before the offending token (a comment). */
  while (off < len && strchr (" \t\r\n", b->json[off]) != NULL)
    off++;
  size_t line, col;
  line_col (b->json, off < len ? off : len, &line, &col);
  hj_path nodes[HJ_MAX_DEPTH];
  const hj_path *p = where (b, b->depth, true, nodes);
  return hj_fail (b->c, p, "invalid JSON: %s (line %zu, column %zu)", reason, line, col);
}

static void
builder_free (builder *b)
{
  for (size_t i = 0; i < b->depth; i++)
    free (b->stack[i].key);
  yajl_tree_free (b->root);
  if (b->h)
    yajl_free (b->h);
  free (b);
}

int
hj_parse (hj_ctx *c, const char *json, size_t len, yajl_val *out)
{
  if (json == NULL)
    {
      json = "";
      len = 0;
    }
  const char *nul = memchr (json, '\0', len);
  if (nul != NULL)
    {
      size_t line, col;
      line_col (json, (size_t) (nul - json), &line, &col);
      return hull_fail (c->err, 0, "%s: invalid JSON: NUL byte in input (line %zu, column %zu)",
                        c->name, line, col);
    }

  /* The stack is 512 frames: too big for ours. */
  builder *b = calloc (1, sizeof *b);
  if (b == NULL)
    return hj_oom (c);
  b->c = c;
  b->json = json;
  b->h = yajl_alloc (&callbacks, NULL, b);
  if (b->h == NULL)
    {
      builder_free (b);
      return hj_oom (c);
    }

  int r = 0;
  yajl_status st = yajl_parse (b->h, (const unsigned char *) json, len);
  if (st == yajl_status_ok)
    {
      st = yajl_complete_parse (b->h);
      if (st != yajl_status_ok && !b->failed)
        r = fail_syntax (b, len, len);   /* errors here are at the end */
    }
  else if (!b->failed)
    {
      size_t consumed = yajl_get_bytes_consumed (b->h);
      r = fail_syntax (b, consumed > 0 ? consumed - 1 : 0, len);
    }
  if (b->failed)
    r = -1;
  if (r == 0)
    {
      *out = b->root;
      b->root = NULL;
    }
  builder_free (b);
  return r;
}
