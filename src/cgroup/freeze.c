/* pause/resume: the cgroup freezer. v1 (and hybrid hosts, whose unified
 * tree has no controllers hull uses) write freezer.state; pure v2 writes
 * cgroup.freeze and waits for cgroup.events to report "frozen 1". */
#include "config.h"
#include "cgroup/internal.h"
#include <hull/cleanup.h>
#include <hull/fs.h>
#include <errno.h>
#include <string.h>
#include <time.h>

/* How long a freeze or thaw may take before it is reported as failed. */
#define FREEZE_TIMEOUT_MS 2000
/* v1: a task stuck in a non-freezable sleep can keep the cgroup FREEZING;
 * thawing briefly every so many attempts lets it move on (as runc does). */
#define FREEZE_UNSTICK_EVERY 50

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The directory that carries the freezer, and whether it is cgroup2's. */
static const hull_cgroup_dir *
freezer_dir (const hull_cgroup *cg, bool *v2)
{
  *v2 = false;
  if (cg == NULL)
    return NULL;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      const hull_cgroup_dir *d = &cg->dirs[i];
      if (cg->layout == HULL_CGROUP_LAYOUT_V2 && d->controller[0] == '\0')
        {
          *v2 = true;
          return d;
        }
      if (cg->layout != HULL_CGROUP_LAYOUT_V2 && hull_cg_list_has (d->controller, "freezer"))
        return d;
    }
  return NULL;
}

/* Reads dir/name, trailing newline stripped, malloc'd; NULL on error. */
static char *
read_knob (const char *dir, const char *name, hull_error *err)
{
  cleanup_free char *path = hull_path_join (dir, name);
  if (path == NULL)
    {
      hull_fail (err, ENOMEM, "%s", name);
      return NULL;
    }
  char *text = NULL;
  if (hull_read_file (path, &text, NULL, err) < 0)
    return NULL;
  text[strcspn (text, "\n")] = '\0';
  return text;
}

static int
write_knob (const char *dir, const char *name, const char *value, hull_error *err)
{
  cleanup_free char *path = hull_path_join (dir, name);
  if (path == NULL)
    return hull_fail (err, ENOMEM, "%s", name);
  return hull_write_file (path, value, strlen (value), err);
}

static int
v1_set (const char *dir, bool frozen, hull_error *err)
{
  const char *want = frozen ? "FROZEN" : "THAWED";
  long deadline = now_ms () + FREEZE_TIMEOUT_MS;
  long delay = 1;
  for (unsigned attempt = 1;; attempt++)
    {
      if (frozen && attempt % FREEZE_UNSTICK_EVERY == 0
          && write_knob (dir, "freezer.state", "THAWED", err) < 0)
        return -1;
      /* Rewritten each round: a task forked while FREEZING may otherwise
       * keep the state from ever reaching FROZEN. */
      if (write_knob (dir, "freezer.state", want, err) < 0)
        return -1;
      cleanup_free char *state = read_knob (dir, "freezer.state", err);
      if (state == NULL)
        return -1;
      if (strcmp (state, want) == 0)
        return 0;
      if (now_ms () >= deadline)
        {
          if (frozen)
            {
              /* Leave it running rather than half frozen. */
              hull_error ignored;
              write_knob (dir, "freezer.state", "THAWED", &ignored);
            }
          return hull_fail (err, ETIMEDOUT, "%s/freezer.state: still %s after %d ms, wanted %s",
                            dir, state, FREEZE_TIMEOUT_MS, want);
        }
      sleep_ms (delay);
      if (delay < 10)
        delay++;
    }
}

/* Whether cgroup.events has the line "frozen 1" (or "frozen 0"). */
static int
v2_events_frozen (const char *dir, bool *frozen, hull_error *err)
{
  cleanup_free char *path = hull_path_join (dir, "cgroup.events");
  cleanup_free char *text = NULL;
  if (path == NULL)
    return hull_fail (err, ENOMEM, "cgroup.events");
  if (hull_read_file (path, &text, NULL, err) < 0)
    return -1;
  for (const char *p = text; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, "frozen ", 7) == 0)
      {
        *frozen = p[7] == '1';
        return 0;
      }
  return hull_fail (err, 0, "%s: no \"frozen\" line (kernel without the cgroup2 freezer?)", path);
}

static int
v2_set (const char *dir, bool frozen, hull_error *err)
{
  if (write_knob (dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    {
      if (err->errnum == ENOENT)
        return hull_fail (err, 0, "%s: the kernel has no cgroup2 freezer (cgroup.freeze, Linux 5.2)",
                          dir);
      return -1;
    }
  long deadline = now_ms () + FREEZE_TIMEOUT_MS;
  long delay = 1;
  for (;;)
    {
      bool now = !frozen;
      if (v2_events_frozen (dir, &now, err) < 0)
        return -1;
      if (now == frozen)
        return 0;
      if (now_ms () >= deadline)
        {
          if (frozen)
            {
              hull_error ignored;
              write_knob (dir, "cgroup.freeze", "0", &ignored);
            }
          return hull_fail (err, ETIMEDOUT, "%s: cgroup.events not \"frozen %d\" after %d ms", dir,
                            frozen ? 1 : 0, FREEZE_TIMEOUT_MS);
        }
      sleep_ms (delay);
      if (delay < 10)
        delay++;
    }
}

int
hull_cgroup_freeze (const hull_cgroup *cg, bool frozen, hull_error *err)
{
  bool v2;
  const hull_cgroup_dir *d = freezer_dir (cg, &v2);
  if (d == NULL)
    return hull_fail (err, 0, "the container has no freezer cgroup (created with "
                      "--cgroup-manager disabled, or no freezer hierarchy mounted)");
  return v2 ? v2_set (d->path, frozen, err) : v1_set (d->path, frozen, err);
}

bool
hull_cgroup_is_frozen (const hull_cgroup *cg)
{
  bool v2;
  const hull_cgroup_dir *d = freezer_dir (cg, &v2);
  if (d == NULL)
    return false;
  hull_error ignored;
  /* v2: the requested state, as runc reads it; v1: FREEZING counts as
   * paused too, since a pause is under way or stuck half done. */
  cleanup_free char *state = read_knob (d->path, v2 ? "cgroup.freeze" : "freezer.state", &ignored);
  if (state == NULL)
    return false;
  return v2 ? strcmp (state, "1") == 0 : strcmp (state, "THAWED") != 0;
}

int
hull_cg_check_not_frozen (const hull_cgroup *cg, hull_error *err)
{
  bool v2;
  const hull_cgroup_dir *d = freezer_dir (cg, &v2);
  if (d == NULL)
    return 0;
  hull_error ignored;
  bool frozen = false;
  if (v2)
    {
      /* cgroup.freeze is the cgroup's own request (what runc reads);
       * cgroup.events also says "frozen 1" under a frozen ancestor. */
      cleanup_free char *self = read_knob (d->path, "cgroup.freeze", &ignored);
      frozen = self != NULL && strcmp (self, "1") == 0;
      if (!frozen && v2_events_frozen (d->path, &frozen, &ignored) < 0)
        frozen = false; /* a kernel without the cgroup2 freezer */
    }
  else
    {
      /* FROZEN also when only an ancestor is (runc: only when self_freezing). */
      cleanup_free char *state = read_knob (d->path, "freezer.state", &ignored);
      frozen = state != NULL && strcmp (state, "THAWED") != 0;
    }
  if (frozen)
    return hull_fail (err, 0, "container's cgroup unexpectedly frozen (%s/%s)", d->path,
                      v2 ? "cgroup.freeze" : "freezer.state");
  return 0;
}
