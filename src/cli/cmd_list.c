/* list: the containers under the state root, as runc's table or JSON. */
#include "config.h"
#include "cli/cli.h"
#include <hull/cleanup.h>
#include <hull/log.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

static const char list_help[] =
  "Usage: hull list [OPTIONS]\n"
  "\n"
  "List the containers whose state is under the state root (the global --root\n"
  "option, default /run/hull): ID, PID (0 once stopped), STATUS, BUNDLE,\n"
  "CREATED and OWNER (the user owning the container's state).\n"
  "\n"
  "Options:\n"
  "  -f, --format FORMAT   table (default) or json\n"
  "  -q, --quiet           print only the container IDs\n"
  "  -h, --help            show this help\n";

static const struct option list_options[] = {
  { "format", required_argument, NULL, 'f' },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

typedef struct {
  hull_state *st;
  char owner[64];
} entry;

typedef struct {
  entry *items;
  size_t n;
} entries;

static void
entries_free (entries *e)
{
  for (size_t i = 0; i < e->n; i++)
    hull_state_free (e->items[i].st);
  free (e->items);
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
owner_name (uid_t uid, char *buf, size_t size)
{
  struct passwd *pw = getpwuid (uid);
  if (pw)
    snprintf (buf, size, "%s", pw->pw_name);
  else
    snprintf (buf, size, "#%u", (unsigned) uid);
}

/* Loads one container; 0 with e->st NULL when it is not one (debris,
 * a create in progress): those are skipped silently. */
static int
load_entry (int rootfd, const char *name, entry *e)
{
  hull_error err = { 0 };
  e->st = NULL;
  if (hull_id_validate (name, &err) < 0)
    return 0;
  cleanup_close int fd = openat (rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  struct stat sb;
  if (fstat (fd, &sb) < 0)
    return 0;
  owner_name (sb.st_uid, e->owner, sizeof e->owner);
  if (hull_state_load (fd, name, &e->st, &err) < 0)
    {
      if (err.errnum != ENOENT)
        hull_warn ("list: %s: %s", name, err.msg);
      e->st = NULL;
    }
  return 0;
}

/* Containers sorted by ID (byte order, as runc). */
static int
collect (const char *root, entries *out, hull_error *err)
{
  cleanup_closedir DIR *d = opendir (root);
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;  /* nothing was ever created there */
      return hull_fail_errno (err, "open state root %s", root);
    }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int ret = 0;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
        continue;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (n == cap)
        {
          cap = cap ? cap * 2 : 16;
          char **grown = realloc (names, cap * sizeof *names);
          if (grown == NULL)
            {
              ret = hull_fail (err, ENOMEM, "list");
              goto out;
            }
          names = grown;
        }
      if ((names[n] = strdup (de->d_name)) == NULL)
        {
          ret = hull_fail (err, ENOMEM, "list");
          goto out;
        }
      n++;
    }
  if (n > 0)
    qsort (names, n, sizeof *names, by_name);

  out->items = calloc (n ? n : 1, sizeof *out->items);
  if (out->items == NULL)
    {
      ret = hull_fail (err, ENOMEM, "list");
      goto out;
    }
  for (size_t i = 0; i < n; i++)
    {
      entry *e = &out->items[out->n];
      load_entry (dirfd (d), names[i], e);
      if (e->st)
        out->n++;
    }
out:
  for (size_t i = 0; i < n; i++)
    free (names[i]);
  free (names);
  return ret;
}

static pid_t
shown_pid (const hull_state *st)
{
  return st->status == HULL_STATUS_STOPPED ? 0 : st->pid;
}

/* Go's text/tabwriter as runc sets it up (minwidth 12, padding 3): every
 * column but the last is max(12, widest cell + 3) wide. */
static void
print_table (const entries *e)
{
  enum { COLS = 6 };
  static const char *const header[COLS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  size_t width[COLS];
  char (*pids)[24] = calloc (e->n ? e->n : 1, sizeof *pids);
  if (pids == NULL)
    return;
  for (int c = 0; c < COLS; c++)
    width[c] = strlen (header[c]);
  for (size_t i = 0; i < e->n; i++)
    {
      const hull_state *st = e->items[i].st;
      snprintf (pids[i], sizeof pids[i], "%d", (int) shown_pid (st));
      const char *cells[COLS] = { st->id, pids[i], hull_status_name (st->status), st->bundle,
                                  st->created, e->items[i].owner };
      for (int c = 0; c < COLS; c++)
        if (strlen (cells[c]) > width[c])
          width[c] = strlen (cells[c]);
    }
  for (int c = 0; c < COLS; c++)
    width[c] = width[c] + 3 < 12 ? 12 : width[c] + 3;

  for (size_t i = 0; i <= e->n; i++)
    {
      const char *cells[COLS];
      if (i == 0)
        memcpy (cells, header, sizeof cells);
      else
        {
          const hull_state *st = e->items[i - 1].st;
          const char *row[COLS] = { st->id, pids[i - 1], hull_status_name (st->status),
                                    st->bundle, st->created, e->items[i - 1].owner };
          memcpy (cells, row, sizeof cells);
        }
      for (int c = 0; c < COLS - 1; c++)
        printf ("%-*s", (int) width[c], cells[c]);
      printf ("%s\n", cells[COLS - 1]);
    }
  free (pids);
}

static void
gen_str (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

/* As runc's json.Encoder: one compact line, "null" for no containers. */
static void
print_json (const entries *e)
{
  if (e->n == 0)
    {
      puts ("null");
      return;
    }
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return;
  yajl_gen_array_open (g);
  for (size_t i = 0; i < e->n; i++)
    {
      const hull_state *st = e->items[i].st;
      yajl_gen_map_open (g);
      gen_str (g, "ociVersion");
      gen_str (g, st->oci_version);
      gen_str (g, "id");
      gen_str (g, st->id);
      gen_str (g, "pid");
      yajl_gen_integer (g, shown_pid (st));
      gen_str (g, "status");
      gen_str (g, hull_status_name (st->status));
      gen_str (g, "bundle");
      gen_str (g, st->bundle);
      gen_str (g, "rootfs");
      gen_str (g, st->rootfs);
      gen_str (g, "created");
      gen_str (g, st->created);
      if (st->annotations.n > 0)
        {
          gen_str (g, "annotations");
          yajl_gen_map_open (g);
          for (size_t k = 0; k < st->annotations.n; k++)
            {
              gen_str (g, st->annotations.items[k].key);
              gen_str (g, st->annotations.items[k].value);
            }
          yajl_gen_map_close (g);
        }
      gen_str (g, "owner");
      gen_str (g, e->items[i].owner);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    printf ("%.*s\n", (int) len, (const char *) buf);
  yajl_gen_free (g);
}

int
cmd_list (const hull_context *ctx, int argc, char **argv)
{
  const char *format = "table";
  bool quiet = false;
  cli_getopt_reset ();
  int c;
  while ((c = getopt_long (argc, argv, ":f:qh", list_options, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'q': quiet = true; break;
      case 'h': return cli_usage (list_help);
      default: return cli_bad_option ("list", c, argv);
      }
  if (cli_check_args ("list", argc - optind, 0, 0) != 0)
    return 1;
  bool json = strcmp (format, "json") == 0;
  if (!json && strcmp (format, "table") != 0)
    return cli_error ("invalid format option");  /* runc's phrase */

  entries e = { 0 };
  hull_error err = { 0 };
  if (collect (ctx->root, &e, &err) < 0)
    {
      entries_free (&e);
      return cli_fail (&err);
    }
  if (quiet)
    for (size_t i = 0; i < e.n; i++)
      puts (e.items[i].st->id);
  else if (json)
    print_json (&e);
  else
    print_table (&e);
  entries_free (&e);
  if (fflush (stdout) != 0)
    {
      hull_fail_errno (&err, "write list");
      return cli_fail (&err);
    }
  return 0;
}
