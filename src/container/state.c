/* state.json: the OCI state fields plus what hull needs to find the
 * container again (pid start time, cgroup record), under "hull". */
#include "config.h"
#include <hull/container.h>
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#define STATE_FILE "state.json"

static void
yajl_gen_freep (yajl_gen *g)
{
  if (*g)
    yajl_gen_free (*g);
}

static void
yajl_tree_freep (yajl_val *v)
{
  if (*v)
    yajl_tree_free (*v);
}

#define cleanup_gen __attribute__ ((cleanup (yajl_gen_freep)))
#define cleanup_tree __attribute__ ((cleanup (yajl_tree_freep)))

const char *
hull_status_name (hull_status status)
{
  switch (status)
    {
    case HULL_STATUS_CREATING: return "creating";
    case HULL_STATUS_CREATED: return "created";
    case HULL_STATUS_RUNNING: return "running";
    case HULL_STATUS_PAUSED: return "paused";
    case HULL_STATUS_STOPPED: return "stopped";
    }
  return "unknown";
}

char *
hull_now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  size_t n = strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
  return strdup (buf);
}

/* ---- generating ---- */

static void
gen_str (yajl_gen g, const char *s)
{
  s = s ? s : "";
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static void
gen_key_str (yajl_gen g, const char *key, const char *value)
{
  gen_str (g, key);
  gen_str (g, value);
}

static void
gen_key_int (yajl_gen g, const char *key, long long value)
{
  gen_str (g, key);
  yajl_gen_integer (g, value);
}

static void
gen_annotations (yajl_gen g, const hull_kvmap *map)
{
  yajl_gen_map_open (g);
  for (size_t i = 0; i < map->n; i++)
    gen_key_str (g, map->items[i].key, map->items[i].value);
  yajl_gen_map_close (g);
}

/* Re-emits a parsed tree; numbers keep their original text. */
static void
gen_tree (yajl_gen g, yajl_val v)
{
  if (v == NULL || YAJL_IS_NULL (v))
    yajl_gen_null (g);
  else if (YAJL_IS_STRING (v))
    gen_str (g, v->u.string);
  else if (YAJL_IS_NUMBER (v))
    yajl_gen_number (g, v->u.number.r, strlen (v->u.number.r));
  else if (YAJL_IS_TRUE (v))
    yajl_gen_bool (g, 1);
  else if (YAJL_IS_FALSE (v))
    yajl_gen_bool (g, 0);
  else if (YAJL_IS_OBJECT (v))
    {
      yajl_gen_map_open (g);
      for (size_t i = 0; i < v->u.object.len; i++)
        {
          gen_str (g, v->u.object.keys[i]);
          gen_tree (g, v->u.object.values[i]);
        }
      yajl_gen_map_close (g);
    }
  else if (YAJL_IS_ARRAY (v))
    {
      yajl_gen_array_open (g);
      for (size_t i = 0; i < v->u.array.len; i++)
        gen_tree (g, v->u.array.values[i]);
      yajl_gen_array_close (g);
    }
}

/* The generator's buffer as a malloc'd string, without yajl's final newline. */
static char *
gen_take (yajl_gen g)
{
  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    return NULL;
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  char *out = malloc (len + 1);
  if (out == NULL)
    return NULL;
  memcpy (out, buf, len);
  out[len] = '\0';
  return out;
}

int
hull_state_save (int dirfd, const hull_state *st, hull_error *err)
{
  cleanup_tree yajl_val cgroup = NULL;
  if (st->cgroup_json)
    {
      char errbuf[256];
      cgroup = yajl_tree_parse (st->cgroup_json, errbuf, sizeof errbuf);
      if (cgroup == NULL)
        return hull_fail (err, EINVAL, "state.json: cgroup record is not JSON: %s", errbuf);
    }

  cleanup_gen yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  yajl_gen_map_open (g);
  gen_key_str (g, "ociVersion", st->oci_version);
  gen_key_str (g, "id", st->id);
  gen_key_str (g, "status", hull_status_name (st->status));
  gen_key_int (g, "pid", st->pid);
  gen_key_str (g, "bundle", st->bundle);
  gen_key_str (g, "rootfs", st->rootfs);
  gen_key_str (g, "created", st->created);
  gen_key_str (g, "owner", st->owner);
  gen_str (g, "annotations");
  gen_annotations (g, &st->annotations);
  gen_str (g, "hull");
  yajl_gen_map_open (g);
  /* Start times fit in 63 bits: clock ticks since boot. */
  gen_key_int (g, "pidStartTime", (long long) st->pid_start_time);
  gen_str (g, "ownPidNs");
  yajl_gen_bool (g, st->own_pid_ns);
  gen_str (g, "cgroup");
  gen_tree (g, cgroup);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);

  cleanup_free char *text = gen_take (g);
  if (text == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  /* hull_write_file_atomic takes a path: name the directory through its fd. */
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fd/%d/" STATE_FILE, dirfd);
  if (hull_write_file_atomic (path, text, strlen (text), 0600, err) < 0)
    return hull_error_prefix (err, "save state: ");
  return 0;
}

/* Pretty-printed like `runc state` (json.MarshalIndent, two spaces, no
 * final newline); pid is 0 once stopped; annotations only when present. */
char *
hull_state_to_oci_json (const hull_state *st)
{
  cleanup_gen yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_config (g, yajl_gen_indent_string, "  ");
  yajl_gen_map_open (g);
  gen_key_str (g, "ociVersion", st->oci_version);
  gen_key_str (g, "id", st->id);
  gen_key_int (g, "pid", st->status == HULL_STATUS_STOPPED ? 0 : st->pid);
  gen_key_str (g, "status", hull_status_name (st->status));
  gen_key_str (g, "bundle", st->bundle);
  gen_key_str (g, "rootfs", st->rootfs);
  gen_key_str (g, "created", st->created);
  if (st->annotations.n > 0)
    {
      gen_str (g, "annotations");
      gen_annotations (g, &st->annotations);
    }
  gen_key_str (g, "owner", st->owner);
  yajl_gen_map_close (g);
  return gen_take (g);
}

/* ---- parsing ---- */

static int
get_str (yajl_val root, const char *key, char **out, hull_error *err)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_any);
  if (v == NULL || YAJL_IS_NULL (v))
    *out = strdup ("");
  else if (YAJL_IS_STRING (v))
    *out = strdup (v->u.string);
  else
    return hull_fail (err, EINVAL, "state.json: .%s: expected a string", key);
  if (*out == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  return 0;
}

