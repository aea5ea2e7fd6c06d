/* Parsing of systemd-style unit files into sections of key=value entries.
 * Syntax as systemd.syntax(7): [Section] headers, Key=Value lines, comments
 * starting with '#' or ';', a trailing backslash joining the next line.
 * Meaning (which keys exist, what values are valid) is the caller's. */
#ifndef BERTH_UNITFILE_H
#define BERTH_UNITFILE_H

#include <stddef.h>

struct unit_entry {
	char *section;   /* shared with the other entries of its section */
	char *key;
	char *value;     /* leading and trailing whitespace removed */
	int line;        /* where the entry starts, 1-based */
};

struct unit_file {
	char *path;              /* as given, for messages */
	struct unit_entry *entries;
	size_t n, cap;
	char **sections;         /* owned section names */
	size_t nsections;
};

/* A problem found while parsing: the file's other entries are still valid. */
struct unit_error {
	int line;
	char msg[160];
};

/* Parses TEXT (LEN bytes, need not be NUL-terminated) into UF. Problems are
 * reported through ERR (the first one) and the return value: 0 for none, the
 * number of problems otherwise, -1 if out of memory. Lines with problems are
 * skipped; everything else is kept. */
int unit_parse(struct unit_file *uf, const char *path, const char *text, size_t len,
	       struct unit_error *err);

/* The value of the last KEY in SECTION, or NULL. */
const char *unit_get(const struct unit_file *uf, const char *section, const char *key);

void unit_file_free(struct unit_file *uf);

#endif
