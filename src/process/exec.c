#include "config.h"
#include "process/exec.h"
#include <hull/cleanup.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
env_path (const hull_strv *env)
{
  for (size_t i = 0; i < env->n; i++)
    if (strncmp (env->v[i], "PATH=", 5) == 0)
      return env->v[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static int
is_executable (const char *path, int *why)
{
  struct stat st;
  if (stat (path, &st) < 0)
    {
      *why = errno;
      return 0;
    }
  if (S_ISDIR (st.st_mode))
    {
      *why = EISDIR;
      return 0;
    }
  if (access (path, X_OK) < 0)
    {
      *why = errno;
      return 0;
    }
  return 1;
}

int
hull_exec_resolve (const char *arg0, const hull_strv *env, const char **exe, hull_error *err)
{
  static char found[PATH_MAX];
  int why = ENOENT;

  if (strchr (arg0, '/'))
    {
      if (!is_executable (arg0, &why))
        return hull_fail (err, why, "exec: \"%s\"", arg0);
      *exe = arg0;
      return 0;
    }
  const char *p = env_path (env);
  while (*p)
    {
      const char *end = strchrnul (p, ':');
      int len = (int) (end - p);
      if (snprintf (found, sizeof found, "%.*s/%s", len ? len : 1, len ? p : ".", arg0)
          < (int) sizeof found
          && is_executable (found, &why))
        {
          *exe = found;
          return 0;
        }
      p = *end ? end + 1 : end;
    }
  return hull_fail (err, 0, "exec: \"%s\": executable file not found in $PATH", arg0);
}

static int
check_inside (const char *cwd, hull_error *err)
{
  char buf[PATH_MAX];
  /* Outside our root the kernel answers "(unreachable)/..." or ENOENT. */
  if (getcwd (buf, sizeof buf) == NULL || buf[0] != '/')
    return hull_fail (err, EPERM, "config.json: .process.cwd: %s is outside the container", cwd);
  return 0;
}

int
hull_cwd_enter (const char *cwd, hull_error *err)
{
  /* A missing cwd was created with the rootfs (as runc does). */
  if (chdir (cwd) < 0)
    return hull_fail_errno (err, "config.json: .process.cwd: chdir %s", cwd);
  return check_inside (cwd, err);
}

int
hull_cwd_reenter (const char *cwd, hull_error *err)
{
  /* Again as the user, so search permission is the user's; a cwd only root
   * may enter is kept from the first chdir, as runc does. */
  if (chdir (cwd) < 0 && errno != EACCES)
    return hull_fail_errno (err, "config.json: .process.cwd: chdir %s", cwd);
  return check_inside (cwd, err);
}

/* The kernel nests #! up to 5 levels (BINPRM_MAX_RECURSION + ELF interp). */
#define EXEC_CHAIN_MAX 6

/* The interpreter an ELF file names in PT_INTERP, into buf (NUL-ended). */
static bool
elf_interp (int fd, const unsigned char *hdr, size_t n, char *buf, size_t size)
{
  if (n < EI_NIDENT || memcmp (hdr, ELFMAG, SELFMAG) != 0)
    return false;
  bool is64 = hdr[EI_CLASS] == ELFCLASS64;
  if (n < (is64 ? sizeof (Elf64_Ehdr) : sizeof (Elf32_Ehdr)))
    return false;
  Elf64_Ehdr e64;
  Elf32_Ehdr e32;
  if (is64)
    memcpy (&e64, hdr, sizeof e64);
  else
    memcpy (&e32, hdr, sizeof e32);
  uint64_t off = is64 ? e64.e_phoff : e32.e_phoff;
  unsigned num = is64 ? e64.e_phnum : e32.e_phnum;
  size_t ent = is64 ? sizeof (Elf64_Phdr) : sizeof (Elf32_Phdr);
  for (unsigned i = 0; i < num && i < 64; i++)
    {
      Elf64_Phdr p64;
      Elf32_Phdr p32;
      void *ph = is64 ? (void *) &p64 : (void *) &p32;
      if (pread (fd, ph, ent, (off_t) (off + i * ent)) != (ssize_t) ent)
        return false;
      if ((is64 ? p64.p_type : p32.p_type) != PT_INTERP)
        continue;
      uint64_t ioff = is64 ? p64.p_offset : p32.p_offset;
      uint64_t len = is64 ? p64.p_filesz : p32.p_filesz;
      if (len == 0 || len >= size)
        return false;
      ssize_t r = pread (fd, buf, len, (off_t) ioff);
      if (r != (ssize_t) len)
        return false;
      buf[len] = '\0';
      return true;
    }
  return false;
}

/* CVE-2019-5736: until execve our /proc/self/exe is the host's hull binary.
 * A program whose #! line or ELF interpreter is /proc/self/exe (at any
 * depth) would have the kernel run that binary inside the container,
 * dumpable, where the container can open it for writing once it exits.
 * Refuse such programs. Not airtight against a concurrent in-place rewrite
 * of the file between this check and execve (the image would have to be
 * writable by another container); the full fix is a sealed copy of the
 * binary (runc's memfd / runc-dmz). */
static int
check_chain (const char *path, const struct stat *self, int depth, hull_error *err)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return 0; /* Missing: execve has the last word. */
  if (st.st_dev == self->st_dev && st.st_ino == self->st_ino)
    return hull_fail (err, EPERM, "exec %s: it would run the runtime binary inside the "
                      "container (CVE-2019-5736), refusing", path);
  if (depth >= EXEC_CHAIN_MAX || !S_ISREG (st.st_mode))
    return 0;
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  /* Execute-only (EACCES) is safe: the kernel makes such a process
   * non-dumpable. Anything else (EMFILE under a low RLIMIT_NOFILE, say)
   * must not wave the program through unchecked. */
  if (fd < 0 && errno == EACCES)
    return 0;
  if (fd < 0)
    return hull_fail_errno (err, "exec %s: cannot check its interpreter", path);
  if (fstat (fd, &st) == 0 && st.st_dev == self->st_dev && st.st_ino == self->st_ino)
    return hull_fail (err, EPERM, "exec %s: it would run the runtime binary inside the "
                      "container (CVE-2019-5736), refusing", path);

  unsigned char hdr[256];
  ssize_t n = pread (fd, hdr, sizeof hdr - 1, 0);
  if (n < 2)
    return 0;
  hdr[n] = '\0';
  char interp[PATH_MAX];
  if (hdr[0] == '#' && hdr[1] == '!')
    {
      /* As the kernel: blanks, then the interpreter up to a blank or EOL. */
      char *p = (char *) hdr + 2;
      p += strspn (p, " \t");
      size_t len = strcspn (p, " \t\n");
      if (len == 0 || len >= sizeof interp)
        return 0;
      memcpy (interp, p, len);
      interp[len] = '\0';
    }
  else if (!elf_interp (fd, hdr, (size_t) n, interp, sizeof interp))
    return 0;
  return check_chain (interp, self, depth + 1, err);
}

int
hull_exec_check_chain (const char *exe, const struct stat *self, hull_error *err)
{
  return check_chain (exe, self, 0, err);
}
