#include "config.h"
#include "spec/json.h"
#include <hull/cleanup.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paths and errors ---- */

static bool
is_plain_key (const char *k)
{
  if (!(isalpha ((unsigned char) *k) || *k == '_'))
    return false;
  for (; *k; k++)
    if (!(isalnum ((unsigned char) *k) || *k == '_'))
      return false;
  return true;
}

static void
put (char *buf, size_t size, size_t *len, const char *fmt, ...)
{
  va_list ap;
  if (*len >= size)
    return;
  va_start (ap, fmt);
  int r = vsnprintf (buf + *len, size - *len, fmt, ap);
  va_end (ap);
  if (r > 0)
    *len = (*len + (size_t) r < size) ? *len + (size_t) r : size;
}

static void
render_path (const hj_path *p, char *buf, size_t size, size_t *len)
{
  if (p == NULL)
    return;
  render_path (p->up, buf, size, len);
  if (p->key == NULL)
    put (buf, size, len, "[%zu]", p->index);
  else if (is_plain_key (p->key))
    put (buf, size, len, ".%s", HULL_SHORT (p->key));
  else
    {
      /* Keys such as "net.ipv4.ip_forward" are written ["..."] so the
       * path stays unambiguous. */
      put (buf, size, len, "[\"");
      for (const unsigned char *s = (const unsigned char *) HULL_SHORT (p->key); *s; s++)
        {
          if (*s == '"' || *s == '\\')
            put (buf, size, len, "\\%c", *s);
          else if (*s < 0x20)
            put (buf, size, len, "\\u%04x", *s);
          else
            put (buf, size, len, "%c", *s);
        }
      put (buf, size, len, "\"]");
    }
}

int
hj_fail (hj_ctx *c, const hj_path *p, const char *fmt, ...)
{
  char path[512] = "";
  size_t plen = 0;
  char msg[HULL_ERROR_MSG_MAX];
  va_list ap;

  render_path (p, path, sizeof path, &plen);
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  if (plen > 0)
    return hull_fail (c->err, 0, "%s: %s: %s", c->name, path, msg);
  return hull_fail (c->err, 0, "%s: %s", c->name, msg);
}

int
hj_oom (hj_ctx *c)
{
  return hull_fail (c->err, ENOMEM, "%s", c->name);
}

void *
hj_calloc (size_t n, size_t size)
{
  return calloc (n ? n : 1, size);
}

/* ---- values ---- */

yajl_val
hj_member (yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp (obj->u.object.keys[i], key) == 0)
      {
        yajl_val v = obj->u.object.values[i];
        return YAJL_IS_NULL (v) ? NULL : v;
      }
  return NULL;
}

int
hj_expect_object (hj_ctx *c, const hj_path *p, yajl_val v)
{
  if (!YAJL_IS_OBJECT (v))
    return hj_fail (c, p, "expected an object");
  return 0;
}

int
hj_expect_array (hj_ctx *c, const hj_path *p, yajl_val v)
{
  if (!YAJL_IS_ARRAY (v))
    return hj_fail (c, p, "expected an array");
  return 0;
}

int
hj_string (hj_ctx *c, const hj_path *p, yajl_val v, char **out)
{
  if (!YAJL_IS_STRING (v))
    return hj_fail (c, p, "expected a string");
  char *s = strdup (v->u.string);
  if (s == NULL)
    return hj_oom (c);
  free (*out);
  *out = s;
  return 0;
}

/* yajl keeps the literal text of every number: parse that ourselves so
 * uint64 values above INT64_MAX (e.g. RLIM_INFINITY) work and floats are
 * told apart from integers. Returns the sign ('-' or '+') or 0 if the text
 * is not an integer literal. */
static char
integer_literal (yajl_val v)
{
  if (!YAJL_IS_NUMBER (v) || v->u.number.r == NULL)
    return 0;
  const char *s = v->u.number.r;
  char sign = '+';
  if (*s == '-')
    {
      sign = '-';
      s++;
    }
  if (*s == '\0')
    return 0;
  for (; *s; s++)
    if (!isdigit ((unsigned char) *s))
      return 0;
  return sign;
}

