/* OCI hooks (config.md "POSIX-platform Hooks"): running a hook program
 * with the container's state on its stdin, and one list of them in order.
 * Used by the runtime (prestart, createRuntime, poststart, poststop) and by
 * the container's init (createContainer, startContainer). */
#ifndef HULL_PROCESS_HOOKS_H
#define HULL_PROCESS_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <hull/container.h>
#include <hull/spec.h>

typedef enum {
  HULL_HOOK_PRESTART,
  HULL_HOOK_CREATE_RUNTIME,
  HULL_HOOK_CREATE_CONTAINER,
  HULL_HOOK_START_CONTAINER,
  HULL_HOOK_POSTSTART,
  HULL_HOOK_POSTSTOP,
  HULL_HOOK_KINDS
} hull_hook_kind;

/* The config.json key: "prestart", "createRuntime", ... */
const char *hull_hook_name (hull_hook_kind kind);

const hull_hook_list *hull_hook_list_of (const hull_hooks *hooks, hull_hook_kind kind);

static inline bool
hull_hooks_any (const hull_hooks *hooks, hull_hook_kind kind)
{
  return hull_hook_list_of (hooks, kind)->n > 0;
}

/* Runs one hook: `path` with `args` (args[0] as argv[0]; {path} when
 * absent) and exactly `env`, `input` on stdin, stdout and stderr captured,
 * in a process group of its own. Waits for it to exit (not for its output
 * to close: a hook may leave a daemon behind); past `timeout` seconds the
 * group is SIGKILLed and that is a failure. Messages start with runc's
 * "error running hook PATH: " and end with the tail of the output. */
int hull_hook_exec (const hull_hook *hook, const char *input, size_t len, hull_error *err);

/* Runs the hooks of one kind in the listed order, each with `st` as OCI
 * state JSON (what `hull state` prints) on stdin. The first failure stops
 * the list: "config.json: .hooks.KIND[i]: error running hook ...". */
int hull_hooks_run (const hull_hooks *hooks, hull_hook_kind kind, const hull_state *st,
                    hull_error *err);

/* Runs every hook of one kind, logging failures as warnings (poststop:
 * "the runtime MUST log a warning, but the remaining hooks and lifecycle
 * continue as if the hook had succeeded"). */
void hull_hooks_run_warn (const hull_hooks *hooks, hull_hook_kind kind, const hull_state *st);

#endif
