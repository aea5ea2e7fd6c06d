/* Command lines of Exec*= settings, as systemd.service(5) reads them:
 *   prefixes:  '-' a failing exit status is ignored; '@' the second word is
 *              argv[0]; ':' no environment variable expansion
 *   words:     split at whitespace; "double" and 'single' quotes group; C-style
 *              backslash escapes (\n \t \\ \" \' \xHH \ooo) outside single quotes
 *   variables: $NAME alone as a word expands to zero or more words (split at
 *              whitespace); ${NAME} anywhere expands in place; $$ is a '$'
 * Specifiers (%n, %i...) are expanded by the caller beforehand (specifier.h). */
#ifndef BERTH_EXECLINE_H
#define BERTH_EXECLINE_H

#include <stdbool.h>

struct execline {
	char *path;        /* the program: the first word */
	char **argv;       /* NULL-terminated; argv[0] is the second word with '@' */
	int argc;
	bool ignore_failure;
};

/* Looks NAME (LEN bytes) up; returns the value or NULL for unset. */
typedef const char *(*env_lookup_fn)(const char *name, int len, void *ctx);

/* Parses LINE into EL. Returns 0, or -1 with a message in ERR (ERRLEN bytes). */
int execline_parse(struct execline *el, const char *line, env_lookup_fn env, void *ctx,
		   char *err, int errlen);
void execline_free(struct execline *el);

#endif
