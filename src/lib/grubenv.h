/* GRUB's environment block (grub-editenv's format): 1024 bytes, the line
 * "# GRUB Environment Block", then NAME=VALUE lines, then '#' up to the end.
 * Berth keeps its slot table there, where GRUB can read and write it
 * (docs/boot.md). Values here never hold a newline or a backslash (GRUB would
 * escape them); setting one is an error. */
#ifndef BERTH_GRUBENV_H
#define BERTH_GRUBENV_H

#include <stddef.h>

#define GRUBENV_SIZE 1024
#define GRUBENV_MAX 48

struct grubenv {
	size_t n;
	char name[GRUBENV_MAX][48];
	char value[GRUBENV_MAX][128];
};

/* Parses BUF (LEN bytes, normally GRUBENV_SIZE). Returns 0, or -1 with ERR. */
int grubenv_parse(struct grubenv *e, const char *buf, size_t len, char *err, size_t errlen);
/* The value of NAME, or NULL. */
const char *grubenv_get(const struct grubenv *e, const char *name);
/* Sets NAME to VALUE (added at the end if new). Returns 0, or -1 with ERR. */
int grubenv_set(struct grubenv *e, const char *name, const char *value, char *err, size_t errlen);
/* The block, GRUBENV_SIZE bytes, into OUT. Returns 0, or -1 with ERR if the
 * variables do not fit. */
int grubenv_format(const struct grubenv *e, char out[GRUBENV_SIZE], char *err, size_t errlen);

#endif
