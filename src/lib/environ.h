/* Environment settings of services, as systemd.exec(5) reads them:
 *   Environment=   space-separated NAME=value assignments; a whole assignment
 *                  may be quoted ("B=2 3"); C-style escapes as in Exec lines
 *   EnvironmentFile= one NAME=value per line; '#' and ';' start comments; values
 *                  may be quoted, and a trailing '\' continues the line
 * Assignments go into an strv of "NAME=value", a later one replacing an earlier
 * one of the same NAME. */
#ifndef BERTH_ENVIRON_H
#define BERTH_ENVIRON_H

#include <stddef.h>

#include "strv.h"

/* Returns 0, or -1 with a message in ERR. */
int environ_parse_setting(struct strv *env, const char *value, char *err, int errlen);
/* TEXT is a file's contents (LEN bytes). Returns 0, or -1 with ERR naming the line. */
int environ_parse_file(struct strv *env, const char *text, size_t len, char *err, int errlen);
/* The value of NAME (LEN bytes) in ENV, or NULL. */
const char *environ_get(const struct strv *env, const char *name, int len);

#endif
