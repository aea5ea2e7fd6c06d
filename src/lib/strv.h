/* A growable, NULL-terminated array of owned strings. */
#ifndef BERTH_STRV_H
#define BERTH_STRV_H

#include <stddef.h>

struct strv {
	char **v; /* NULL-terminated once anything was added; may be NULL */
	size_t n;
};

int strv_add(struct strv *s, const char *str);        /* a copy; -1 if out of memory */
int strv_add_n(struct strv *s, const char *str, size_t len); /* a copy of LEN bytes */
int strv_add_words(struct strv *s, const char *text); /* each whitespace-separated word */
int strv_contains(const struct strv *s, const char *str);
void strv_clear(struct strv *s);

#endif
