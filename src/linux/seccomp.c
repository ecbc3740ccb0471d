/* linux.seccomp with libseccomp.
 *
 * libseccomp only compiles: the whole filter is built and exported as BPF
 * by hull_seccomp_check in the runtime (so a bad filter fails `create`
 * with nothing made) and again by hull_seccomp_prepare in init. Loading is
 * then one seccomp(2) call, which lets us pass every filter flag the spec
 * names (libseccomp 2.5 has no attribute for WAIT_KILLABLE_RECV) and get
 * the notify fd from the same call.
 *
 * Rules follow runc: errnoRet defaults to EPERM for ERRNO and TRACE; rules
 * whose action equals the default action are skipped; unknown syscall
 * names are ignored; args of one rule are AND'ed, unless two of them test
 * the same argument, in which case each arg becomes a rule of its own (an
 * OR). SCMP_ACT_NOTIFY may not be the default action, nor be used for
 * write (runc's rule) or sendmsg. A stub in front of the filter makes
 * syscalls newer than the profile fail with ENOSYS (seccomp_enosys.c).
 *
 * init loads the filter as its last step before execve (apply.c), so only
 * the program's own syscalls need to be allowed. */
#include "config.h"
#include "linux/security.h"
#include "linux/seccomp_enosys.h"
#include <hull/cleanup.h>
#include <hull/log.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <yajl/yajl_gen.h>

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
# define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
# define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The runtime-spec version of the ContainerProcessState we send. */
#define PROCESS_STATE_VERSION "1.3.0"

struct hull_seccomp_ctx {
  struct sock_filter *insns;
  unsigned short n_insns;
  unsigned int flags;          /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;                 /* some rule is SCMP_ACT_NOTIFY */
  int listener_fd;             /* connected to listenerPath, or -1 */
  char *message;               /* the ContainerProcessState JSON */
};

/* ---------------------------------------------------------------- names */

static const struct {
  const char *name;
  uint32_t action;
  bool takes_errno;            /* errnoRet is its data (ERRNO, TRACE) */
} actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0), true },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0), true },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