int
hj_i64 (hj_ctx *c, const hj_path *p, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
  if (integer_literal (v) == 0)
    return hj_fail (c, p, "expected an integer");
  errno = 0;
  long long n = strtoll (v->u.number.r, NULL, 10);
  if (errno == ERANGE || n < min || n > max)
    return hj_fail (c, p, "value %s out of range (%" PRId64 "..%" PRId64 ")",
                    HULL_SHORT (v->u.number.r), min, max);
  *out = n;
  return 0;
}

int
hj_u64 (hj_ctx *c, const hj_path *p, yajl_val v, uint64_t max, uint64_t *out)
{
  char sign = integer_literal (v);
  if (sign == 0)
    return hj_fail (c, p, "expected an integer");
  if (sign == '-')
    {
      /* "-0" is still zero. */
      if (strspn (v->u.number.r + 1, "0") != strlen (v->u.number.r + 1))
        return hj_fail (c, p, "expected a non-negative integer");
      *out = 0;
      return 0;
    }
  errno = 0;
  unsigned long long n = strtoull (v->u.number.r, NULL, 10);
  if (errno == ERANGE || n > max)
    return hj_fail (c, p, "value %s out of range (0..%" PRIu64 ")", HULL_SHORT (v->u.number.r),
                    max);
  *out = n;
  return 0;
}

/* ---- members ---- */

/* The member's value or NULL; fails when required and missing. */
static int
member (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
        yajl_val *out)
{
  *out = hj_member (obj, key);
  if (*out == NULL && required)
    return hj_fail (c, HJ_KEY (p, key), "required field missing");
  return 0;
}