static int
get_int (yajl_val root, const char *const *path, const char *name, long long *out, hull_error *err)
{
  yajl_val v = yajl_tree_get (root, (const char **) path, yajl_t_any);
  *out = 0;
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_INTEGER (v) || YAJL_GET_INTEGER (v) < 0)
    return hull_fail (err, EINVAL, "state.json: %s: expected a non-negative integer", name);
  *out = YAJL_GET_INTEGER (v);
  return 0;
}

static int
get_annotations (yajl_val root, hull_kvmap *map, hull_error *err)
{
  const char *path[] = { "annotations", NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_any);
  if (v == NULL || YAJL_IS_NULL (v))
    return 0;
  if (!YAJL_IS_OBJECT (v))
    return hull_fail (err, EINVAL, "state.json: .annotations: expected an object");
  size_t n = v->u.object.len;
  map->items = calloc (n ? n : 1, sizeof *map->items);
  if (map->items == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  for (size_t i = 0; i < n; i++)
    {
      yajl_val val = v->u.object.values[i];
      if (!YAJL_IS_STRING (val))
        return hull_fail (err, EINVAL, "state.json: .annotations[\"%s\"]: expected a string",
                          v->u.object.keys[i]);
      map->items[i].key = strdup (v->u.object.keys[i]);
      map->items[i].value = strdup (val->u.string);
      map->n = i + 1;
      if (map->items[i].key == NULL || map->items[i].value == NULL)
        return hull_fail (err, ENOMEM, "state.json");
    }
  return 0;
}

static int
get_private (yajl_val root, hull_state *st, hull_error *err)
{
  static const char *const start_path[] = { "hull", "pidStartTime", NULL };
  static const char *const pidns_path[] = { "hull", "ownPidNs", NULL };
  static const char *const cgroup_path[] = { "hull", "cgroup", NULL };
  long long start;
  if (get_int (root, start_path, ".hull.pidStartTime", &start, err) < 0)
    return -1;
  st->pid_start_time = (unsigned long long) start;
  st->own_pid_ns = YAJL_IS_TRUE (yajl_tree_get (root, (const char **) pidns_path, yajl_t_any));

  yajl_val cg = yajl_tree_get (root, (const char **) cgroup_path, yajl_t_any);
  if (cg == NULL || YAJL_IS_NULL (cg))
    return 0;
  cleanup_gen yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  gen_tree (g, cg);
  st->cgroup_json = gen_take (g);
  if (st->cgroup_json == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  return 0;
}

static int
parse_state (const char *text, const char *id, hull_state *st, hull_error *err)
{
  char errbuf[256];
  cleanup_tree yajl_val root = yajl_tree_parse (text, errbuf, sizeof errbuf);
  if (root == NULL)
    return hull_fail (err, EINVAL, "state.json: %s", errbuf);
  if (!YAJL_IS_OBJECT (root))
    return hull_fail (err, EINVAL, "state.json: expected an object");

  if (get_str (root, "ociVersion", &st->oci_version, err) < 0
      || get_str (root, "id", &st->id, err) < 0
      || get_str (root, "bundle", &st->bundle, err) < 0
      || get_str (root, "rootfs", &st->rootfs, err) < 0
      || get_str (root, "created", &st->created, err) < 0
      || get_str (root, "owner", &st->owner, err) < 0)
    return -1;
  if (strcmp (st->id, id) != 0)
    return hull_fail (err, EINVAL, "state.json: .id: \"%s\" does not match \"%s\"", st->id, id);

  static const char *const pid_path[] = { "pid", NULL };
  long long pid;
  if (get_int (root, pid_path, ".pid", &pid, err) < 0)
    return -1;
  if (pid > INT_MAX)
    return hull_fail (err, EINVAL, "state.json: .pid: out of range");
  st->pid = (pid_t) pid;

  if (get_annotations (root, &st->annotations, err) < 0)
    return -1;
  return get_private (root, st, err);
}

int
hull_state_load (int dirfd, const char *id, hull_state **out, hull_error *err)
{
  cleanup_free char *text = NULL;
  if (hull_read_file_at (dirfd, STATE_FILE, &text, NULL, err) < 0)
    {
      /* A state dir without state.json: a create that never finished. */
      if (err->errnum == ENOENT)
        {
          hull_fail (err, 0, "container does not exist");
          err->errnum = ENOENT;
        }
      return -1;
    }

  hull_state *st = calloc (1, sizeof *st);
  if (st == NULL)
    return hull_fail (err, ENOMEM, "state.json");
  if (parse_state (text, id, st, err) < 0)
    {
      hull_state_free (st);
      return -1;
    }
  st->status = hull_state_status (dirfd, st);
  *out = st;
  return 0;
}

void
hull_state_free (hull_state *st)
{
  if (st == NULL)
    return;
  free (st->oci_version);
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  for (size_t i = 0; i < st->annotations.n; i++)
    {
      free (st->annotations.items[i].key);
      free (st->annotations.items[i].value);
    }
  free (st->annotations.items);
  free (st->cgroup_json);
  free (st);
}
