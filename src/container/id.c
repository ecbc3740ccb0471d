/* Container IDs and where their state lives. */
#include "config.h"
#include <hull/container.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <hull/fs.h>

#define HULL_ID_MAX 1024

static bool
id_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
         || c == '_' || c == '.' || c == '+' || c == '-';
}

/* The ID becomes a directory name under the state root, so it must not be
 * able to name anything else ("..", "a/b"). Messages are runc's. */
int
hull_id_validate (const char *id, hull_error *err)
{
  if (id == NULL || id[0] == '\0')
    return hull_fail (err, 0, "container id cannot be empty");
  size_t len = strlen (id);
  if (len > HULL_ID_MAX || strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return hull_fail (err, 0, "invalid container ID format");
  for (size_t i = 0; i < len; i++)
    if (!id_char (id[i]))
      return hull_fail (err, 0, "invalid container ID format");
  return 0;
}

char *
hull_state_dir (const hull_context *ctx, const char *id)
{
  return hull_path_join (ctx->root, id);
}
