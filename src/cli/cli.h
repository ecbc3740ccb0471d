/* The hull command line: one entry point per subcommand, and the helpers
 * they share for options, usage errors and reporting. */
#ifndef HULL_CLI_H
#define HULL_CLI_H

#include <stdbool.h>
#include <hull/container.h>
#include <hull/error.h>

/* argv[0] is the subcommand name; returns the process exit status. */
int cmd_create (const hull_context *ctx, int argc, char **argv);
int cmd_run (const hull_context *ctx, int argc, char **argv);
int cmd_start (const hull_context *ctx, int argc, char **argv);
int cmd_state (const hull_context *ctx, int argc, char **argv);
int cmd_kill (const hull_context *ctx, int argc, char **argv);
int cmd_delete (const hull_context *ctx, int argc, char **argv);
int cmd_list (const hull_context *ctx, int argc, char **argv);
int cmd_spec (const hull_context *ctx, int argc, char **argv);
int cmd_features (const hull_context *ctx, int argc, char **argv);
int cmd_pause (const hull_context *ctx, int argc, char **argv);
int cmd_resume (const hull_context *ctx, int argc, char **argv);
int cmd_ps (const hull_context *ctx, int argc, char **argv);
int cmd_exec (const hull_context *ctx, int argc, char **argv);
int cmd_update (const hull_context *ctx, int argc, char **argv);
int cmd_events (const hull_context *ctx, int argc, char **argv);

/* Reports err as runc's fatal() does (an error log line: on stderr, or in
 * the --log file and then the bare message on stderr too) and returns the
 * exit status for a failure, 1 as runc. */
int cli_fail (const hull_error *err);

/* Same with a message formatted here. */
int cli_error (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* Reports what getopt_long rejected (call with its return value '?' or
 * ':'; the optstring must start with ':'). Returns 1. */
int cli_bad_option (const char *cmd, int c, char **argv);

/* Checks the operand count with runc's wording ("\"state\" requires
 * exactly 1 argument(s)"); max < 0 means unbounded. Returns 0 or 1. */
int cli_check_args (const char *cmd, int n, int min, int max);

/* Prints a command's usage text to stdout (for --help); returns 0. */
int cli_usage (const char *text);

/* For a subcommand's getopt_long: restart parsing on its own argv. */
void cli_getopt_reset (void);

#endif
