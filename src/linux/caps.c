/* process.capabilities: names to masks, checked in the runtime against what
 * the kernel and our own bounding set allow; applied in init. */
#include "config.h"
#include "linux/caps.h"
#include <hull/cleanup.h>
#include <hull/log.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#define CAP_BIT(c) (UINT64_C (1) << (c))

/* The five sets, in the order the spec lists them. */
enum { SET_BOUNDING, SET_EFFECTIVE, SET_INHERITABLE, SET_PERMITTED, SET_AMBIENT, N_SETS };

static const char *const set_names[N_SETS]
    = { "bounding", "effective", "inheritable", "permitted", "ambient" };

static const hull_strv *
set_list (const hull_capabilities *caps, int set)
{
  switch (set)
    {
    case SET_BOUNDING:
      return &caps->bounding;
    case SET_EFFECTIVE:
      return &caps->effective;
    case SET_INHERITABLE:
      return &caps->inheritable;
    case SET_PERMITTED:
      return &caps->permitted;
    default:
      return &caps->ambient;
    }
}

static uint64_t *
set_mask (hull_cap_masks *m, int set)
{
  switch (set)
    {
    case SET_BOUNDING:
      return &m->bounding;
    case SET_EFFECTIVE:
      return &m->effective;
    case SET_INHERITABLE:
      return &m->inheritable;
    case SET_PERMITTED:
      return &m->permitted;
    default:
      return &m->ambient;
    }
}

