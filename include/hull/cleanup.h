/* GCC cleanup attributes so early returns cannot leak fds, memory or handles. */
#ifndef HULL_CLEANUP_H
#define HULL_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>

static inline void
hull_freep (void *p)
{
  void **pp = (void **) p;
  free (*pp);
  *pp = NULL;
}

static inline void
hull_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
  *fd = -1;
}

static inline void
hull_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
  *f = NULL;
}

static inline void
hull_closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
  *d = NULL;
}

#define cleanup_free __attribute__ ((cleanup (hull_freep)))
#define cleanup_close __attribute__ ((cleanup (hull_closep)))
#define cleanup_fclose __attribute__ ((cleanup (hull_fclosep)))
#define cleanup_closedir __attribute__ ((cleanup (hull_closedirp)))

/* Hand ownership out of a cleanup variable. */
#define steal_fd(fd) __extension__ ({ int _t = (fd); (fd) = -1; _t; })
#define steal_ptr(p) __extension__ ({ __typeof__ (p) _t = (p); (p) = NULL; _t; })

#endif
