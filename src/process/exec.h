#ifndef HULL_PROCESS_EXEC_H
#define HULL_PROCESS_EXEC_H

#include <hull/error.h>
#include <hull/spec.h>
#include <sys/stat.h>

/* Finds the program to execve: args[0] as a path, or looked up in the PATH
 * of the process's environment (the container's, not ours), as runc does.
 * *exe points into static storage. */
int hull_exec_resolve (const char *arg0, const hull_strv *env, const char **exe, hull_error *err);

/* chdir to process.cwd and check it really lies inside the new root (a cwd
 * reached through a leaked fd would not: CVE-2024-21626). */
int hull_cwd_enter (const char *cwd, hull_error *err);
/* After the identity change: chdir again as the user (EACCES keeps root's). */
int hull_cwd_reenter (const char *cwd, hull_error *err);

/* CVE-2019-5736: refuses a program whose #! line or ELF interpreter, at
 * any depth, is the runtime binary `self` (reached as /proc/self/exe): the
 * kernel would run our binary inside the container, where it can be
 * reopened for writing once it exits. */
int hull_exec_check_chain (const char *exe, const struct stat *self, hull_error *err);

#endif