int
hull_caps_last_cap (void)
{
  cleanup_close int fd = open ("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      char buf[16];
      ssize_t n = read (fd, buf, sizeof buf - 1);
      if (n > 0)
        {
          buf[n] = '\0';
          char *end;
          long v = strtol (buf, &end, 10);
          if (end != buf && v >= 0 && v < 64)
            return (int) v;
        }
    }
  /* No procfs (init after pivot may have none): the kernel answers EINVAL
   * for capabilities it does not know. */
  int last = 0;
  while (last < 63 && prctl (PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0)
    last++;
  return last;
}

/* "CAP_CHOWN" for a number, in buf. */
static const char *
cap_upper_name (int cap, char *buf, size_t size)
{
  char *name = cap_to_name ((cap_value_t) cap);
  if (name == NULL)
    snprintf (buf, size, "capability %d", cap);
  else
    {
      /* libcap names capabilities it does not know by their number. */
      if (strncmp (name, "cap_", 4) == 0)
        {
          size_t i;
          for (i = 0; name[i] && i + 1 < size; i++)
            buf[i] = (char) toupper ((unsigned char) name[i]);
          buf[i] = '\0';
        }
      else
        snprintf (buf, size, "capability %d", cap);
      cap_free (name);
    }
  return buf;
}

/* Like runc: the exact upper-case "CAP_" name, nothing libcap would also
 * accept ("chown", "cap_chown", "5"). Returns the number or -1. */
static int
cap_number (const char *name)
{
  if (strncmp (name, "CAP_", 4) != 0 || name[4] == '\0')
    return -1;
  for (const char *p = name; *p; p++)
    if (!(isupper ((unsigned char) *p) || isdigit ((unsigned char) *p) || *p == '_'))
      return -1;
  cap_value_t v;
  if (cap_from_name (name, &v) < 0 || v < 0 || v > 63)
    return -1;
  return (int) v;
}

/* Where cap first appears in a name list, for messages. */
static size_t
index_of (const hull_strv *list, int cap)
{
  for (size_t i = 0; i < list->n; i++)
    if (cap_number (list->v[i]) == cap)
      return i;
  return 0;
}

/* Every capability of set a must also be in set b. */
static int
require_subset (const hull_capabilities *caps, hull_cap_masks *m, int a, int b,
                const char *why, hull_error *err)
{
  uint64_t extra = *set_mask (m, a) & ~*set_mask (m, b);
  if (extra == 0)
    return 0;
  int cap = __builtin_ctzll (extra);
  char name[64];
  return hull_fail (err, 0,
                    "config.json: .process.capabilities.%s[%zu]: %s is not in "
                    ".process.capabilities.%s (%s)",
                    set_names[a], index_of (set_list (caps, a), cap),
                    cap_upper_name (cap, name, sizeof name), set_names[b], why);
}

int
hull_caps_resolve (const hull_capabilities *caps, bool warn, hull_cap_masks *out,
                   hull_error *err)
{
  memset (out, 0, sizeof *out);
  if (caps == NULL)
    return 0;
  int last = hull_caps_last_cap ();
  for (int s = 0; s < N_SETS; s++)
    {
      const hull_strv *list = set_list (caps, s);
      uint64_t *mask = set_mask (out, s);
      for (size_t i = 0; i < list->n; i++)
        {
          const char *name = list->v[i];
          int cap = cap_number (name);
          if (cap < 0)
            return hull_fail (err, 0,
                              "config.json: .process.capabilities.%s[%zu]: unknown capability "
                              "\"%s\"",
                              set_names[s], i, HULL_SHORT (name));
          if (cap > last)
            {
              /* Known to libcap, newer than this kernel: as runc, ignore it. */
              if (warn)
                hull_warn ("config.json: .process.capabilities.%s[%zu]: %s is not supported "
                           "by the running kernel (last capability %d), ignored",
                           set_names[s], i, name, last);
              continue;
            }
          /* Nothing outside our own bounding set can be had, in any user
           * namespace: say so instead of dropping it silently. */
          if (prctl (PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
            return hull_fail (err, 0,
                              "config.json: .process.capabilities.%s[%zu]: %s is not in hull's "
                              "own bounding set (the host does not grant it)",
                              set_names[s], i, name);
          *mask |= CAP_BIT (cap);
        }
    }
  /* What capset(2) and PR_CAP_AMBIENT_RAISE would refuse in init. */
  if (require_subset (caps, out, SET_EFFECTIVE, SET_PERMITTED,
                      "an effective capability must be permitted", err) < 0
      || require_subset (caps, out, SET_INHERITABLE, SET_BOUNDING,
                         "the kernel refuses an inheritable capability outside the bounding set",
                         err) < 0
      )
    return -1;
  /* The kernel only raises ambient capabilities that are inheritable and
   * permitted. runc warns and skips the others, and configs written by
   * `runc spec` 1.1 have ambient without inheritable: do the same. */
  uint64_t unraisable = out->ambient & ~(out->inheritable & out->permitted);
  for (int cap = 0; warn && cap < 64; cap++)
    if (unraisable & CAP_BIT (cap))
      {
        char name[64];
        hull_warn ("config.json: .process.capabilities.ambient: %s is not both inheritable "
                   "and permitted; the kernel cannot raise it, skipped",
                   cap_upper_name (cap, name, sizeof name));
      }
  out->ambient &= ~unraisable;
  return 0;
}

int
hull_caps_apply_bounding (const hull_cap_masks *m, hull_error *err)
{
  int last = hull_caps_last_cap ();
  for (int cap = 0; cap <= last; cap++)
    {
      if (m->bounding & CAP_BIT (cap))
        continue;
      if (prctl (PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
        continue;
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
        {
          char name[64];
          return hull_fail_errno (err, "prctl PR_CAPBSET_DROP %s",
                                  cap_upper_name (cap, name, sizeof name));
        }
    }
  return 0;
}

static void
cap_freep (cap_t *c)
{
  if (*c)
    cap_free (*c);
}

int
hull_caps_apply_sets (const hull_cap_masks *m, hull_error *err)
{
  __attribute__ ((cleanup (cap_freep))) cap_t c = cap_init ();
  if (c == NULL)
    return hull_fail_errno (err, "cap_init");
  for (int cap = 0; cap < 64; cap++)
    {
      cap_value_t v = cap;
      if ((m->effective & CAP_BIT (cap))
          && cap_set_flag (c, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0)
        return hull_fail_errno (err, "cap_set_flag");
      if ((m->permitted & CAP_BIT (cap))
          && cap_set_flag (c, CAP_PERMITTED, 1, &v, CAP_SET) < 0)
        return hull_fail_errno (err, "cap_set_flag");
      if ((m->inheritable & CAP_BIT (cap))
          && cap_set_flag (c, CAP_INHERITABLE, 1, &v, CAP_SET) < 0)
        return hull_fail_errno (err, "cap_set_flag");
    }
  if (cap_set_proc (c) < 0)
    return hull_fail_errno (err, "capset: effective %#llx, permitted %#llx, inheritable %#llx",
                            (unsigned long long) m->effective,
                            (unsigned long long) m->permitted,
                            (unsigned long long) m->inheritable);

  /* Kernels before 4.3 have no ambient set: fine as long as none is asked. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0
      && !(errno == EINVAL && m->ambient == 0))
    return hull_fail_errno (err, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
  for (int cap = 0; cap < 64; cap++)
    if ((m->ambient & CAP_BIT (cap))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      {
        char name[64];
        return hull_fail_errno (err, "prctl PR_CAP_AMBIENT_RAISE %s",
                                cap_upper_name (cap, name, sizeof name));
      }
  return 0;
}
