/* Parsing of the block IO statistics (pure): v1's blkio.* files and v2's
 * io.stat, mapped onto v1's lists as runc does. */
#include "config.h"
#include "cgroup/stats.h"
#include <hull/cleanup.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
bad_value (hull_error *err, const char *file, const char *what)
{
  return hull_fail (err, 0, "%s: invalid value \"%.64s\"", file, what);
}

static int
blkio_push (hull_cg_blkio_list *l, uint64_t major, uint64_t minor, const char *op, uint64_t v)
{
  hull_cg_blkio_entry *nv = realloc (l->v, (l->n + 1) * sizeof *nv);
  if (nv == NULL)
    return -1;
  l->v = nv;
  hull_cg_blkio_entry *e = &l->v[l->n++];
  *e = (hull_cg_blkio_entry) { .major = major, .minor = minor, .value = v };
  snprintf (e->op, sizeof e->op, "%s", op);
  return 0;
}

static void
blkio_clear (hull_cg_blkio_list *l)
{
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

/* Which list a v1 blkio file fills: blkio.[bfq.|throttle.]NAME[_recursive]. */
static int
blkio_list_index (const char *file)
{
  static const char *const names[HULL_CG_BLKIO_N] = {
    "io_service_bytes", "io_serviced", "io_queued", "io_service_time",
    "io_wait_time",     "io_merged",   "time",      "sectors",
  };
  if (strncmp (file, "blkio.", 6) != 0)
    return -1;
  const char *p = file + 6;
  if (strncmp (p, "bfq.", 4) == 0)
    p += 4;
  else if (strncmp (p, "throttle.", 9) == 0)
    p += 9;
  size_t len = strlen (p);
  if (len > 10 && strcmp (p + len - 10, "_recursive") == 0)
    len -= 10;
  for (int i = 0; i < HULL_CG_BLKIO_N; i++)
    if (strlen (names[i]) == len && strncmp (p, names[i], len) == 0)
      return i;
  return -1;
}

/* "8:0 Read 1282048", "8:0 6792" (sectors, time), "Total 3477504". */
static int
parse_blkio_v1 (hull_cg_blkio_list *l, const char *file, const char *text, hull_error *err)
{
  blkio_clear (l);
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *f[5], *s2 = NULL;
      size_t n = 0;
      for (char *tok = strtok_r (line, " :", &s2); tok && n < 5; tok = strtok_r (NULL, " :", &s2))
        f[n++] = tok;
      if (n == 0 || (n == 2 && strcmp (f[0], "Total") == 0))
        continue;
      uint64_t major, minor, v;
      if (n < 3 || n > 4)
        return hull_fail (err, 0, "%s: malformed line \"%.64s\"", file, f[0]);
      if (hull_cg_parse_u64 (f[0], &major) < 0 || hull_cg_parse_u64 (f[1], &minor) < 0)
        return hull_fail (err, 0, "%s: invalid device \"%s:%s\"", file, f[0], f[1]);
      if (hull_cg_parse_u64 (f[n - 1], &v) < 0)
        return bad_value (err, file, f[n - 1]);
      if (blkio_push (l, major, minor, n == 4 ? f[2] : "", v) < 0)
        return hull_fail (err, ENOMEM, "%s", file);
    }
  return 0;
}

/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0": mapped onto v1's
 * io_service_bytes and io_serviced as runc does; the rest has no v1 name. */
static int
parse_io_stat (hull_cgroup_stats *s, const char *file, const char *text, hull_error *err)
{
  hull_cg_blkio_list *bytes = &s->blkio.lists[HULL_CG_BLKIO_SERVICE_BYTES];
  hull_cg_blkio_list *ios = &s->blkio.lists[HULL_CG_BLKIO_SERVICED];
  blkio_clear (bytes);
  blkio_clear (ios);
  cleanup_free char *copy = strdup (text);
  if (copy == NULL)
    return hull_fail (err, ENOMEM, "%s", file);
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *s2 = NULL;
      char *dev = strtok_r (line, " ", &s2);
      unsigned long long major, minor;
      int used = 0;
      if (dev == NULL || sscanf (dev, "%llu:%llu%n", &major, &minor, &used) != 2
          || dev[used] != '\0')
        continue;
      for (char *kv = strtok_r (NULL, " ", &s2); kv; kv = strtok_r (NULL, " ", &s2))
        {
          char *eq = strchr (kv, '=');
          if (eq == NULL)
            continue;
          *eq++ = '\0';
          hull_cg_blkio_list *l;
          const char *op;
          if (strcmp (kv, "rbytes") == 0 || strcmp (kv, "wbytes") == 0)
            l = bytes;
          else if (strcmp (kv, "rios") == 0 || strcmp (kv, "wios") == 0)
            l = ios;
          else
            continue;
          op = kv[0] == 'r' ? "Read" : "Write";
          uint64_t v;
          if (hull_cg_parse_u64 (eq, &v) < 0)
            return bad_value (err, file, eq);
          if (blkio_push (l, major, minor, op, v) < 0)
            return hull_fail (err, ENOMEM, "%s", file);
        }
    }
  return 0;
}

const char *const *const hull_cg_blkio_groups[] = {
  (const char *const[]) { "blkio.bfq.sectors_recursive", "blkio.bfq.io_service_time_recursive",
                          "blkio.bfq.io_wait_time_recursive", "blkio.bfq.io_merged_recursive",
                          "blkio.bfq.io_queued_recursive", "blkio.bfq.time_recursive",
                          "blkio.bfq.io_serviced_recursive",
                          "blkio.bfq.io_service_bytes_recursive", NULL },
  (const char *const[]) { "blkio.bfq.io_serviced_recursive",
                          "blkio.bfq.io_service_bytes_recursive", NULL },
  (const char *const[]) { "blkio.sectors_recursive", "blkio.io_service_time_recursive",
                          "blkio.io_wait_time_recursive", "blkio.io_merged_recursive",
                          "blkio.io_queued_recursive", "blkio.time_recursive",
                          "blkio.io_serviced_recursive", "blkio.io_service_bytes_recursive",
                          NULL },
  (const char *const[]) { "blkio.throttle.io_serviced_recursive",
                          "blkio.throttle.io_service_bytes_recursive", NULL },
  (const char *const[]) { "blkio.throttle.io_serviced", "blkio.throttle.io_service_bytes", NULL },
  NULL,
};

int
hull_cg_stats_parse_blkio (hull_cgroup_stats *s, bool v2, const char *file, const char *text,
                           hull_error *err)
{
  if (v2)
    return strcmp (file, "io.stat") == 0 ? parse_io_stat (s, file, text, err) : 1;
  int i = blkio_list_index (file);
  return i < 0 ? 1 : parse_blkio_v1 (&s->blkio.lists[i], file, text, err);
}