static const struct {
  const char *name;
  enum scmp_compare op;
} operators[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct {
  const char *name;
  unsigned int flag;
} filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

#define N(a) (sizeof (a) / sizeof (a)[0])

const char *
hull_seccomp_flag_name (size_t i)
{
  return i < N (filter_flags) ? filter_flags[i].name : NULL;
}

bool
hull_seccomp_flag_supported (size_t i)
{
  if (i >= N (filter_flags))
    return false;
  unsigned int flag = filter_flags[i].flag;
  /* The kernel refuses WAIT_KILLABLE_RECV without a listener. */
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  /* With no filter, a known flag fails on the NULL pointer (EFAULT) and an
     unknown one on the flag (EINVAL): nothing is installed either way. */
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static const hull_seccomp *
spec_seccomp (const hull_spec *spec)
{
  return spec->linux_ ? spec->linux_->seccomp : NULL;
}

/* The libseccomp action for a spec action and its optional errnoRet. */
static int
resolve_action (const char *what, const char *name, const hull_opt_u64 *errno_ret,
                uint32_t *out, hull_error *err)
{
  for (size_t i = 0; i < N (actions); i++)
    {
      if (strcmp (actions[i].name, name) != 0)
        continue;
      *out = actions[i].action;
      if (actions[i].takes_errno)
        {
          /* runc's default; the kernel keeps 16 bits of return data. */
          uint64_t v = errno_ret->set ? errno_ret->v : EPERM;
          if (v > 0xffff)
            return hull_fail (err, 0, "config.json: .linux.seccomp.%s: errnoRet %llu out of range "
                              "(0..65535)", what, (unsigned long long) v);
          *out |= (uint32_t) v;
        }
      return 0;
    }
  return hull_fail (err, 0, "config.json: .linux.seccomp.%s: unknown seccomp action \"%s\"",
                    what, name);
}

static int
resolve_operator (const char *name, enum scmp_compare *out)
{
  for (size_t i = 0; i < N (operators); i++)
    if (strcmp (operators[i].name, name) == 0)
      {
        *out = operators[i].op;
        return 0;
      }
  return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64", 0 when unknown. */
static uint32_t
resolve_arch (const char *name)
{
  static const char prefix[] = "SCMP_ARCH_";
  char lower[32];
  size_t len = strlen (name);
  if (strncmp (name, prefix, sizeof prefix - 1) != 0 || len - (sizeof prefix - 1) >= sizeof lower)
    return 0;
  size_t i = 0;
  for (const char *p = name + sizeof prefix - 1; *p; p++)
    lower[i++] = (char) tolower ((unsigned char) *p);
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower);
}

/* ------------------------------------------------------------- compiling */

static void
release_filter (scmp_filter_ctx *f)
{
  if (*f)
    seccomp_release (*f);
  *f = NULL;
}

#define cleanup_filter __attribute__ ((cleanup (release_filter)))

/* One entry of .syscalls: a rule per known name. */
static int
add_syscall_rules (scmp_filter_ctx f, const hull_seccomp_syscall *sc, size_t idx,
                   uint32_t default_action, bool quiet, hull_error *err)
{
  char what[64];
  uint32_t action;
  snprintf (what, sizeof what, "syscalls[%zu].action", idx);
  if (resolve_action (what, sc->action, &sc->errno_ret, &action, err) < 0)
    return -1;
  /* libseccomp refuses a rule that repeats the default; runc skips it. */
  if (action == default_action)
    return 0;

  size_t n = sc->n_args;
  unsigned int per_index[6] = { 0 };
  bool same_index = false;
  cleanup_free struct scmp_arg_cmp *cmps = calloc (n ? n : 1, sizeof *cmps);
  if (cmps == NULL)
    return hull_fail (err, ENOMEM, "seccomp");
  for (size_t i = 0; i < n; i++)
    {
      const hull_seccomp_arg *a = &sc->args[i];
      enum scmp_compare op;
      if (a->index >= 6 || resolve_operator (a->op, &op) < 0)
        return hull_fail (err, 0, "config.json: .linux.seccomp.syscalls[%zu].args[%zu]: "
                          "invalid index or operator", idx, i);
      /* For MASKED_EQ value is the mask and valueTwo the datum, as in
         libseccomp's SCMP_CMP (arg, SCMP_CMP_MASKED_EQ, mask, datum). */
      cmps[i] = (struct scmp_arg_cmp) { .arg = a->index, .op = op,
                                        .datum_a = a->value, .datum_b = a->value_two };
      if (++per_index[a->index] > 1)
        same_index = true;
    }

  for (size_t j = 0; j < sc->names.n; j++)
    {
      const char *name = sc->names.v[j];
      int nr = seccomp_syscall_resolve_name (name);
      if (nr == __NR_SCMP_ERROR)
        {
          /* Likely newer than this libseccomp or another arch's: as runc. */
          if (!quiet)
            hull_debug ("seccomp: unknown syscall \"%s\" ignored", name);
          continue;
        }
      int r = 0;
      if (!same_index)
        r = seccomp_rule_add_array (f, action, nr, (unsigned int) n, n ? cmps : NULL);
      else
        for (size_t i = 0; i < n && r == 0; i++)
          r = seccomp_rule_add_array (f, action, nr, 1, &cmps[i]);
      if (r < 0)
        return hull_fail (err, -r, "config.json: .linux.seccomp.syscalls[%zu]: add a rule "
                          "for \"%s\"", idx, name);
    }
  return 0;
}

/* Builds the filter and exports it as BPF into ctx (insns, flags, notify).
 * quiet: no debug log (init has no log fd). */
static int
compile (const hull_seccomp *s, hull_seccomp_ctx *ctx, bool quiet, hull_error *err)
{
  uint32_t default_action;
  if (resolve_action ("defaultAction", s->default_action, &s->default_errno_ret,
                      &default_action, err) < 0)
    return -1;
  /* Every syscall would wait for the listener, even the sendmsg that
     hands it the fd. */
  if (default_action == SCMP_ACT_NOTIFY)
    return hull_fail (err, 0, "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY "
                      "cannot be the default action");

  ctx->flags = 0;
  for (size_t i = 0; i < s->flags.n; i++)
    {
      size_t k;
      for (k = 0; k < N (filter_flags); k++)
        if (strcmp (s->flags.v[i], filter_flags[k].name) == 0)
          break;
      if (k == N (filter_flags))
        return hull_fail (err, 0, "config.json: .linux.seccomp.flags[%zu]: unknown seccomp "
                          "flag \"%s\"", i, s->flags.v[i]);
      ctx->flags |= filter_flags[k].flag;
    }

  cleanup_filter scmp_filter_ctx f = seccomp_init (default_action);
  if (f == NULL)
    return hull_fail (err, EINVAL, "seccomp: create a filter with default action %s",
                      s->default_action);
  if (s->architectures.n > HULL_SECCOMP_MAX_ARCHS)
    return hull_fail (err, 0, "config.json: .linux.seccomp.architectures: more than %d",
                      HULL_SECCOMP_MAX_ARCHS);
  uint32_t archs[HULL_SECCOMP_MAX_ARCHS];
  for (size_t i = 0; i < s->architectures.n; i++)
    {
      uint32_t arch = archs[i] = resolve_arch (s->architectures.v[i]);
      if (arch == 0)
        return hull_fail (err, 0, "config.json: .linux.seccomp.architectures[%zu]: unknown "
                          "architecture \"%s\"", i, s->architectures.v[i]);
      int r = seccomp_arch_add (f, arch);
      if (r < 0 && r != -EEXIST)
        return hull_fail (err, -r, "seccomp: add architecture %s", s->architectures.v[i]);
    }
  /* A binary tree of syscalls for long profiles (libseccomp <= 2.5.4
     misbehaves with it and no rules, hence the threshold, as runc). */
  if (s->n_syscalls > 32)
    seccomp_attr_set (f, SCMP_FLTATR_CTL_OPTIMIZE, 2);

  ctx->notify = false;
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const hull_seccomp_syscall *sc = &s->syscalls[i];
      if (strcmp (sc->action, "SCMP_ACT_NOTIFY") == 0)
        {
          /* init hands the fd over with sendmsg after loading: a notified
             sendmsg would wait for a listener that has no fd yet. runc
             refuses write for the same reason (its init writes the fd
             number to the runtime): refused too, with runc's words. */
          for (size_t j = 0; j < sc->names.n; j++)
            if (strcmp (sc->names.v[j], "sendmsg") == 0 || strcmp (sc->names.v[j], "write") == 0)
              return hull_fail (err, 0, "config.json: .linux.seccomp.syscalls[%zu]: "
                                "SCMP_ACT_NOTIFY cannot be used for the %s syscall", i,
                                sc->names.v[j]);
          ctx->notify = true;
        }
      if (add_syscall_rules (f, sc, i, default_action, quiet, err) < 0)
        return -1;
    }

  if (ctx->notify)
    {
      ctx->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC and a listener both want the return value. */
      if (ctx->flags & SECCOMP_FILTER_FLAG_TSYNC)
        ctx->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  else if (ctx->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    {
      /* Only meaningful with a listener; the kernel refuses it alone. */
      if (!quiet)
        hull_debug ("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no SCMP_ACT_NOTIFY");
      ctx->flags &= ~(unsigned int) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    }

  /* libseccomp 2.5 exports only to an fd. */
  cleanup_close int fd = memfd_create ("hull-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return hull_fail_errno (err, "seccomp: memfd_create");
  int r = seccomp_export_bpf (f, fd);
  if (r < 0)
    return hull_fail (err, -r, "seccomp: export the filter");
  off_t size = lseek (fd, 0, SEEK_END);
  if (size < 0)
    return hull_fail_errno (err, "seccomp: size of the filter");
  size_t n = (size_t) size / sizeof (struct sock_filter);

  struct sock_filter stub[256];
  size_t n_stub;
  if (hull_seccomp_enosys_stub (s, default_action, archs, s->architectures.n, stub,
                                N (stub), &n_stub, err) < 0)
    return -1;
  if (n == 0 || n + n_stub > BPF_MAXINSNS)
    return hull_fail (err, E2BIG, "seccomp: the filter has %zu instructions (at most %d)",
                      n + n_stub, BPF_MAXINSNS);
  free (ctx->insns);
  ctx->insns = malloc ((n + n_stub) * sizeof (struct sock_filter));
  if (ctx->insns == NULL)
    return hull_fail (err, ENOMEM, "seccomp");
  /* The stub first: it falls through into libseccomp's program. */
  memcpy (ctx->insns, stub, n_stub * sizeof stub[0]);
  if (pread (fd, ctx->insns + n_stub, (size_t) size, 0) != size)
    return hull_fail (err, errno ? errno : EIO, "seccomp: read back the filter");
  ctx->n_insns = (unsigned short) (n + n_stub);
  return 0;
}

/* ---------------------------------------------------------- notify state */

/* Our pid as the runtime sees it: the first NSpid field is the pid in the
 * namespace of the procfs we read, and before pivot /proc is still the
 * runtime's (getpid() is the pid in the container's namespace, often 1). */
static pid_t
runtime_visible_pid (void)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/status", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    if (strncmp (line, "NSpid:", 6) == 0)
      {
        long v = strtol (line + 6, NULL, 10);
        if (v > 0 && v <= INT_MAX)
          return (pid_t) v;
      }
  /* No NSpid (kernel < 4.1): no pid namespace nesting to see either. */
  return getpid ();
}

static void
gen_s (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static void
gen_kv (yajl_gen g, const char *k, const char *v)
{
  gen_s (g, k);
  gen_s (g, v);
}

static void
free_gen (yajl_gen *g)
{
  if (*g)
    yajl_gen_free (*g);
}

/* The runtime-spec's ContainerProcessState: ociVersion, fds, pid,
 * metadata and the container's state ("creating" for init). */
static char *
process_state_json (const hull_spec *spec, const hull_seccomp *s, const char *id,
                    const char *bundle, pid_t pid, const char *status)
{
  __attribute__ ((cleanup (free_gen))) yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  yajl_gen_map_open (g);
  gen_kv (g, "ociVersion", PROCESS_STATE_VERSION);
  gen_s (g, "fds");
  yajl_gen_array_open (g);
  gen_s (g, "seccompFd");
  yajl_gen_array_close (g);
  gen_s (g, "pid");
  yajl_gen_integer (g, pid);
  if (s->listener_metadata && *s->listener_metadata)
    gen_kv (g, "metadata", s->listener_metadata);
  gen_s (g, "state");
  yajl_gen_map_open (g);
  gen_kv (g, "ociVersion", spec->oci_version ? spec->oci_version : PROCESS_STATE_VERSION);
  gen_kv (g, "id", id);
  gen_kv (g, "status", status);
  gen_s (g, "pid");
  yajl_gen_integer (g, pid);
  gen_kv (g, "bundle", bundle);
  if (spec->annotations.n > 0)
    {
      gen_s (g, "annotations");
      yajl_gen_map_open (g);
      for (size_t i = 0; i < spec->annotations.n; i++)
        gen_kv (g, spec->annotations.items[i].key, spec->annotations.items[i].value);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);

  const unsigned char *buf;
  size_t len;
  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    return NULL;
  return strndup ((const char *) buf, len);
}

/* listenerPath, relative to the bundle when relative (runc runs in it). */
static int
connect_listener (const char *path, const char *bundle, hull_error *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int len = path[0] == '/'
    ? snprintf (addr.sun_path, sizeof addr.sun_path, "%s", path)
    : snprintf (addr.sun_path, sizeof addr.sun_path, "%s/%s", bundle, path);
  if (len < 0 || (size_t) len >= sizeof addr.sun_path)
    return hull_fail (err, ENAMETOOLONG, "seccomp: listenerPath %s", path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return hull_fail_errno (err, "seccomp: socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return hull_fail_errno (err, "seccomp: connect to listenerPath %s", addr.sun_path);
  return steal_fd (fd);
}

/* One message: the state JSON as data, the notify fd as SCM_RIGHTS. */
static int
send_notify_fd (hull_seccomp_ctx *ctx, int notify_fd, hull_error *err)
{
  struct iovec iov = { .iov_base = ctx->message, .iov_len = strlen (ctx->message) };
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &notify_fd, sizeof (int));
  ssize_t n;
  do
    n = sendmsg (ctx->listener_fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hull_fail_errno (err, "seccomp: send the notify fd to the listener");
  if ((size_t) n != iov.iov_len)
    return hull_fail (err, EIO, "seccomp: short send to the listener");
  return 0;
}

/* ------------------------------------------------------------ interface */

void
hull_seccomp_free (hull_seccomp_ctx *ctx)
{
  if (ctx == NULL)
    return;
  if (ctx->listener_fd >= 0)
    close (ctx->listener_fd);
  free (ctx->insns);
  free (ctx->message);
  free (ctx);
}

static void
seccomp_ctx_freep (hull_seccomp_ctx **p)
{
  hull_seccomp_free (*p);
  *p = NULL;
}

#define cleanup_seccomp_ctx __attribute__ ((cleanup (seccomp_ctx_freep)))

static hull_seccomp_ctx *
ctx_new (void)
{
  hull_seccomp_ctx *ctx = calloc (1, sizeof *ctx);
  if (ctx)
    ctx->listener_fd = -1;
  return ctx;
}

int
hull_seccomp_check (const hull_spec *spec, hull_error *err)
{
  const hull_seccomp *s = spec_seccomp (spec);
  if (s == NULL)
    return 0;
  /* The whole compile, thrown away: every error shows up at create. */
  cleanup_seccomp_ctx hull_seccomp_ctx *ctx = ctx_new ();
  if (ctx == NULL)
    return hull_fail (err, ENOMEM, "seccomp");
  if (compile (s, ctx, false, err) < 0)
    return -1;
  if (ctx->notify && s->listener_path == NULL)
    return hull_fail (err, 0, "config.json: .linux.seccomp.listenerPath: required with "
                      "SCMP_ACT_NOTIFY");
  if (ctx->notify && seccomp_api_get () < 6)
    return hull_fail (err, ENOTSUP, "seccomp: SCMP_ACT_NOTIFY needs libseccomp API level 6 "
                      "(have %u)", seccomp_api_get ());
  return 0;
}

int
hull_seccomp_prepare (const hull_spec *spec, const char *id, const char *bundle,
                      hull_seccomp_ctx **out, hull_error *err)
{
  *out = NULL;
  const hull_seccomp *s = spec_seccomp (spec);
  if (s == NULL)
    return 0;
  cleanup_seccomp_ctx hull_seccomp_ctx *ctx = ctx_new ();
  if (ctx == NULL)
    return hull_fail (err, ENOMEM, "seccomp");
  if (compile (s, ctx, true, err) < 0)
    return -1;
  /* listenerPath without a NOTIFY rule: there will be no fd to send. */
  if (ctx->notify)
    {
      ctx->message = process_state_json (spec, s, id, bundle, runtime_visible_pid (), "creating");
      if (ctx->message == NULL)
        return hull_fail (err, ENOMEM, "seccomp: the container process state");
      ctx->listener_fd = connect_listener (s->listener_path, bundle, err);
      if (ctx->listener_fd < 0)
        return -1;
    }
  *out = steal_ptr (ctx);
  return 0;
}

int
hull_seccomp_set_process (hull_seccomp_ctx *ctx, const hull_spec *spec, const char *id,
                          const char *bundle, pid_t pid, const char *status, hull_error *err)
{
  if (!ctx->notify)
    return 0;
  char *message = process_state_json (spec, spec_seccomp (spec), id, bundle, pid, status);
  if (message == NULL)
    return hull_fail (err, ENOMEM, "seccomp: the container process state");
  free (ctx->message);
  ctx->message = message;
  return 0;
}

int
hull_seccomp_load (hull_seccomp_ctx *ctx, hull_error *err)
{
  struct sock_fprog prog = { .len = ctx->n_insns, .filter = ctx->insns };
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, ctx->flags, &prog);
  if (r < 0)
    return hull_fail_errno (err, "seccomp: load the filter");
  if (!ctx->notify)
    return 0;
  /* The listener owns the notify fd from now on. Ours, and the connection,
     are close-on-exec: closing them here would be one more syscall the
     profile must allow (with a KILL default, not allowing it kills us). */
  int notify_fd = (int) r;
  return send_notify_fd (ctx, notify_fd, err);
}