int
hj_get_string (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
               char **out)
{
  yajl_val v;
  if (member (c, p, obj, key, required, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (hj_string (c, HJ_KEY (p, key), v, out) < 0)
    return -1;
  return 1;
}

int
hj_get_opt_string (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, char **out)
{
  int r = hj_get_string (c, p, obj, key, false, out);
  if (r > 0 && (*out)[0] == '\0')
    {
      free (*out);
      *out = NULL;
      return 0;
    }
  return r;
}

int
hj_get_bool (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
             bool *out)
{
  yajl_val v;
  if (member (c, p, obj, key, required, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
    return hj_fail (c, HJ_KEY (p, key), "expected a boolean");
  *out = YAJL_IS_TRUE (v);
  return 1;
}

int
hj_get_i64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
            int64_t min, int64_t max, int64_t *out)
{
  yajl_val v;
  if (member (c, p, obj, key, required, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (hj_i64 (c, HJ_KEY (p, key), v, min, max, out) < 0)
    return -1;
  return 1;
}

int
hj_get_u64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
            uint64_t max, uint64_t *out)
{
  yajl_val v;
  if (member (c, p, obj, key, required, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (hj_u64 (c, HJ_KEY (p, key), v, max, out) < 0)
    return -1;
  return 1;
}

int
hj_get_opt_i64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, int64_t min,
                int64_t max, hull_opt_i64 *out)
{
  int r = hj_get_i64 (c, p, obj, key, false, min, max, &out->v);
  if (r > 0)
    out->set = true;
  return r;
}

int
hj_get_opt_u64 (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, uint64_t max,
                hull_opt_u64 *out)
{
  int r = hj_get_u64 (c, p, obj, key, false, max, &out->v);
  if (r > 0)
    out->set = true;
  return r;
}

int
hj_get_opt_bool (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                 hull_opt_bool *out)
{
  int r = hj_get_bool (c, p, obj, key, false, &out->v);
  if (r > 0)
    out->set = true;
  return r;
}

int
hj_get_object (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
               yajl_val *out)
{
  if (member (c, p, obj, key, required, out) < 0)
    return -1;
  if (*out == NULL)
    return 0;
  if (hj_expect_object (c, HJ_KEY (p, key), *out) < 0)
    return -1;
  return 1;
}

int
hj_get_array (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
              yajl_val *out)
{
  if (member (c, p, obj, key, required, out) < 0)
    return -1;
  if (*out == NULL)
    return 0;
  if (hj_expect_array (c, HJ_KEY (p, key), *out) < 0)
    return -1;
  return 1;
}

int
hj_get_strv (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, bool required,
             hull_strv *out)
{
  yajl_val a;
  int r = hj_get_array (c, p, obj, key, required, &a);
  if (r <= 0)
    return r;
  const hj_path *ap = HJ_KEY (p, key);
  size_t n = a->u.array.len;
  /* The caller's struct owns v from here on, so a failure half-way is
   * cleaned up by the normal free path. */
  out->v = hj_calloc (n + 1, sizeof *out->v);
  if (out->v == NULL)
    return hj_oom (c);
  out->n = n;
  for (size_t i = 0; i < n; i++)
    if (hj_string (c, HJ_IDX (ap, i), a->u.array.values[i], &out->v[i]) < 0)
      return -1;
  return 1;
}

int
hj_get_new_object (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, size_t size,
                   void *slot, hj_parse_fn *parse, void *user)
{
  yajl_val o;
  int r = hj_get_object (c, p, obj, key, false, &o);
  if (r <= 0)
    return r;
  void *out = calloc (1, size);
  if (out == NULL)
    return hj_oom (c);
  /* slot is really a T **; memcpy stores the pointer without a cast. */
  memcpy (slot, &out, sizeof out);
  return parse (c, HJ_KEY (p, key), o, out, user) < 0 ? -1 : 1;
}

int
hj_get_object_array (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key,
                     bool required, size_t elem_size, void *items, size_t *n,
                     hj_parse_fn *parse_one, void *user)
{
  yajl_val a;
  int r = hj_get_array (c, p, obj, key, required, &a);
  if (r <= 0)
    return r;
  /* Element paths live on this frame: parse_one may only use them (or pass
   * them to hj_fail) while it runs. */
  const hj_path *ap = HJ_KEY (p, key);
  char *arr = hj_calloc (a->u.array.len, elem_size);
  if (arr == NULL)
    return hj_oom (c);
  /* As in hj_get_new_object. */
  memcpy (items, &arr, sizeof arr);
  *n = a->u.array.len;
  for (size_t i = 0; i < a->u.array.len; i++)
    {
      const hj_path *ep = HJ_IDX (ap, i);
      yajl_val o = a->u.array.values[i];
      if (hj_expect_object (c, ep, o) < 0
          || parse_one (c, ep, o, arr + i * elem_size, user) < 0)
        return -1;
    }
  return 1;
}

int
hj_get_kvmap (hj_ctx *c, const hj_path *p, yajl_val obj, const char *key, hull_kvmap *out)
{
  yajl_val o;
  int r = hj_get_object (c, p, obj, key, false, &o);
  if (r <= 0)
    return r;
  const hj_path *op = HJ_KEY (p, key);
  out->items = hj_calloc (o->u.object.len, sizeof *out->items);
  if (out->items == NULL)
    return hj_oom (c);
  for (size_t i = 0; i < o->u.object.len; i++)
    {
      const char *k = o->u.object.keys[i];
      /* hj_parse refused duplicate keys. */
      hull_kv *slot = &out->items[out->n++];
      slot->key = strdup (k);
      if (slot->key == NULL)
        return hj_oom (c);
      if (hj_string (c, HJ_KEY (op, k), o->u.object.values[i], &slot->value) < 0)
        return -1;
    }
  return 1;
}

int
hj_check_absolute (hj_ctx *c, const hj_path *p, const char *s)
{
  if (s == NULL || s[0] != '/')
    return hj_fail (c, p, "expected an absolute path, got \"%s\"", s ? HULL_SHORT (s) : "");
  return 0;
}
